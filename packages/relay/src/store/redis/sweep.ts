// The Redis store's sweep. It never scans the keyspace: rooms come from the room index (rooms
// that have or had members) and identities from the identity index, a ZSET scored with the
// earliest time each identity could be due, so only due identities are read. Both indexes may
// hold extra entries (every step re-checks under the room's or identity's own keys) but must
// never miss one, so entries are removed only by conditional single-key scripts. Several
// nodes may sweep at once: each change is atomic and reported by whoever made it.
import type { DeletedEntry, ExpiredRange, GroupChange, SweepReport } from "../relay-store.js";
import { identityKeyList, roomKeyList } from "./keys.js";
import { removeMember, type RedisContext } from "./membership.js";
import { list, num, pairs, str } from "./replies.js";

/** Index entries read per round trip. */
const SWEEP_BATCH = 200;

class Reports {
  readonly #rooms = new Map<string, { expired?: ExpiredRange; incarnation?: string; droppedMembers: string[]; deleted: DeletedEntry[]; group?: GroupChange }>();

  expired(room: string, expired: ExpiredRange, incarnation: string | undefined): void {
    const report = this.#room(room);
    report.expired = expired;
    if (incarnation !== undefined) report.incarnation = incarnation;
  }

  dropped(room: string, name: string, deleted: readonly DeletedEntry[], group: GroupChange | undefined): void {
    const report = this.#room(room);
    report.droppedMembers.push(name);
    report.deleted.push(...deleted);
    // The latest status wins: each drop's is the group as that drop left it.
    if (group) report.group = group;
  }

  list(): SweepReport[] {
    return [...this.#rooms].map(([room, report]) => ({ room, ...report }));
  }

  #room(room: string) {
    let report = this.#rooms.get(room);
    if (!report) {
      report = { droppedMembers: [], deleted: [] };
      this.#rooms.set(room, report);
    }
    return report;
  }
}

/**
 * Drops entries older than the message TTL, then members away longer than the member TTL (so,
 * as in the memory store, entries old enough to expire are reported expired even when only a
 * dropped member was missing them).
 *
 * @example
 * const reports = await sweep({ redis, keys, limits }, Date.now());
 */
export async function sweep(context: RedisContext, now: number): Promise<SweepReport[]> {
  const reports = new Reports();
  await sweepRooms(context, now - context.limits.messageTtlMs, reports);
  await sweepIdentities(context, now, reports);
  return reports.list();
}

async function sweepRooms(context: RedisContext, cutoff: number, reports: Reports): Promise<void> {
  const { redis, keys } = context;
  let cursor = "0";
  do {
    const [next, flat] = await redis.hscan(keys.roomIndex, cursor, "COUNT", SWEEP_BATCH);
    cursor = next;
    await Promise.all(
      pairs(flat).map(async ([room, token]) => {
        const name = str(room);
        const [unindex, from, to, incarnation] = list(await redis.pigeonSweepRoom(...roomKeyList(keys.room(name)), cutoff, str(token)));
        if (from !== null && to !== null) reports.expired(name, { from: num(from), to: num(to) }, incarnation === null ? undefined : str(incarnation));
        if (num(unindex) === 1) await redis.pigeonUnindexRoom(keys.roomIndex, name, str(token));
      }),
    );
  } while (cursor !== "0");
}

async function sweepIdentities(context: RedisContext, now: number, reports: Reports): Promise<void> {
  const { redis, keys } = context;
  const cutoff = now - context.limits.memberTtlMs;
  // Settled identities leave the due range; `offset` skips those that stay in it.
  let offset = 0;
  for (;;) {
    const due = pairs(await redis.zrangebyscore(keys.identityIndex, "-inf", `(${cutoff}`, "WITHSCORES", "LIMIT", offset, SWEEP_BATCH));
    const settled = await Promise.all(due.map(([key, score]) => settle(context, str(key), str(score), now, reports)));
    offset += settled.filter((done) => !done).length;
    if (due.length < SWEEP_BATCH) return;
  }
}

/**
 * Checks one due identity; returns whether it left the due range. Once it was dropped from every
 * room, it is checked `again`, which forgets it (freeing a keyed name) if nothing holds it now.
 */
async function settle(context: RedisContext, key: string, score: string, now: number, reports: Reports, again = true): Promise<boolean> {
  const { redis, keys } = context;
  const cutoff = now - context.limits.memberTtlMs;
  const [verdict, detail, rooms] = list(await redis.pigeonInspectAway(...identityKeyList(keys.identity(key)), cutoff));
  switch (str(verdict)) {
    case "gone":
      await redis.pigeonUnindexIdentity(keys.identityIndex, key, score);
      return true;
    case "present":
      // Check again a TTL from now; GT never moves an entry earlier than a newer disconnect set it.
      await redis.zadd(keys.identityIndex, "XX", "GT", now, key);
      return true;
    case "wait":
      await redis.zadd(keys.identityIndex, "XX", "GT", num(detail), key);
      return true;
  }
  const gen = str(detail);
  const removals = await Promise.all(
    list(rooms).map(async (room) => {
      const removal = await removeMember(context, str(room), key, gen);
      if (removal.name !== undefined) reports.dropped(str(room), removal.name, removal.deleted, removal.group);
      return removal.roomsLeft;
    }),
  );
  // Each unlist reports the rooms still listed after it; the identity is done once one saw none.
  if (removals.includes(-1) || !removals.includes(0) || !again) return false;
  return settle(context, key, score, now, reports, false);
}
