import { pino, type Logger } from "pino";
import type { Config } from "./config.js";

export type { Logger };

/**
 * The structured logger. Log lines carry ids, names, rooms, counts and codes; never message
 * text, ciphertext or keys.
 *
 * @example
 * const logger = createLogger(config);
 */
export function createLogger(config: Pick<Config, "logLevel" | "nodeId">): Logger {
  return pino({ level: config.logLevel, base: { node: config.nodeId } });
}
