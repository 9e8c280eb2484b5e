import { startBaseline } from "./baseline.js";
import type { LaunchOptions } from "./launch-options.js";
import type { ServerProcess } from "./process.js";

/**
 * Starts the raw `ws` ceiling (one pre-built frame written to each room member) as its own
 * process, pinned to the server core.
 *
 * @example
 * const server = await startRawWs();
 */
export function startRawWs(options: LaunchOptions = {}): Promise<ServerProcess> {
  return startBaseline("raw ws", "./raw-ws-main.ts", options);
}
