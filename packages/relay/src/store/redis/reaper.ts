// Releasing what dead nodes held. Every node beats in the node list, a ZSET of last beats. A
// node whose beat has not changed for `deadAfterMs` is claimed by exactly one reaper:
// CLAIM_DEAD_NODE moves the score the reaper saw stay the same to the reaper's `now`
// atomically, so any other reaper then sees a new score and waits. The winner takes the node's
// records (TAKE_HOLDINGS), releases each presence and name as removePresence and releaseName
// would, deletes the records, and removes the node from the list unless it beat again meanwhile
// (its score is no longer the claim's).
//
// A beat is the beating node's clock's time, and the reaper's clock is another: hosts' clocks
// disagree, by seconds or, where time sync fails, by minutes. So a reaper never compares a beat
// with its own time (a reaper whose clock ran ahead took every other node for dead while they
// beat, released what their connections held, and had them close those connections, every few
// seconds); it only watches each beat change, and times how long one stays the same on its own
// clock.
//
// The claim is a lease rather than a removal: a reaper that dies mid-way leaves the node in the
// list under its claim's score, which stays the same in turn, and the next reaper finishes the
// job (every release is idempotent). A node that was presumed dead and beats again goes on: what
// its connections held was released, it records new holdings apart from the old, and its beat
// finds the mark the reaper left, so that the relay closes those connections
// (membership/heartbeat.ts).
import { nodeKeyList, roomKeyList, type NodeKeys } from "./keys.js";
import { parseHoldingField, releaseIdentity, type NodeContext } from "./holdings.js";
import { num, pairs, str } from "./replies.js";
import type { RedisClient } from "./scripts.js";

/** Dead nodes claimed per call; the rest wait for the next beat. */
const REAP_BATCH = 100;
/**
 * A beat is taken for the last only once this many looks in a row found it: with `deadAfterMs`
 * alone, this reaper's clock stepping forward between two looks (a time sync correcting it)
 * would pass for the time a node had to beat again.
 */
const LOOKS_BEFORE_DEAD = 4;
/** Records read per round trip. */
const SCAN_BATCH = 500;

/**
 * How long a reaper's mark waits for the node it reaped. A node cut off for longer never
 * learns it was reaped; its clients, connected all along, would go on under released names.
 */
const REAPED_MARK_MS = 7 * 24 * 60 * 60 * 1000;

/**
 * One node's beats in the node list (see `RelayStore.heartbeat`). A node reaped while it was
 * thought dead is listed again, and finds the mark its reaper left when it claimed it.
 */
export class Heartbeats {
  /** The mark last reported, so that a mark whose deletion failed is reported once. */
  #reported: string | undefined;

  constructor(private readonly context: NodeContext) {}

  async beat(now: number): Promise<boolean> {
    const { redis, keys, node } = this.context;
    const { reaped } = keys.node(node);
    await redis.zadd(keys.nodes, now, node);
    // After the beat: a claim made from now on is one the next beat finds.
    const mark = await redis.get(reaped);
    if (mark === null || mark === this.#reported) return false;
    this.#reported = mark;
    await redis.del(reaped).catch(() => undefined);
    return true;
  }
}

/** A node's beat as a reaper last saw it: since when (the reaper's time), and how many looks in a row found it. */
interface SeenBeat {
  readonly beat: string;
  readonly since: number;
  looks: number;
}

/** One node's reaping of the others (see `RelayStore.reapDeadNodes`). A node never reaps itself. */
export class Reaper {
  readonly #seen = new Map<string, SeenBeat>();

  constructor(private readonly context: NodeContext) {}

  async reap(now: number, deadAfterMs: number): Promise<string[]> {
    if (!(deadAfterMs > 0)) throw new RangeError(`deadAfterMs must be positive, not ${deadAfterMs}`);
    const { redis, keys } = this.context;
    const listed = pairs(await redis.zrange(keys.nodes, 0, -1, "WITHSCORES")).map(([node, beat]) => [str(node), str(beat)] as const);
    const changed = new Set<string>();
    for (const [node, beat] of this.#stale(listed, now, deadAfterMs).slice(0, REAP_BATCH)) {
      if (num(await redis.pigeonClaimDeadNode(keys.nodes, node, beat, now)) !== 1) continue;
      this.#seen.delete(node);
      // Before releasing anything: a node only cut off must learn, when it is back, that what its
      // connections held is gone.
      await redis.set(keys.node(node).reaped, String(now), "PX", REAPED_MARK_MS);
      await releaseHoldings(this.context, keys.node(node), now, changed);
      await redis.pigeonUnindexIdentity(keys.nodes, node, now);
    }
    return [...changed].sort();
  }

  /** The other nodes whose beat has stayed the same for `deadAfterMs`, over enough looks; remembers this look. */
  #stale(listed: readonly (readonly [string, string])[], now: number, deadAfterMs: number): (readonly [string, string])[] {
    const stale: (readonly [string, string])[] = [];
    const others = new Set<string>();
    for (const [node, beat] of listed) {
      if (node === this.context.node) continue;
      others.add(node);
      const seen = this.#seen.get(node);
      if (seen?.beat !== beat) {
        this.#seen.set(node, { beat, since: now, looks: 1 });
        continue;
      }
      seen.looks += 1;
      if (now - seen.since >= deadAfterMs && seen.looks >= LOOKS_BEFORE_DEAD) stale.push([node, beat]);
    }
    for (const node of this.#seen.keys()) if (!others.has(node)) this.#seen.delete(node);
    return stale;
  }
}

async function releaseHoldings(context: NodeContext, node: NodeKeys, now: number, changed: Set<string>): Promise<void> {
  const { redis, keys } = context;
  // Two rounds at most: the first may find records a dead reaper left, and live ones behind them.
  for (let round = 0; round < 2; round += 1) {
    const liveLeftBehind = num(await redis.pigeonTakeHoldings(...nodeKeyList(node)));
    // Presence first, then names: the disconnect handler's order.
    await forEachRecord(redis, node.reapingPresence, async (connectionId, room, name) => {
      const removed = num(await redis.pigeonRemovePresence(...roomKeyList(keys.room(room)), connectionId, name));
      if (removed === 1) changed.add(room);
    });
    await forEachRecord(redis, node.reapingNames, (connectionId, key) => releaseIdentity(context, key, connectionId, now));
    await redis.del(node.reapingNames, node.reapingPresence);
    if (liveLeftBehind === 0) return;
  }
}

async function forEachRecord(
  redis: RedisClient,
  hash: string,
  visit: (connectionId: string, what: string, name: string) => Promise<unknown>,
): Promise<void> {
  let cursor = "0";
  do {
    const [next, flat] = await redis.hscan(hash, cursor, "COUNT", SCAN_BATCH);
    cursor = next;
    await Promise.all(
      pairs(flat).map(([field, name]) => {
        const [connectionId, what] = parseHoldingField(str(field));
        return visit(connectionId, what, str(name));
      }),
    );
  } while (cursor !== "0");
}
