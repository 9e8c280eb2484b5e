import type { Logger } from "@pigeon/relay";
import { pino } from "pino";
import type { ServerConfig } from "./config.js";

/**
 * The deployment's structured logger: JSON lines on stdout, tagged with the node id. Log lines
 * carry ids, names, rooms, counts and codes; never message text, ciphertext or keys.
 *
 * @example
 * const logger = createLogger(config);
 */
export function createLogger(config: Pick<ServerConfig, "logLevel" | "nodeId">): Logger {
  return pino({ level: config.logLevel, base: { node: config.nodeId } });
}
