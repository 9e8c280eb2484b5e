import { expect, it, onTestFinished } from "vitest";
import type { RelayStore } from "../store/relay-store.js";
import { deleteKeysWithPrefix, describeWithRedis, testKeyPrefix, useMember, useRelay, useSocket, waitUntil, withStoreMethod } from "@pigeon/testing";

// Nodes share a Redis, each with its own clock. Hosts' clocks drift apart (a VM resumed from a
// snapshot, a container without time sync): a node whose clock runs ahead of another's by more
// than the dead-after period (3 heartbeats) must not take the other for dead while it beats.

const HEARTBEAT_MS = 100;
const SKEW_MS = 60_000;

await describeWithRedis("nodes whose clocks disagree", (redisUrl) => {
  it("take none of each other for dead while all of them beat", async () => {
    const redisPrefix = testKeyPrefix("clock-skew");
    onTestFinished(async () => {
      await deleteKeysWithPrefix(redisUrl, redisPrefix);
    });
    const behind = await useRelay({ store: "redis", redisPrefix, heartbeatIntervalMs: HEARTBEAT_MS });
    let reaps = 0;
    const countReaps = (store: RelayStore): RelayStore =>
      withStoreMethod(store, "reapDeadNodes", async (reap, now, deadAfterMs) => {
        const rooms = await reap(now, deadAfterMs);
        reaps += 1;
        return rooms;
      });
    const gus = await useMember(behind, "gus", ["lobby"]);
    let disconnected = "";
    gus.on("disconnect", (reason) => {
      disconnected = reason;
    });
    await useRelay({ store: "redis", redisPrefix, heartbeatIntervalMs: HEARTBEAT_MS }, { clock: () => Date.now() + SKEW_MS, wrapStore: countReaps });
    await waitUntil(() => reaps >= 10, "the node ahead has looked for dead nodes ten times");

    const impostor = await useSocket(behind);
    expect(await impostor.emitWithAck("login", "gus")).toMatchObject({ ok: false, error: { code: "NAME_TAKEN" } });
    expect(disconnected).toBe("");
    expect(gus.connected).toBe(true);
  });
});
