import { describe, expect, it } from "vitest";
import { memoryStore, useRelay } from "@pigeon/testing";
import { Heartbeat } from "./heartbeat.js";

describe("Heartbeat", () => {
  it("reaps only after beating without a break for the dead-after period", async () => {
    let now = 0;
    const store = memoryStore();
    const reaps: number[] = [];
    let failBeats = false;
    store.heartbeat = () => (failBeats ? Promise.reject(new Error("store down")) : Promise.resolve(false));
    store.reapDeadNodes = (at) => {
      reaps.push(at);
      return Promise.resolve([]);
    };
    const server = await useRelay({ heartbeatIntervalMs: 1_000 }, { store, clock: () => now });
    const heart = new Heartbeat(server.relay.context);

    for (now = 0; now <= 3_000; now += 1_000) await heart.beat();
    expect(reaps).toEqual([3_000]);

    // An outage: beats fail; afterwards the node must beat 3 s unbroken again before reaping.
    failBeats = true;
    await expect(heart.beat()).rejects.toThrow("store down");
    failBeats = false;
    for (now = 5_000; now <= 8_000; now += 1_000) await heart.beat();
    expect(reaps).toEqual([3_000, 8_000]);
  });
});
