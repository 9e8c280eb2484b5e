import { expect, it } from "vitest";
import { describeEachStore, nextEvent, record, recordByRoom, seqsUpTo, severConnection, useClients, useRelayPerTest, waitUntil } from "@pigeon/testing";

describeEachStore("store-and-forward delivery", (store) => {
  // Senders here send a thousand messages as fast as acks come back: no person does.
  const server = useRelayPerTest({ store, messagesPerMinute: 100_000, guestMessagesPerMinute: 100_000, eventsPerSecond: 100_000 });
  const { client, resume, keyed: user } = useClients(server);
  const held = (): Promise<number> => server().relay.context.store.heldEntries();

  it("replays 1,000 messages sent while a member was away, in order and exactly once, then holds none", async () => {
    const bob = await user("bob", "lobby");
    await bob.client.close();
    const alice = await user("alice", "lobby");
    for (let i = 1; i <= 1_000; i += 1) await alice.client.send("lobby", `message ${i}`);

    // Listeners go in place before the login, whose ack the replay follows at once.
    const returning = client();
    const received = record(returning, "message");
    const caughtUp = nextEvent(returning, "caughtUp", (e) => e.room === "lobby");
    await resume("bob", bob.key, returning);
    await expect(caughtUp).resolves.toEqual({ room: "lobby", seq: 1_000, incarnation: expect.any(String) });
    expect(received.map((m) => m.seq)).toEqual(seqsUpTo(1_000));
    expect(received.map((m) => m.message)).toEqual(seqsUpTo(1_000).map((i) => `message ${i}`));
    expect(received.every((m) => m.replayed && m.user === "alice" && m.room === "lobby")).toBe(true);
    expect(returning.rooms).toEqual(["lobby"]);

    await waitUntil(async () => (await held()) === 0, () => "the store still holds entries after every member acked");
  });

  it("acks without asking for answers while running, and close() has the last one answered", async () => {
    const alice = await user("alice", "lobby");
    const bob = await user("bob", "lobby");
    // What reaches bob's server-side socket: each ack, and whether it came with a callback.
    const acks: { seq: number; answered: boolean }[] = [];
    const bobSocket = [...server().relay.io.sockets.sockets.values()].find((s) => s.data.name === "bob");
    bobSocket?.onAny((event: string, ...args: unknown[]) => {
      if (event === "ack") acks.push({ seq: (args[0] as { seq: number }).seq, answered: typeof args.at(-1) === "function" });
    });
    const received = record(bob.client, "message");
    for (let i = 1; i <= 250; i += 1) await alice.client.send("lobby", `message ${i}`);
    await waitUntil(() => received.length === 250, () => `bob has ${received.length} of 250`);
    await waitUntil(() => acks.at(-1)?.seq === 250, () => `bob's acks so far: ${JSON.stringify(acks)}`);
    expect(acks.every((ack) => !ack.answered)).toBe(true);

    await bob.client.close();
    expect(acks.at(-1)).toEqual({ seq: 250, answered: true });
    await alice.client.close();
    await waitUntil(async () => (await held()) === 0, () => "the store still holds entries after every member acked");
  });

  it("loses nothing when a connection dies without a close handshake mid-stream", async () => {
    const total = 300;
    const alice = await user("alice", "lobby");
    const bob = await user("bob", "lobby");
    const received = recordByRoom(bob.client);
    const states = record(bob.client, "state");
    const caughtUp = nextEvent(bob.client, "caughtUp", (e) => e.room === "lobby");
    let severed = false;
    bob.client.on("message", () => {
      if (!severed && (received.get("lobby")?.length ?? 0) === 100) {
        severed = true;
        severConnection(server(), "bob");
      }
    });
    for (let i = 1; i <= total; i += 1) await alice.client.send("lobby", `message ${i}`);

    // bob's first login had no rooms: this caughtUp ends the replay after its re-login.
    await caughtUp;
    // A last message is a barrier: once bob has it, everything sent to him before it is in.
    const last = nextEvent(bob.client, "message", (m) => m.message === "last");
    await alice.client.send("lobby", "last");
    await last;
    const lobby = received.get("lobby") ?? [];
    expect(severed).toBe(true);
    expect(lobby.map((m) => m.seq)).toEqual(seqsUpTo(total + 1));
    expect(states).toEqual(["reconnecting", "connected"]);
    await waitUntil(async () => (await held()) === 0, () => "the store still holds entries after every member acked");
  });
});
