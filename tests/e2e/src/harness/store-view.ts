import { waitUntil, withRedis, type RedisTarget } from "@pigeon/testing";

/** What the Redis store holds for one room. */
export interface RoomHoldings {
  readonly room: string;
  /** The room's latest seq, as the store counts it. */
  readonly latestSeq: number;
  /** How many messages the room's log holds. */
  readonly held: number;
}

/**
 * Reads, straight from Redis, each room's latest seq and how many messages its log holds,
 * following the store's key layout (apps/server/src/store/redis/keys.ts: `<prefix>:{r:<room>}:meta`
 * and `:log`). `@pigeon/server` exports no RedisStore to ask; reading the latest seq too keeps
 * this honest: a layout change shows up as a latest seq of 0, not as a silently empty log.
 *
 * @example
 * expect(await roomHoldings(target, prefix, ["lobby"])).toEqual([{ room: "lobby", latestSeq: 3, held: 0 }]);
 */
export async function roomHoldings(target: RedisTarget, prefix: string, rooms: readonly string[]): Promise<RoomHoldings[]> {
  return withRedis(target, (redis) =>
    Promise.all(
      rooms.map(async (room) => {
        const head = `${prefix}:{r:${room}}:`;
        const [seq, held] = await Promise.all([redis.hget(`${head}meta`, "seq"), redis.xlen(`${head}log`)]);
        return { room, latestSeq: Number(seq ?? 0), held };
      }),
    ),
  );
}

/**
 * The message the store holds in `room` under `seq`, if any (fields `u` and `m` of the log
 * entry `<seq>-0`, as ./room-scripts.ts writes them): to say what a stuck client is missing.
 *
 * @example
 * const missing = await heldMessage(target, prefix, "lobby", 123); // { user: "alice", message: "..." }
 */
export async function heldMessage(target: RedisTarget, prefix: string, room: string, seq: number): Promise<{ user: string; message: string } | undefined> {
  return withRedis(target, async (redis) => {
    const [entry] = await redis.xrange(`${prefix}:{r:${room}}:log`, `${seq}-0`, `${seq}-0`);
    if (entry === undefined) return undefined;
    const fields = new Map<string, string>();
    for (let i = 0; i + 1 < entry[1].length; i += 2) fields.set(entry[1][i] ?? "", entry[1][i + 1] ?? "");
    return { user: fields.get("u") ?? "?", message: fields.get("m") ?? "?" };
  });
}

/**
 * Resolves once every node in `nodeIds` has started a heartbeat at `since + intervalMs` or
 * later, read from the store's node list (`<prefix>:nodes`, scores = last beat, members
 * `<node id>/<instance>`): each has then finished a whole beat, reaping included, after `since`.
 *
 * @example
 * await beatenSince(target, prefix, ["node-a", "node-b"], recoveredAt, HEARTBEAT_INTERVAL_MS);
 */
export async function beatenSince(target: RedisTarget, prefix: string, nodeIds: readonly string[], since: number, intervalMs: number): Promise<void> {
  const latest = () =>
    withRedis(target, async (redis) => {
      const flat = await redis.zrange(`${prefix}:nodes`, 0, -1, "WITHSCORES");
      const beats = new Map<string, number>();
      for (let i = 0; i + 1 < flat.length; i += 2) {
        const id = (flat[i] ?? "").split("/")[0] ?? "";
        beats.set(id, Math.max(beats.get(id) ?? 0, Number(flat[i + 1])));
      }
      return beats;
    });
  await waitUntil(
    async () => {
      const beats = await latest();
      return nodeIds.every((id) => (beats.get(id) ?? 0) >= since + intervalMs);
    },
    async () => `not every node beat since ${since}: ${JSON.stringify([...(await latest())])}`,
    intervalMs * 10,
  );
}

/**
 * Each member's cursor (the last seq it confirmed) in `room`, from `<prefix>:{r:<room>}:cursors`.
 *
 * @example
 * expect(await roomCursors(target, prefix, "lobby")).toEqual({ alice: 3, bob: 3 });
 */
export async function roomCursors(target: RedisTarget, prefix: string, room: string): Promise<Record<string, number>> {
  return withRedis(target, async (redis) => {
    const flat = await redis.zrange(`${prefix}:{r:${room}}:cursors`, 0, -1, "WITHSCORES");
    const cursors: Record<string, number> = {};
    for (let i = 0; i + 1 < flat.length; i += 2) cursors[flat[i] ?? ""] = Number(flat[i + 1]);
    return cursors;
  });
}
