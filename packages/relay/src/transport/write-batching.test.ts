import { readFileSync } from "node:fs";
import { greeting, nextEvent, record, startGcRelay, testIdentity, useKeyed, useSocket, type TestSocket } from "@pigeon/testing";
import { expect, it, onTestFinished } from "vitest";

const MISSED = 60;

/** The write system calls a process has made so far, as its kernel counts them. */
function writeCalls(pid: number): number {
  const line = readFileSync(`/proc/${String(pid)}/io`, "utf8")
    .split("\n")
    .find((row) => row.startsWith("syscw:"));
  if (line === undefined) throw new Error(`no syscw in /proc/${String(pid)}/io`);
  return Number(line.slice("syscw:".length));
}

async function send(socket: TestSocket, count: number): Promise<void> {
  for (let index = 1; index <= count; index += 1) {
    const result = await socket.emitWithAck("chat", { room: "lobby", text: `missed ${String(index)}` });
    if (!result.ok) throw new Error(result.error.code);
  }
}

// The relay runs in a process of its own, so that the writes counted are the relay's only.
it("sends what one callback writes to a connection in one write: a replay of 60 messages is not 60 writes", async () => {
  const relay = await startGcRelay();
  onTestFinished(() => relay.close());
  const [alice, bob] = [testIdentity(), testIdentity()];
  const aliceSocket = await useKeyed(relay, alice, "alice", ["lobby"]);
  const bobSocket = await useKeyed(relay, bob, "bob", ["lobby"]);
  bobSocket.disconnect();
  await nextEvent(aliceSocket, "memberChanges", ({ changes }) => changes.some((member) => member.name === "bob" && !member.online));
  await send(aliceSocket, MISSED);

  const back = await useSocket(relay);
  const replayed = record(back, "message");
  const caughtUp = nextEvent(back, "caughtUp");
  const before = writeCalls(relay.pid);
  const login = await back.emitWithAck("login", bob.loginPayload("bob", greeting(back)));
  expect(login.ok).toBe(true);
  await caughtUp;
  const writes = writeCalls(relay.pid) - before;

  // Everything arrived, in order.
  expect(replayed.map(({ seq }) => seq)).toEqual(Array.from({ length: MISSED }, (_, index) => index + 1));
  // The login's answer, the replay and `caughtUp` are 62 frames; written one by one, each was a write.
  expect(writes).toBeLessThanOrEqual(4);
});
