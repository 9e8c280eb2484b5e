import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { testIdentity, type TestSocket } from "@pigeon/testing";
import { io } from "socket.io-client";
import { describe, expect, it, onTestFinished } from "vitest";

const MAIN = fileURLToPath(new URL("./main.ts", import.meta.url));
// The flood is one guest sending as fast as it can: the rate limits (tested on their own) would
// cut it long before the budget; this test is about the budget, so they are lifted.
const FLOOD_ALLOWED = ["--events-per-second", "1000000", "--event-burst", "1000000", "--messages-per-minute", "100000000", "--guest-messages-per-minute", "100000000"];
// A small heap, as a small container has; the default budget is a quarter of it.
const HEAP_MB = 96;
const ROOMS = Array.from({ length: 8 }, (_, index) => `hold-${index}`);
const TEXT_LENGTH = 4_000;
// Enough to exhaust a 96 MiB heap about five times over without a budget (the relay used to die
// of it); with the budget, refusals start after about a quarter of the heap.
const MOST_MESSAGES = 30_000;
const BATCH = 100;

type ClientSocket = TestSocket;

async function connect(url: string): Promise<{ socket: ClientSocket; challenge: string }> {
  const socket: ClientSocket = io(url, { transports: ["websocket"], reconnection: false, forceNew: true });
  onTestFinished(() => {
    socket.close();
  });
  const hello = await new Promise<{ challenge?: string }>((resolve, reject) => {
    socket.once("hello", resolve);
    socket.once("connect_error", reject);
  });
  return { socket, challenge: hello.challenge ?? "" };
}

async function guest(url: string, name: string, rooms: string[]): Promise<ClientSocket> {
  const { socket } = await connect(url);
  expect(await socket.emitWithAck("login", name)).toMatchObject({ ok: true });
  for (const room of rooms) expect(await socket.emitWithAck("join", room)).toMatchObject({ ok: true });
  return socket;
}

describe("the memory relay on a small heap", () => {
  it("refuses held messages past its default budget with QUOTA_EXCEEDED and stays up for everyone else", { timeout: 120_000 }, async () => {
    const relay = spawn(process.execPath, [`--max-old-space-size=${HEAP_MB}`, "--conditions=@source", "--import", "tsx", MAIN, "--port", "0", "--host", "127.0.0.1", ...FLOOD_ALLOWED]);
    onTestFinished(() => {
      relay.kill("SIGKILL");
    });
    let port = 0;
    for await (const line of createInterface({ input: relay.stdout })) {
      const match = /"port":(\d+)/.exec(line);
      if (match?.[1] !== undefined && line.includes("Pigeon listening")) {
        port = Number(match[1]);
        break;
      }
    }
    const url = `http://127.0.0.1:${port}`;
    const child = { exited: false };
    relay.once("exit", () => {
      child.exited = true;
    });

    // Bob is a member of every room and away: everything sent there is held for him.
    const bob = testIdentity();
    const { socket: away, challenge } = await connect(url);
    expect(await away.emitWithAck("login", bob.loginPayload("bob", { origin: new URL(url).origin, challenge }))).toMatchObject({ ok: true });
    for (const room of ROOMS) expect(await away.emitWithAck("join", room)).toMatchObject({ ok: true });
    away.close();

    const flood = await guest(url, "flood", ROOMS);
    let refusal: { code: string; message: string } | undefined;
    for (let sent = 0; sent < MOST_MESSAGES && refusal === undefined && !child.exited; sent += BATCH) {
      const acks = await Promise.all(
        Array.from({ length: BATCH }, (_, index) => {
          const n = sent + index;
          return flood.emitWithAck("chat", { room: ROOMS[n % ROOMS.length] ?? "hold-0", text: `${n} `.padEnd(TEXT_LENGTH, "x") });
        }),
      );
      for (const ack of acks) if (!ack.ok) refusal ??= ack.error;
    }
    expect(refusal).toMatchObject({ code: "QUOTA_EXCEEDED", message: expect.stringContaining("unread messages") });

    // Still up and healthy; people who chat live keep chatting.
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    const alice = await guest(url, "alice", ["lobby"]);
    const carol = await guest(url, "carol", ["lobby"]);
    const heard = new Promise<unknown>((resolve) => {
      carol.once("message", resolve);
    });
    expect(await alice.emitWithAck("chat", { room: "lobby", text: "still here?" })).toMatchObject({ ok: true });
    expect(await heard).toMatchObject({ user: "alice", message: "still here?" });
    expect(child.exited).toBe(false);
  });
});
