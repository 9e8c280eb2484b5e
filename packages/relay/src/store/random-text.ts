import { randomFillSync } from "node:crypto";

const POOL_BYTES = 4_096;
const pool = Buffer.alloc(POOL_BYTES);
let used = POOL_BYTES;

/**
 * `bytes` fresh random bytes as base64url text. Randomness is drawn in batches, as
 * `randomUUID` does: the relay asks for some on every message (its id, and on Redis a
 * candidate incarnation), and a system call each cost as much as the rest of the work. Each
 * byte of a batch is used once.
 *
 * @example
 * randomText(12) // "q3vS0b1Hc8GfN2xA"
 */
export function randomText(bytes: number): string {
  if (used + bytes > POOL_BYTES) {
    randomFillSync(pool);
    used = 0;
  }
  const start = used;
  used += bytes;
  return pool.toString("base64url", start, used);
}
