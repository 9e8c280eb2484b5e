import { randomFillSync } from "node:crypto";

const ID_BYTES = 12;
const POOL_IDS = 256;
const pool = Buffer.alloc(ID_BYTES * POOL_IDS);
let next = POOL_IDS;

/**
 * A new message id: 96 random bits as 16 base64url characters, unique across nodes and
 * restarts without coordination. Shorter than a UUID's 36 characters, which every recipient
 * of every message receives; random rather than a counter, so an id says nothing about how
 * much a node carries. Randomness is drawn in batches, as `randomUUID` does.
 *
 * @example
 * messageId() // "q3vS0b1Hc8GfN2xA"
 */
export function messageId(): string {
  if (next === POOL_IDS) {
    randomFillSync(pool);
    next = 0;
  }
  const start = next * ID_BYTES;
  next += 1;
  return pool.toString("base64url", start, start + ID_BYTES);
}
