import { afterEach, expect, it } from "vitest";
import { clientPool, useRelay } from "@pigeon/testing";
import { PigeonError } from "./errors.js";

const pool = clientPool();
afterEach(() => pool.closeAll());

it("waits out a RATE_LIMITED send as the server says, then sends it", async () => {
  // Login and join take two of the connection's three events at once; more come at 5 a second.
  const server = await useRelay({ eventsPerSecond: 5, eventBurst: 3 });
  const alice = await pool.guest(server.url, "alice", "lobby");
  const acks = await Promise.all(["one", "two", "three"].map((text) => alice.send("lobby", text)));
  expect(new Set(acks.map((ack) => ack.seq)).size).toBe(3);
});

it("gives up at once when the server asks for a long wait, saying how long", async () => {
  const server = await useRelay({ messagesPerMinute: 1 });
  const alice = await pool.guest(server.url, "alice", "lobby");
  await alice.send("lobby", "one");
  const refused = await alice.send("lobby", "two").catch((error: unknown) => error);
  expect(refused).toBeInstanceOf(PigeonError);
  expect(refused).toMatchObject({ code: "RATE_LIMITED", retryAfterMs: expect.any(Number) as number });
  expect((refused as PigeonError).message).toMatch(/retry in \d+ s/);
});
