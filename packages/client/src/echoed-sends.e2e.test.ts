import { afterEach, expect, it } from "vitest";
import { clientPool, useRelay, waitUntil, type TestServer } from "@pigeon/testing";
import { PigeonError } from "./errors.js";

// Protocol 6: a plain-room send goes out without an ack callback and is answered by the
// sender's own echo, so the relay writes one frame fewer per message.

const pool = clientPool();
afterEach(() => pool.closeAll());

/** Records, for every `chat` the relay receives, whether the client asked for an ack. */
function chatsAsked(server: TestServer): boolean[] {
  const asked: boolean[] = [];
  server.relay.io.on("connection", (socket) => {
    socket.onAny((event: string, ...args: unknown[]) => {
      if (event === "chat") asked.push(typeof args.at(-1) === "function");
    });
  });
  return asked;
}

it("resolves a send with its echo's place, without asking the relay for an ack", async () => {
  const server = await useRelay();
  const asked = chatsAsked(server);
  const alice = await pool.keyed(server.url, "alice", "lobby");
  const bob = await pool.keyed(server.url, "bob", "lobby");
  const ack = await alice.client.send("lobby", "hello");
  await waitUntil(() => bob.received.get("lobby")?.length === 1, "bob has it");
  const [delivered] = bob.received.get("lobby") ?? [];
  expect(ack).toEqual({ room: "lobby", id: delivered?.id, seq: 1, incarnation: delivered?.incarnation, sentAt: delivered?.sentAt });
  expect(asked).toEqual([false]);
  // An id the app chose may have been sent before (a draft after a reload): that asks for an ack.
  await alice.client.send("lobby", "draft", { clientId: "draft-0001" });
  expect(asked).toEqual([false, true]);
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
  const asked = chatsAsked(server);
  // The relay says it speaks protocol 5 in its hello.
  server.relay.io.use((socket, next) => {
    const emit = socket.emit.bind(socket) as (event: string, ...args: unknown[]) => boolean;
    (socket as unknown as { emit: typeof emit }).emit = (event, ...args) =>
      event === "hello" ? emit(event, { ...(args[0] as object), protocolVersion: 5 }) : emit(event, ...args);
    next();
  });
  const alice = await pool.keyed(server.url, "alice", "lobby");
  expect(alice.client.hello?.protocolVersion).toBe(5);
  expect(await alice.client.send("lobby", "hello")).toMatchObject({ seq: 1 });
  expect(asked).toEqual([true]);
});
