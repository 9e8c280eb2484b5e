import { createIdentityKey } from "@pigeon/crypto";
import { MemoryStore, nextEvent, record, recordingLogger, startTestServer, type TestServer } from "@pigeon/testing";
import { describe, expect, it, onTestFinished } from "vitest";
import { createClient, type PigeonClient } from "./index.js";

const LIMITS = { messageTtlMs: 60_000, memberTtlMs: 60_000, maxRoomEntries: 1_000, maxRoomBytes: 1_000_000 };

async function keyed(server: TestServer, name: string, room: string): Promise<PigeonClient> {
  const client = createClient({
    url: server.url,
    gapWaitMs: 200,
    logger: recordingLogger(),
    socketOptions: { reconnectionDelay: 10, reconnectionDelayMax: 50 },
  });
  onTestFinished(() => client.close());
  await client.connect();
  await client.login(name, { identity: createIdentityKey() });
  await client.join(room, { mode: "plain" });
  return client;
}

describe("a message lost between the store and the broadcast", () => {
  it("is recovered: the gap does not fill, so the client reconnects and the replay fills it", async () => {
    // A store whose next append is stored and then reported as failed: the sender hears an
    // error, nobody hears the broadcast, but the room log has it (an ambiguous send).
    const store = new MemoryStore(LIMITS);
    const append = store.append.bind(store);
    let failNext = false;
    store.append = async (room, entry) => {
      const result = await append(room, entry);
      if (failNext) {
        failNext = false;
        throw new Error("connection lost after the write");
      }
      return result;
    };
    const server = await startTestServer({}, { store });
    onTestFinished(() => server.close());
    const alice = await keyed(server, "alice", "lobby");
    const bob = await keyed(server, "bob", "lobby");
    const seen = record(bob, "message");

    failNext = true;
    await expect(alice.send("lobby", "lost in flight")).rejects.toMatchObject({ code: "INTERNAL" });
    const both = nextEvent(bob, "message", ({ message }) => message === "after the gap");
    await alice.send("lobby", "after the gap");
    await both;
    expect(seen.map(({ seq, message }) => [seq, message])).toEqual([
      [1, "lost in flight"],
      [2, "after the gap"],
    ]);
  });
});
