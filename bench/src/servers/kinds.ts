import { startBareSocketIo } from "./bare-socketio.js";
import type { LaunchOptions } from "./launch-options.js";
import { startPigeon } from "./pigeon.js";
import type { ServerProcess } from "./process.js";
import { startRawWs } from "./raw-ws.js";

/** The three servers every workload compares. */
export const SERVER_KINDS = ["pigeon", "socketio", "rawws"] as const;
export type ServerKind = (typeof SERVER_KINDS)[number];

/** How each server is named in reports. */
export const SERVER_LABELS: Readonly<Record<ServerKind, string>> = {
  pigeon: "Pigeon",
  socketio: "bare socket.io",
  rawws: "raw ws (ceiling)",
};

/**
 * Starts a server of the given kind as its own process.
 *
 * @example
 * const server = await startServer("socketio");
 */
export function startServer(kind: ServerKind, options: LaunchOptions = {}): Promise<ServerProcess> {
  switch (kind) {
    case "pigeon":
      return startPigeon(options);
    case "socketio":
      return startBareSocketIo(options);
    case "rawws":
      return startRawWs(options);
  }
}
