import { randomText } from "../store/random-text.js";

const ID_BYTES = 12;

/**
 * A new message id: 96 random bits as 16 base64url characters, unique across nodes and
 * restarts without coordination. Shorter than a UUID's 36 characters, which every recipient
 * of every message receives; random rather than a counter, so an id says nothing about how
 * much a node carries.
 *
 * @example
 * messageId() // "q3vS0b1Hc8GfN2xA"
 */
export function messageId(): string {
  return randomText(ID_BYTES);
}
