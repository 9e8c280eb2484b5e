// Turns script replies (typed `unknown` by ioredis) into the store's types, checking shapes as
// it goes. Errors never quote the reply: it may hold message text.
import type { DeletedEntry, StoredEntry } from "../relay-store.js";

/** The seq, id and user of an entry, as acks and receipts report it. */

function unexpected(what: string): Error {
  return new Error(`unexpected Redis reply: expected ${what}`);
}

/** The reply as an array. */
export function list(value: unknown): unknown[] {
  if (!Array.isArray(value)) throw unexpected("an array");
  return value as unknown[];
}

/** The reply as a finite number (Redis sends integers as numbers, scores as strings). */
export function num(value: unknown): number {
  const parsed = typeof value === "string" ? Number(value) : value;
  if (typeof parsed !== "number" || !Number.isFinite(parsed)) throw unexpected("a number");
  return parsed;
}

/** The reply as a string. */
export function str(value: unknown): string {
  if (typeof value !== "string") throw unexpected("a string");
  return value;
}

/** A flat `seq, id, user, ...` reply as entry references. */
export function entryRefs(value: unknown): DeletedEntry[] {
  const flat = list(value);
  const refs: DeletedEntry[] = [];
  for (let index = 0; index + 2 < flat.length; index += 3) {
    refs.push({ seq: num(flat[index]), id: str(flat[index + 1]), user: str(flat[index + 2]) });
  }
  return refs;
}

/** An XRANGE reply of log entries (fields i, u, m, t, b in that order) as stored entries. */
export function logEntries(value: unknown): StoredEntry[] {
  return list(value).map((item) => {
    const [streamId, fields] = list(item);
    const [, id, , user, , message, , sentAt] = list(fields);
    return { seq: num(str(streamId).split("-", 1)[0]), id: str(id), user: str(user), message: str(message), sentAt: num(sentAt) };
  });
}

/** A flat `a, b, a, b, ...` reply as pairs. */
export function pairs(value: unknown): [unknown, unknown][] {
  const flat = list(value);
  const result: [unknown, unknown][] = [];
  for (let index = 0; index + 1 < flat.length; index += 2) result.push([flat[index], flat[index + 1]]);
  return result;
}
