import { baseNodeFlags, freePort, harnessModule, startNodeServer, type ServerProcess } from "./process.js";
import { serverEnv, type LaunchOptions } from "./launch-options.js";

/**
 * Starts the bare socket.io baseline (the seed tutorial's broadcast and nothing else) as its
 * own process, pinned to the server core.
 *
 * @example
 * const server = await startBareSocketIo();
 */
export async function startBareSocketIo(options: LaunchOptions = {}): Promise<ServerProcess> {
  const port = await freePort();
  return startNodeServer({
    label: "bare socket.io",
    nodeArgs: [...baseNodeFlags(), ...(options.nodeFlags ?? []), harnessModule("./bare-socketio-main.ts")],
    env: serverEnv(port, options.env),
    port,
  });
}
