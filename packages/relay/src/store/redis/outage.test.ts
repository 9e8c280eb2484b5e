import { createHash } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { RedisStore } from "../redis-store.js";
import {
  aliceMessage,
  CONTRACT_LIMITS,
  describeWithRedisBinaries,
  KEY_A,
  type RedisServerProcess,
  settledTimed,
  startRedisServer,
  waitUntil,
} from "@pigeon/testing";
import { APPEND } from "./room-scripts.js";

// Long enough that only the mechanisms under test (no offline queue, no resending) can fail a command quickly.
const NEVER_MS = 60_000;

describeWithRedisBinaries("RedisStore during a Redis outage", () => {
  let server: RedisServerProcess;
  let count = 0;
  const open: { close(): Promise<unknown> }[] = [];
  const connect = async (commandTimeoutMs = NEVER_MS) => {
    const prefix = `outage:${(count += 1)}`;
    const store = await RedisStore.connect({ url: server.url, limits: CONTRACT_LIMITS, prefix, commandTimeoutMs });
    open.push(store);
    return store;
  };

  beforeAll(async () => {
    server = await startRedisServer({ persist: true });
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((store) => store.close()));
  });
  afterAll(async () => {
    await server.stop();
  });

  it("fails operations at once while Redis is down, then reconnects by itself and finds its data", async () => {
    const store = await connect();
    await store.claimName("alice", KEY_A, "c1", 0);
    await store.addMember("lobby", "alice", 0);
    const { incarnation: before } = await store.addMember("lobby", "bob", 0);
    for (const id of ["m1", "m2"]) await store.append("lobby", aliceMessage(id));
    await store.ack("lobby", "alice", 2, 0);
    expect(store.healthy()).toBe(true);

    const down = performance.now();
    await server.kill();
    await waitUntil(() => !store.healthy(), "the store sees Redis gone");
    const noticedMs = Math.round(performance.now() - down);
    const operations = [
      () => store.append("lobby", aliceMessage("lost")),
      () => store.ack("lobby", "bob", 2, 0),
      () => store.entriesAfter("lobby", 0),
      () => store.claimName("carol", { kind: "guest" }, "c2", 0),
      () => store.heartbeat(0),
      () => store.sweep(0),
    ];
    const outcomes = await Promise.all(operations.map(settledTimed));
    for (const { result } of outcomes) {
      expect(result).toMatchObject({ status: "rejected", reason: { message: expect.stringMatching(/enableOfflineQueue/) } });
      // The relay turns these into UNAVAILABLE for the client, not INTERNAL.
      expect(result.status === "rejected" && store.isUnavailableError(result.reason)).toBe(true);
    }
    expect(store.isUnavailableError(new Error("ERR unknown command"))).toBe(false);

    const restarting = performance.now();
    await server.restart();
    const restartMs = Math.round(performance.now() - restarting);
    await waitUntil(() => store.healthy(), "ioredis reconnects");
    const reconnectMs = Math.round(performance.now() - restarting);
    console.info(
      `outage: unhealthy ${noticedMs} ms after the kill; operations failed in ${outcomes.map(({ ms }) => ms).join(", ")} ms; ` +
        `healthy again ${reconnectMs} ms after the restart began (the restart itself took ${restartMs} ms)`,
    );

    // A new Redis process might hold an older copy of the room (this one does not, with
    // appendfsync always): the room gets a new incarnation, and its seqs go on.
    const [membership] = await store.memberships("alice");
    expect(membership).toMatchObject({ room: "lobby", acked: 2 });
    expect(membership?.incarnation).not.toBe(before);
    expect((await store.entriesAfter("lobby", 0)).entries.map(({ id }) => id)).toEqual(["m1", "m2"]);
    expect(await store.append("lobby", aliceMessage("m3"))).toEqual({ seq: 3, incarnation: membership?.incarnation });
    expect(await store.ack("lobby", "bob", 3, 0)).toMatchObject({ acked: 3, deleted: [{ seq: 1 }, { seq: 2 }] });
    expect(await store.claimName("alice", { kind: "guest" }, "c3", 0)).not.toBe(true);
  });

  it("runs its scripts on a restarted Redis whose script cache is empty, and after SCRIPT FLUSH", async () => {
    const store = await connect();
    await store.addMember("lobby", "alice", 0);
    await store.append("lobby", aliceMessage("m1"));
    const { lastSeq } = await store.entriesAfter("lobby", 0);
    expect(lastSeq).toBe(1);
    await server.kill();
    await server.restart();
    const raw = new Redis(server.url);
    open.push({ close: () => raw.quit() });
    const appendSha = createHash("sha1").update(APPEND).digest("hex");
    expect(await raw.script("EXISTS", appendSha)).toEqual([0]);
    await waitUntil(() => store.healthy(), "ioredis reconnects");
    const { seq, incarnation } = await store.append("lobby", aliceMessage("m2"));
    expect(seq).toBe(2);

    // Same connection, cache flushed under it: EVALSHA gets NOSCRIPT and ioredis resends as EVAL.
    await raw.script("FLUSH");
    expect(await store.append("lobby", aliceMessage("m3"))).toEqual({ seq: 3, incarnation });
    expect(await raw.script("EXISTS", appendSha)).toEqual([1]);
  });

  it("fails a command cut off by a crash instead of resending it, and times out on a hung Redis", async () => {
    const store = await connect(300);
    await store.addMember("lobby", "alice", 0);
    server.pause();
    const hung = await settledTimed(() => store.entriesAfter("lobby", 0));
    expect(hung.result).toMatchObject({ status: "rejected", reason: { message: expect.stringMatching(/timed out/) } });

    // Written to the socket, never answered; then the server dies. A resent append could run twice.
    const inFlight = expect(store.append("lobby", aliceMessage("maybe"))).rejects.toThrow(/max retries per request limit \(which is 0\)/);
    // The store sends a turn's appends in a setImmediate callback, and ioredis writes its
    // auto-pipeline in another, a turn later: after these two, the append is on the socket.
    for (let turn = 0; turn < 2; turn += 1) await new Promise((resolve) => setImmediate(resolve));
    await server.kill();
    await inFlight;
    await server.restart();
    await waitUntil(() => store.healthy(), "ioredis reconnects");
    console.info(`outage: a hung Redis failed a command after ${hung.ms} ms (commandTimeoutMs 300)`);
    expect((await store.entriesAfter("lobby", 0)).lastSeq).toBe(0);
  });

  it("closes while Redis is down, without waiting for it", async () => {
    const store = await RedisStore.connect({ url: server.url, limits: CONTRACT_LIMITS, prefix: "outage:close" });
    await server.kill();
    await waitUntil(() => !store.healthy(), "the store sees Redis gone");
    await store.close();
    await server.restart();
  });
});
