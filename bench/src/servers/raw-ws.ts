import { baseNodeFlags, freePort, harnessModule, startNodeServer, type ServerProcess } from "./process.js";
import { serverEnv, type LaunchOptions } from "./launch-options.js";

/**
 * Starts the raw `ws` ceiling (one pre-built frame written to each room member) as its own
 * process, pinned to the server core.
 *
 * @example
 * const server = await startRawWs();
 */
export async function startRawWs(options: LaunchOptions = {}): Promise<ServerProcess> {
  const port = await freePort();
  return startNodeServer({
    label: "raw ws",
    nodeArgs: [...baseNodeFlags(), ...(options.nodeFlags ?? []), harnessModule("./raw-ws-main.ts")],
    env: serverEnv(port, options.env),
    port,
  });
}
