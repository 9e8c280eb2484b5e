import { serverEnv, type LaunchOptions } from "./launch-options.js";
import { baseNodeFlags, freePort, harnessModule, startNodeServer, type ServerProcess } from "./process.js";

/**
 * Starts a baseline server, `main` being its entry module beside this file, as its own process
 * pinned to the server core: the harness's Node flags, then `options.nodeFlags`, on a free port.
 *
 * @example
 * const server = await startBaseline("raw ws", "./raw-ws-main.ts", {});
 */
export async function startBaseline(label: string, main: string, options: LaunchOptions): Promise<ServerProcess> {
  const port = await freePort();
  return startNodeServer({
    label,
    nodeArgs: [...baseNodeFlags(), ...(options.nodeFlags ?? []), harnessModule(main)],
    env: serverEnv(port, options.env),
    port,
  });
}
