import { pino, type Logger } from "pino";

export type { Logger };

/**
 * The relay logs through pino. Log lines carry ids, names, rooms, counts and codes; never
 * message text, ciphertext or keys. A relay given no logger says nothing.
 */
export function silentLogger(): Logger {
  return pino({ level: "silent" });
}
