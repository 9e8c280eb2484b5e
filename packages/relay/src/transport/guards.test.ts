import { describe, expect, it } from "vitest";
import { greeting, nextEvent, testIdentity, useRelay, useSocket, useSocketFrom, type TestServer, type TestSocket } from "@pigeon/testing";

/** An engine.io polling handshake as a flood makes it: no socket.io, no login. */
function handshake(server: TestServer, address: string): Promise<Response> {
  return fetch(`${server.url}/socket.io/?EIO=4&transport=polling`, { headers: { "x-forwarded-for": address } });
}

/** The session id of a successful polling handshake. */
async function sessionOf(response: Response): Promise<string> {
  const open = JSON.parse((await response.text()).slice(1)) as { sid: string };
  return open.sid;
}

async function chatRoundTrip(socket: TestSocket, room: string, text: string): Promise<void> {
  const heard = nextEvent(socket, "message", (message) => message.message === text);
  expect(await socket.emitWithAck("chat", { room, text })).toMatchObject({ ok: true });
  await heard;
}

describe("connection guards", () => {
  it("answers a flood of polling handshakes from one address with 429 RATE_LIMITED, while another address connects and chats", async () => {
    const server = await useRelay({ trustProxy: true, handshakesPerMinute: 5 });
    const answers = await Promise.all(Array.from({ length: 8 }, () => handshake(server, "10.0.0.1")));
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 200, 200, 200, 200, 429, 429, 429]);
    const refused = answers.find((answer) => answer.status === 429);
    expect(refused?.headers.get("retry-after")).toMatch(/^\d+$/);
    const body = (await refused?.json()) as { code: string; retryAfterMs: number };
    expect(body.code).toBe("RATE_LIMITED");
    expect(body.retryAfterMs).toBeGreaterThan(0);

    const normal = await useSocketFrom(server, "10.0.0.2");
    expect(await normal.emitWithAck("login", "carol")).toMatchObject({ ok: true });
    expect(await normal.emitWithAck("join", "lobby")).toMatchObject({ ok: true });
    await chatRoundTrip(normal, "lobby", "still here");
  });

  it("refuses a WebSocket connection past the handshake limit too", async () => {
    const server = await useRelay({ trustProxy: true, handshakesPerMinute: 1 });
    await useSocketFrom(server, "10.0.0.3");
    await expect(useSocketFrom(server, "10.0.0.3")).rejects.toThrow();
  });

  it("caps the connections one address holds open, and frees a slot when one closes", async () => {
    const server = await useRelay({ trustProxy: true, sessionsPerAddress: 3 });
    const open = await Promise.all([1, 2, 3].map(() => handshake(server, "10.0.0.4")));
    expect(open.map((answer) => answer.status)).toEqual([200, 200, 200]);
    const full = await handshake(server, "10.0.0.4");
    expect(full.status).toBe(429);
    expect(await full.json()).toMatchObject({ code: "RATE_LIMITED", retryAfterMs: expect.any(Number) as number });
    expect((await handshake(server, "10.0.0.5")).status).toBe(200);

    const first = open[0];
    if (first === undefined) throw new Error("no first session");
    const sid = await sessionOf(first);
    await fetch(`${server.url}/socket.io/?EIO=4&transport=polling&sid=${sid}`, { method: "POST", body: "1", headers: { "x-forwarded-for": "10.0.0.4" } });
    await expect.poll(async () => (await handshake(server, "10.0.0.4")).status, { timeout: 5_000 }).toBe(200);
  });

  it("closes a connection that has not logged in by the deadline, saying why, and keeps those that did", async () => {
    const server = await useRelay({ loginDeadlineMs: 300 });
    const member = await useSocket(server);
    expect(await member.emitWithAck("login", "dora")).toMatchObject({ ok: true });
    const idle = await useSocket(server);
    const told = nextEvent(idle, "error");
    const closed = new Promise<string>((resolve) => idle.once("disconnect", resolve));
    expect(await told).toMatchObject({ event: "login", code: "NOT_LOGGED_IN" });
    expect(await closed).toBe("io server disconnect");
    expect(await member.emitWithAck("join", "lobby")).toMatchObject({ ok: true });
  });

  it("closes a reader that stops reading, and replays what it missed when it returns", async () => {
    const server = await useRelay({ maxSendBufferBytes: 64 * 1024 });
    const identity = testIdentity();
    const reader = await useSocket(server, ["polling"]);
    const login = await reader.emitWithAck("login", identity.loginPayload("reader", greeting(reader)));
    expect(login).toMatchObject({ ok: true });
    expect(await reader.emitWithAck("join", "busy")).toMatchObject({ ok: true });
    const writer = await useSocket(server);
    expect(await writer.emitWithAck("login", "writer")).toMatchObject({ ok: true });
    expect(await writer.emitWithAck("join", "busy")).toMatchObject({ ok: true });

    // The reader's client stops polling once its poll under way returns: the relay's buffer for it only grows.
    const transport = reader.io.engine.transport as unknown as { pause(onPause: () => void): void };
    const paused = new Promise<void>((resolve) => {
      transport.pause(resolve);
    });
    const sent: number[] = [];
    const send = async (text: string) => {
      const ack = await writer.emitWithAck("chat", { room: "busy", text });
      if (!ack.ok) throw new Error(ack.error.code);
      sent.push(ack.data.seq);
    };
    await send("wake the poll");
    await paused;
    const readerId = reader.id;
    const text = "x".repeat(2_000);
    for (let index = 0; index < 200 && server.relay.io.of("/").sockets.has(readerId ?? ""); index += 1) await send(text);
    await expect.poll(() => server.relay.io.of("/").sockets.has(readerId ?? ""), { timeout: 10_000 }).toBe(false);

    const back = await useSocket(server);
    const replayed: number[] = [];
    back.on("message", (message) => {
      if (message.replayed === true) replayed.push(message.seq);
    });
    const caughtUp = nextEvent(back, "caughtUp", (event) => event.room === "busy");
    expect(await back.emitWithAck("login", identity.loginPayload("reader", greeting(back)))).toMatchObject({ ok: true });
    await caughtUp;
    expect(replayed).toEqual(expect.arrayContaining(sent));
  });

  it("closes a WebSocket reader whose socket stops reading", async () => {
    const server = await useRelay({ maxSendBufferBytes: 256 * 1024, messagesPerMinute: 100_000, guestMessagesPerMinute: 100_000, eventsPerSecond: 100_000 });
    const reader = await useSocket(server);
    expect(await reader.emitWithAck("login", "stalled")).toMatchObject({ ok: true });
    expect(await reader.emitWithAck("join", "busy")).toMatchObject({ ok: true });
    const writer = await useSocket(server);
    expect(await writer.emitWithAck("login", "writer")).toMatchObject({ ok: true });
    expect(await writer.emitWithAck("join", "busy")).toMatchObject({ ok: true });
    // The reader's TCP socket stops reading: the kernel's buffers fill, then the relay's.
    const transport = reader.io.engine.transport as unknown as { ws: { _socket: { pause(): void } } };
    transport.ws._socket.pause();
    const readerId = reader.id ?? "";
    const text = "y".repeat(4_000);
    let sent = 0;
    while (sent < 5_000 && server.relay.io.of("/").sockets.has(readerId)) {
      await Promise.all(Array.from({ length: 50 }, () => writer.emitWithAck("chat", { room: "busy", text })));
      sent += 50;
    }
    await expect.poll(() => server.relay.io.of("/").sockets.has(readerId), { timeout: 10_000 }).toBe(false);
  });
});
