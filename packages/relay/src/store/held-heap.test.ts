import { afterEach, expect, it } from "vitest";
import { deleteKeysWithPrefix, describeEachStore, startGcRelay, TEST_REDIS_URL, testIdentity, testKeyPrefix, useKeyed, type GcRelay, type TestServer } from "@pigeon/testing";

// What a relay keeps in its own heap for a message held for a member who is away: the memory
// store holds the text there; on Redis the relay must keep nothing per message, or its heap
// would grow with every message held for 14 days. Weighed after full collections, in a relay
// process of its own (startGcRelay), so that the clients are not counted.

const TEXT = "x".repeat(2_000);
const WARM_UP = 1_000;
const WEIGHED = 3_000;

let relay: GcRelay | undefined;
let prefix: string | undefined;
afterEach(async () => {
  await relay?.close();
  if (prefix !== undefined) await deleteKeysWithPrefix(TEST_REDIS_URL, prefix);
  relay = prefix = undefined;
});

describeEachStore("a relay's heap per held message", (store) => {
  it(store === "redis" ? "does not grow: Redis holds the message" : "grows by about the text: the store holds it", async () => {
    prefix = testKeyPrefix("held-heap");
    relay = await startGcRelay({ store, redisUrl: TEST_REDIS_URL, redisPrefix: prefix, messagesPerMinute: 1_000_000, eventsPerSecond: 100_000 });
    const server = { url: relay.url } as TestServer;
    (await useKeyed(server, testIdentity(), "away", ["room"])).disconnect();
    const sender = await useKeyed(server, testIdentity(), "sender", ["room"]);
    let sent = 0;
    const send = async (count: number) => {
      for (let index = 0; index < count; index += 1, sent += 1) {
        const ack = await sender.emitWithAck("chat", { room: "room", text: TEXT, clientId: `held-${String(sent).padStart(6, "0")}` });
        if (!ack.ok) throw new Error(`message ${String(sent)} refused: ${ack.error.code}`);
      }
    };
    await send(WARM_UP);
    const before = (await relay.heap()).heapUsed;
    await send(WEIGHED);
    const perMessage = ((await relay.heap()).heapUsed - before) / WEIGHED;
    sender.disconnect();
    if (store === "redis") expect(perMessage).toBeLessThan(TEXT.length / 4);
    else expect(perMessage).toBeGreaterThan(TEXT.length * 0.75);
  }, 120_000);
});
