import { startBaseline } from "./baseline.js";
import type { LaunchOptions } from "./launch-options.js";
import type { ServerProcess } from "./process.js";

/**
 * Starts the bare socket.io baseline (the seed tutorial's broadcast and nothing else) as its
 * own process, pinned to the server core.
 *
 * @example
 * const server = await startBareSocketIo();
 */
export function startBareSocketIo(options: LaunchOptions = {}): Promise<ServerProcess> {
  return startBaseline("bare socket.io", "./bare-socketio-main.ts", options);
}
