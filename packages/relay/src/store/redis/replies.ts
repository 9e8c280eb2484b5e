// Turns script replies (typed `unknown` by ioredis) into the store's types, checking shapes as
// it goes. Errors never quote the reply: it may hold message text.
import type { GroupStatus, RoomMode } from "@pigeon/protocol";
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

/** A flat `seq, id, user, MLS kind or '', ...` reply as entry references. */
export function entryRefs(value: unknown): DeletedEntry[] {
  const flat = list(value);
  const refs: DeletedEntry[] = [];
  for (let index = 0; index + 3 < flat.length; index += 4) {
    const [seq, id, user, kind] = [num(flat[index]), str(flat[index + 1]), str(flat[index + 2]), flat[index + 3]];
    refs.push(kind === "" ? { seq, id, user } : { seq, id, user, mls: mlsKind(kind) });
  }
  return refs;
}

/** An XRANGE reply of log entries (fields i, u, m, t, b, then k, e for MLS entries) as stored entries. */
export function logEntries(value: unknown): StoredEntry[] {
  return list(value).map((item) => {
    const [streamId, fields] = list(item);
    const [, id, , user, , message, , sentAt, , , , kind, , epoch] = list(fields);
    const seq = num(str(streamId).split("-", 1)[0]);
    // Field by field, not `{ ...entry, mls, epoch }`: see `withSeq`.
    if (kind === undefined) return { seq, id: str(id), user: str(user), message: str(message), sentAt: num(sentAt) };
    return { seq, id: str(id), user: str(user), message: str(message), sentAt: num(sentAt), mls: mlsKind(kind), epoch: num(epoch) };
  });
}

function mlsKind(value: unknown): "application" | "commit" | "proposal" {
  if (value === "application" || value === "commit" || value === "proposal") return value;
  throw unexpected("an MLS kind");
}

/** An epoch (-1: no group) and a flat `leaf, name, ...` reply as a group status, pending by leaf. */
export function groupStatus(epoch: unknown, pending: unknown): GroupStatus {
  const leaves = pairs(pending).map(([leaf, name]) => ({ leaf: num(leaf), name: str(name) }));
  const at = num(epoch);
  return { epoch: at < 0 ? null : at, pending: leaves.sort((a, b) => a.leaf - b.leaf) };
}

/** A flat `a, b, a, b, ...` reply as pairs. */
export function pairs(value: unknown): [unknown, unknown][] {
  const flat = list(value);
  const result: [unknown, unknown][] = [];
  for (let index = 0; index + 1 < flat.length; index += 2) result.push([flat[index], flat[index + 1]]);
  return result;
}

/** A room mode as a script replied it. */
export function roomMode(value: unknown): RoomMode {
  if (value === "plain" || value === "encrypted") return value;
  throw unexpected("a room mode");
}
