import { Redis } from "ioredis";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { identityKeyList, KeyLayout, roomKeyList } from "./redis/keys.js";
import { joinToken, removeMember, type RedisContext } from "./redis/membership.js";
import { REDIS_ENTRY_OVERHEAD_BYTES } from "./redis/room-prelude.js";
import { defineScripts } from "./redis/scripts.js";
import {
  aliceMessage,
  CONTRACT_LIMITS,
  deleteKeysWithPrefix,
  describeRelayStore,
  describeWithRedis,
  KEY_A,
  KEY_B,
  keysWithPrefix,
  testKeyPrefix,
} from "@pigeon/testing";
import { RedisStore } from "./redis-store.js";


/** Redis Cluster's hash tag: from the first `{` to the next `}`, if not empty. */
function hashTag(key: string): string {
  const open = key.indexOf("{");
  const close = key.indexOf("}", open + 1);
  return open !== -1 && close > open + 1 ? key.slice(open + 1, close) : key;
}

describe("KeyLayout", () => {
  it("gives every key of a room one hash tag, and every key of an identity another, whatever the name", () => {
    const keys = new KeyLayout("pigeon", { cluster: true });
    for (const name of ["lobby", "a}b", "{x}", "}:log", "ü{}"]) {
      const room = Object.values(keys.room(name));
      const identity = Object.values(keys.identity(name));
      expect(new Set(room.map(hashTag)).size).toBe(1);
      expect(new Set(identity.map(hashTag)).size).toBe(1);
      expect(new Set([...room, ...identity]).size).toBe(room.length + identity.length);
    }
    expect(keys.room("lobby").log).toBe("pigeon:{r:lobby}:log");
    // Outside a Cluster every room counts into the one deployment-wide key.
    expect(new KeyLayout("pigeon").room("lobby").held).toBe("pigeon:held");
  });

  it("refuses a prefix that would break hash tags or key patterns", () => {
    expect(() => new KeyLayout("a{b}")).toThrow(/invalid Redis key prefix/);
    expect(() => new KeyLayout("a*")).toThrow(/invalid Redis key prefix/);
  });
});

await describeWithRedis("RedisStore", (url) => {
  const filePrefix = testKeyPrefix("redis-store");
  let count = 0;
  const nextPrefix = () => `${filePrefix}:${(count += 1)}`;
  const open: { close(): Promise<unknown> }[] = [];
  const connect = async (prefix = nextPrefix(), nodeId?: string) => {
    const store = await RedisStore.connect({ url, limits: CONTRACT_LIMITS, prefix, ...(nodeId === undefined ? {} : { nodeId }) });
    open.push(store);
    return store;
  };
  const raw = (prefix: string): RedisContext => {
    const redis = new Redis(url);
    defineScripts(redis);
    open.push({ close: () => redis.quit() });
    return { redis, keys: new KeyLayout(prefix), limits: CONTRACT_LIMITS };
  };

  afterEach(async () => {
    await Promise.all(open.splice(0).map((store) => store.close()));
  });
  afterAll(async () => {
    await deleteKeysWithPrefix(url, filePrefix);
  });

  let lastPrefix = "";
  describeRelayStore(
    "redis",
    (limits) => RedisStore.connect({ url, limits, prefix: (lastPrefix = nextPrefix()) }),
    async (first) => {
      // A second node's handle on the same keys (and limits), closed with the test.
      const store = await RedisStore.connect({ url, limits: first.limits, prefix: lastPrefix });
      open.push(store);
      return store;
    },
  );

  it("drops an encrypted room's group, but not its mode, when the room gets a new incarnation", async () => {
    const prefix = nextPrefix();
    const store = await connect(prefix);
    const { incarnation } = await store.addMember("team", "alice", 0, { mode: "encrypted", publicKey: KEY_A.publicKey });
    const leaves = [{ leaf: 0, name: "alice", nameKey: "alice", publicKey: KEY_A.publicKey }];
    expect(await store.createGroup("team", { groupId: `pigeon/${incarnation}/team`, groupInfo: "GI0", epoch: 0, leaves })).toMatchObject({ epoch: 0 });
    // As if Redis restarted from an older copy: the room was confirmed by another Redis process.
    const redis = new Redis(url);
    open.push({ close: () => redis.quit() });
    await redis.hset(new KeyLayout(prefix).room("team").meta, "run", "0000");
    const view = await store.groupView("team");
    expect(view).toMatchObject({ mode: "encrypted", groupInfo: null, epoch: null, pending: [] });
    expect(view?.incarnation).not.toBe(incarnation);
  });

  /** Expects the sender index and every count the scripts keep to agree with the rooms' logs. */
  const expectCountsInStep = async (prefix: string, rooms: readonly string[]) => {
    const { redis, keys: layout } = raw(prefix);
    let entries = 0;
    let heldBytes = 0;
    for (const room of rooms) {
      const keys = layout.room(room);
      const expected = { senders: {} as Record<string, string>, index: [] as string[], bytes: 0 };
      for (const [id, fields] of await redis.xrange(keys.log, "-", "+")) {
        const [user, bytes] = [fields[3] ?? "", Number(fields[9])];
        expected.senders[`n:${user}`] = String(Number(expected.senders[`n:${user}`] ?? 0) + 1);
        expected.senders[`b:${user}`] = String(Number(expected.senders[`b:${user}`] ?? 0) + bytes);
        expected.index.push(`${user.length}:${user}:${id.split("-")[0]?.padStart(16, "0")}:${bytes}`);
        expected.bytes += bytes;
        entries += 1;
        heldBytes += bytes + REDIS_ENTRY_OVERHEAD_BYTES;
      }
      const kept = {
        senders: await redis.hgetall(keys.senders),
        index: await redis.zrange(keys.senderLog, 0, -1),
        bytes: Number((await redis.hget(keys.meta, "bytes")) ?? 0),
      };
      expect({ ...kept, index: kept.index.sort() }).toEqual({ ...expected, index: expected.index.sort() });
    }
    const held = await redis.hmget(`${prefix}:held`, "entries", "bytes");
    expect(held).toEqual(entries === 0 ? [null, null] : [String(entries), String(heldBytes)]);
  };

  it("keeps the sender index and every count in step with the log, through pushes, acks, leaves and sweeps", async () => {
    const prefix = nextPrefix();
    const store = await connect(prefix);
    const rooms = ["lobby", "team"];
    for (const name of ["alice", "bob", "carol"]) await store.addMember("lobby", name, 0);
    await store.addMember("team", "bob", 0);
    const say = (room: string, user: string, text: string, sentAt = 0) => store.append(room, { id: `${user}-${text}`, user, message: text, sentAt }, `${user}\n${text}`);
    // Alice past her share (three of the room's five): her oldest go, one at a time.
    for (const text of ["a1", "a2", "a3", "a4", "a5"]) await say("lobby", "alice", text);
    await expectCountsInStep(prefix, rooms);
    await say("lobby", "bob", "b1");
    await say("lobby", "carol", "a much longer text from carol", 500);
    await say("team", "bob", "t1");
    await expectCountsInStep(prefix, rooms);
    // Alice and carol have everything; bob's ack then deletes entries of three senders at once.
    await store.ack("lobby", "alice", 99, 0);
    await store.ack("lobby", "carol", 99, 0);
    await store.ack("lobby", "bob", 6, 0);
    await expectCountsInStep(prefix, rooms);
    await say("lobby", "alice", "a6", 900);
    await store.removeMember("lobby", "bob");
    await expectCountsInStep(prefix, rooms);
    await store.sweep(1_200);
    await expectCountsInStep(prefix, rooms);
    await store.ack("team", "bob", 99, 0);
    await store.ack("lobby", "alice", 99, 0);
    await store.ack("lobby", "carol", 99, 0);
    await expectCountsInStep(prefix, rooms);
  });

  it("answers each of a room's appends of one turn as if it came alone, retries and pushes included", async () => {
    const prefix = nextPrefix();
    const store = await connect(prefix);
    const { incarnation } = await store.addMember("lobby", "bob", 0);
    await store.addMember("team", "bob", 0);
    const say = (room: string, user: string, text: string) => store.append(room, { id: `${user}-${text}`, user, message: text, sentAt: 0 }, `${user}\n${text}`);
    // All in one turn: one script call for the lobby, one for the team.
    const replies = await Promise.all([
      say("lobby", "alice", "a1"),
      say("lobby", "alice", "a2"),
      say("team", "alice", "t1"),
      say("lobby", "alice", "a2"),
      say("lobby", "alice", "a3"),
      say("lobby", "carol", "c1"),
      // Past alice's share of three: her oldest goes.
      say("lobby", "alice", "a4"),
    ]);
    expect(replies).toEqual([
      { seq: 1, incarnation },
      { seq: 2, incarnation },
      { seq: 1, incarnation: expect.any(String) },
      { seq: 2, incarnation, original: { id: "alice-a2", sentAt: 0 } },
      { seq: 3, incarnation },
      { seq: 4, incarnation },
      { seq: 5, incarnation, expired: { from: 1, to: 1 } },
    ]);
    expect((await store.entriesAfter("lobby", 0)).entries.map(({ seq, message }) => [seq, message])).toEqual([
      [2, "a2"],
      [3, "a3"],
      [4, "c1"],
      [5, "a4"],
    ]);
    await expectCountsInStep(prefix, ["lobby", "team"]);
  });

  it("answers each of a room's acks of one turn as if it came alone, and reports each deleted entry once", async () => {
    const prefix = nextPrefix();
    const store = await connect(prefix);
    for (const name of ["alice", "bob", "carol"]) await store.addMember("lobby", name, 0);
    for (const id of ["m1", "m2", "m3"]) await store.append("lobby", aliceMessage(id));
    // All in one turn: one script call.
    const acks = await Promise.all([
      store.ack("lobby", "alice", 3, 0),
      store.ack("lobby", "bob", 2, 0),
      store.ack("lobby", "mallory", 2, 0),
      store.ack("lobby", "carol", 9, 0),
      store.ack("lobby", "bob", 1, 0),
    ]);
    expect(acks.map((ack) => (ack === undefined ? undefined : [ack.from, ack.acked]))).toEqual([[0, 3], [0, 2], undefined, [0, 3], [2, 2]]);
    expect(acks.flatMap((ack) => ack?.deleted ?? [])).toEqual([
      { seq: 1, id: "m1", user: "alice" },
      { seq: 2, id: "m2", user: "alice" },
    ]);
    expect((await store.ack("lobby", "bob", 3, 0))?.deleted).toEqual([{ seq: 3, id: "m3", user: "alice" }]);
    await expectCountsInStep(prefix, ["lobby"]);
  });

  it("pushes out thousands of a sender's entries at once to hold one big message of hers", async () => {
    const prefix = nextPrefix();
    const limits = { ...CONTRACT_LIMITS, maxRoomEntries: 20_000, maxRoomBytes: 2_000_000 };
    const store = await RedisStore.connect({ url, limits, prefix });
    open.push(store);
    await store.addMember("lobby", "bob", 0);
    const small = 8_500;
    await Promise.all(Array.from({ length: small }, (_, i) => store.append("lobby", aliceMessage(`m${i}`))));
    // Just under alice's share of the room's bytes: nearly all her small ones must go first
    // (more than Lua's unpack could hand one Redis call, should the deletes ever be batched).
    const big = await store.append("lobby", { ...aliceMessage("big"), message: "x".repeat(999_900) });
    const to = big.expired?.to ?? 0;
    expect(big).toMatchObject({ seq: small + 1, expired: { from: 1 } });
    expect(to).toBeGreaterThan(8_000);
    expect(await store.heldEntries()).toBe(small - to + 1);
    await expectCountsInStep(prefix, ["lobby"]);
  });

  it("keeps entries, cursors, memberships and name holds across a restart", async () => {
    const prefix = nextPrefix();
    const before = await RedisStore.connect({ url, limits: CONTRACT_LIMITS, prefix });
    await before.claimName("Alice", KEY_A, "c1", 0);
    const { incarnation } = await before.addMember("lobby", "Alice", 0);
    await before.addMember("lobby", "bob", 0);
    for (const id of ["m1", "m2", "m3"]) await before.append("lobby", aliceMessage(id));
    await before.ack("lobby", "alice", 2, 0);
    await before.releaseName("alice", "c1", 10);
    await before.close();

    const after = await connect(prefix);
    // The same Redis process: the room keeps its incarnation across the relay's restart.
    expect(await after.memberships("ALICE")).toEqual([{ room: "lobby", acked: 2, incarnation, mode: "plain" }]);
    expect((await after.entriesAfter("lobby", 2)).entries).toEqual([{ ...aliceMessage("m3"), seq: 3 }]);
    expect((await after.entriesAfter("lobby", 0)).lastSeq).toBe(3);
    expect(await after.members("lobby")).toEqual([
      { name: "Alice", online: false },
      { name: "bob", online: false },
    ]);
    expect(await after.claimName("alice", KEY_B, "c2", 20)).not.toBe(true);
    expect(await after.claimName("alice", KEY_A, "c3", 20)).toBe(true);
    // From bob: alice's three held are her share of the room's five.
    expect(await after.append("lobby", { ...aliceMessage("m4"), user: "bob" })).toEqual({ seq: 4, incarnation });
    expect(await after.heldEntries()).toBe(4);
  });

  it("shares state between stores on one prefix, as nodes do", async () => {
    const prefix = nextPrefix();
    const [one, two] = await Promise.all([connect(prefix), connect(prefix)]);
    expect(await one.claimName("alice", KEY_A, "c1", 0)).toBe(true);
    expect(await two.claimName("alice", KEY_B, "c2", 0)).not.toBe(true);
    await one.addMember("lobby", "alice", 0);
    await one.addMember("lobby", "bob", 0);
    await Promise.all([one.append("lobby", aliceMessage("x")), two.append("lobby", aliceMessage("y"))]);
    expect((await two.entriesAfter("lobby", 0)).entries.map(({ seq }) => seq)).toEqual([1, 2]);
    await one.releaseName("alice", "c1", 0);
    const reports = await Promise.all([one.sweep(10_000), two.sweep(10_000)]);
    // Each drop is reported by the node that made it, once.
    expect(reports.flat().flatMap(({ droppedMembers }) => droppedMembers).sort()).toEqual(["alice", "bob"]);
    expect(await one.heldEntries()).toBe(0);
  });

  it("leaves no keys behind once everyone has left and a sweep has run", async () => {
    const prefix = nextPrefix();
    const store = await connect(prefix, "n1");
    await store.claimName("alice", KEY_A, "c1", 0);
    await store.claimName("guest", { kind: "guest" }, "c2", 0);
    await store.addMember("lobby", "alice", 0);
    await store.addPresence("lobby", "alice", "c1");
    await store.addPresence("lobby", "guest", "c2");
    await store.append("lobby", aliceMessage("m1"));
    const tags = [...new Set((await keysWithPrefix(url, prefix)).map(hashTag))].sort();
    const global = ["held", "identities", "nodes", "rooms"].map((name) => `${prefix}:${name}`);
    expect(tags.filter((tag) => !tag.startsWith("node:"))).toEqual(["n:alice", "n:guest", "r:lobby", ...global].sort());
    // One tag for this node's records, unique to this process instance of node n1.
    expect(tags.filter((tag) => tag.startsWith("node:"))).toEqual([expect.stringMatching(/^node:n1\/[0-9a-f]{8}$/)]);

    await store.removePresence("lobby", "guest", "c2");
    await store.removePresence("lobby", "alice", "c1");
    await store.removeMember("lobby", "alice");
    await store.releaseName("guest", "c2", 0);
    await store.releaseName("alice", "c1", 0);
    await store.sweep(100_000);
    // Only the node's registration is left: it lasts as long as the node.
    expect(await keysWithPrefix(url, prefix)).toEqual([`${prefix}:nodes`]);
  });

  describe("after a crash between the steps of a cross-slot operation", () => {
    it("ignores a room listed by a join that stopped halfway, and the next join completes it", async () => {
      const prefix = nextPrefix();
      const store = await connect(prefix);
      const { redis, keys } = raw(prefix);
      await store.claimName("alice", KEY_A, "c1", 0);
      // The join's first step, on the identity: the room is listed, the membership not made.
      await redis.pigeonListRoom(...identityKeyList(keys.identity("alice")), "lobby", "t1");
      expect(await store.memberships("alice")).toEqual([]);
      expect(await store.members("lobby")).toEqual([]);
      const { acked, incarnation } = await store.addMember("lobby", "alice", 0);
      expect(acked).toBe(0);
      expect(await store.memberships("alice")).toEqual([{ room: "lobby", acked: 0, incarnation, mode: "plain" }]);
    });

    it("finishes a leave that stopped after the room step on the next leave", async () => {
      const prefix = nextPrefix();
      const store = await connect(prefix);
      const context = raw(prefix);
      await store.claimName("alice", KEY_A, "c1", 0);
      await store.addMember("lobby", "alice", 0);
      await store.releaseName("alice", "c1", 0);
      // The leave's first step, in the room only.
      await context.redis.pigeonRemoveMember(...roomKeyList(context.keys.room("lobby")), "alice");
      expect(await store.memberships("alice")).toEqual([]);
      // Still listed in a room, the name stays held past the member TTL.
      const lapsed = CONTRACT_LIMITS.memberTtlMs + 1;
      expect(await store.claimName("alice", KEY_B, "c2", lapsed)).not.toBe(true);
      await store.removeMember("lobby", "alice");
      expect(await store.claimName("alice", KEY_B, "c2", lapsed)).toBe(true);
    });

    it("lets the member sweep forget an away identity left with a half-joined room", async () => {
      const prefix = nextPrefix();
      const store = await connect(prefix);
      const { redis, keys } = raw(prefix);
      await store.claimName("alice", KEY_A, "c1", 0);
      await redis.zadd(keys.identityIndex, 0, "alice");
      await redis.pigeonListRoom(...identityKeyList(keys.identity("alice")), "lobby", "t1");
      await store.releaseName("alice", "c1", 0);
      expect(await store.claimName("alice", KEY_B, "c2", 0)).not.toBe(true);
      expect(await store.sweep(CONTRACT_LIMITS.memberTtlMs + 1)).toEqual([]);
      expect(await store.claimName("alice", KEY_B, "c2", 0)).toBe(true);
    });
  });

  it("keeps a room listed when a join lands between a leave's read of the join token and its last step", async () => {
    const prefix = nextPrefix();
    const store = await connect(prefix);
    const context = raw(prefix);
    await store.claimName("alice", KEY_A, "c1", 0);
    await store.addMember("lobby", "alice", 0);
    const staleToken = await joinToken(context, "alice");
    await store.addMember("lobby", "alice", 0);
    // The leave's room step still runs; its identity step must see the join and keep the room listed.
    const removal = await removeMember(context, "lobby", "alice", staleToken);
    expect(removal.roomsLeft).toBe(-1);
    expect(await context.redis.smembers(context.keys.identity("alice").rooms)).toEqual(["lobby"]);
    const { acked, incarnation } = await store.addMember("lobby", "alice", 0);
    expect(acked).toBe(0);
    expect(await store.memberships("alice")).toEqual([{ room: "lobby", acked: 0, incarnation, mode: "plain" }]);
  });

  it("refuses to start when Redis is unreachable", async () => {
    await expect(RedisStore.connect({ url: "redis://127.0.0.1:1", limits: CONTRACT_LIMITS })).rejects.toThrow(
      /cannot connect to Redis at redis:\/\/127\.0\.0\.1:1/,
    );
  });
});
