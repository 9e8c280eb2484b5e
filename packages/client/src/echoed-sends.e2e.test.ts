import { afterEach, expect, it } from "vitest";
import { clientPool, useRelay, waitUntil, type TestServer } from "@pigeon/testing";
import { PigeonError } from "./errors.js";

// Protocol 6: a plain-room send goes out without an ack callback and is answered by the
// sender's own echo, so the relay writes one frame fewer per message; protocol 7: so does an
// encrypted room's application message.

const pool = clientPool();
const encryptedPool = clientPool({}, { mode: "encrypted" });
afterEach(() => Promise.all([pool.closeAll(), encryptedPool.closeAll()]));

/** Records, for every `event` the relay receives (`mls`: application messages only), whether the client asked for an ack. */
function eventsAsked(server: TestServer, wanted: "chat" | "mls" = "chat"): boolean[] {
  const asked: boolean[] = [];
  server.relay.io.on("connection", (socket) => {
    socket.onAny((event: string, ...args: unknown[]) => {
      if (event !== wanted) return;
      if (event === "mls" && (args[0] as { groupInfo?: unknown }).groupInfo !== undefined) return;
      asked.push(typeof args.at(-1) === "function");
    });
  });
  return asked;
}

/** Makes the relay say it speaks `version` in its hello. */
function claimVersion(server: TestServer, version: number): void {
  server.relay.io.use((socket, next) => {
    const emit = socket.emit.bind(socket) as (event: string, ...args: unknown[]) => boolean;
    (socket as unknown as { emit: typeof emit }).emit = (event, ...args) =>
      event === "hello" ? emit(event, { ...(args[0] as object), protocolVersion: version }) : emit(event, ...args);
    next();
  });
}

it("resolves a send with its echo's place, without asking the relay for an ack", async () => {
  const server = await useRelay();
  const asked = eventsAsked(server);
  const alice = await pool.keyed(server.url, "alice", "lobby");
  const bob = await pool.keyed(server.url, "bob", "lobby");
  const ack = await alice.client.send("lobby", "hello");
  await waitUntil(() => bob.received.get("lobby")?.length === 1, "bob has it");
  const [delivered] = bob.received.get("lobby") ?? [];
  expect(ack).toEqual({ room: "lobby", id: delivered?.id, seq: 1, incarnation: delivered?.incarnation, sentAt: delivered?.sentAt });
  expect(asked).toEqual([false]);
  // An id the app chose (a draft's, sent again after a reload) is answered by its echo too, the
  // second time by an echo to the sender alone with the first's place.
  const draft = await alice.client.send("lobby", "draft", { clientId: "draft-0001" });
  expect(await alice.client.send("lobby", "draft", { clientId: "draft-0001" })).toEqual(draft);
  expect(asked).toEqual([false, false, false]);
  await waitUntil(() => bob.received.get("lobby")?.length === 2, "bob has the draft");
  expect(bob.received.get("lobby")?.map(({ message }) => message)).toEqual(["hello", "draft"]);
});

it("rejects a refused send with the relay's code, and tells the app no other way", async () => {
  // One message a minute: the second waits longer than the SDK retries for, so it is refused.
  const server = await useRelay({ messagesPerMinute: 1 });
  const alice = await pool.keyed(server.url, "alice", "lobby");
  const errors: unknown[] = [];
  alice.client.on("error", (event) => errors.push(event));
  expect(await alice.client.send("lobby", "fits")).toMatchObject({ seq: 1 });
  const refused = await alice.client.send("lobby", "too many").catch((error: unknown) => error);
  expect(refused).toBeInstanceOf(PigeonError);
  expect(refused).toMatchObject({ code: "RATE_LIMITED", retryAfterMs: expect.any(Number) });
  expect((await server.relay.context.store.entriesAfter("lobby", 0)).lastSeq).toBe(1);
  expect(errors).toEqual([]);
});

it("asks for an ack from a relay older than protocol 6", async () => {
  const server = await useRelay();
  const asked = eventsAsked(server);
  claimVersion(server, 5);
  const alice = await pool.keyed(server.url, "alice", "lobby");
  expect(alice.client.hello?.protocolVersion).toBe(5);
  expect(await alice.client.send("lobby", "hello")).toMatchObject({ seq: 1 });
  expect(asked).toEqual([true]);
});

it("resolves an encrypted room's send with its echo's place and epoch, without asking for an ack", async () => {
  const server = await useRelay();
  const asked = eventsAsked(server, "mls");
  const alice = await encryptedPool.keyed(server.url, "alice", "team");
  const bob = await encryptedPool.keyed(server.url, "bob", "team");
  const ack = await alice.client.send("team", "hello bob");
  await waitUntil(() => bob.received.get("team")?.length === 1, "bob has it");
  const [delivered] = bob.received.get("team") ?? [];
  expect(delivered).toMatchObject({ message: "hello bob", encrypted: true });
  expect(ack).toMatchObject({ room: "team", id: delivered?.id, seq: delivered?.seq, incarnation: delivered?.incarnation, sentAt: delivered?.sentAt });
  expect(asked).toEqual([false]);
});

it("asks for an ack for an encrypted room's send from a relay older than protocol 7", async () => {
  const server = await useRelay();
  const asked = eventsAsked(server, "mls");
  claimVersion(server, 6);
  const alice = await encryptedPool.keyed(server.url, "alice", "team");
  expect(alice.client.hello?.protocolVersion).toBe(6);
  expect(await alice.client.send("team", "hello")).toMatchObject({ room: "team" });
  expect(asked).toEqual([true]);
});
