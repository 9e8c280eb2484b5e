import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { greeting, nextEvent, testIdentity, untyped, useRelay, useSocketFrom, type TestServer, type TestSocket } from "@pigeon/testing";

async function guestIn(server: TestServer, address: string, name: string, room: string): Promise<TestSocket> {
  const socket = await useSocketFrom(server, address);
  expect(await socket.emitWithAck("login", name)).toMatchObject({ ok: true });
  expect(await socket.emitWithAck("join", room)).toMatchObject({ ok: true });
  return socket;
}

describe("rate limits", () => {
  it("refuses one connection's flood of chat with RATE_LIMITED and when to retry, while another connection's round trips go on", async () => {
    const server = await useRelay({ trustProxy: true, eventsPerSecond: 1, eventBurst: 20 });
    const flooder = await guestIn(server, "10.1.0.1", "flooder", "lobby");
    const other = await guestIn(server, "10.1.0.2", "other", "lobby");
    const acks = await Promise.all(Array.from({ length: 30 }, (_, index) => flooder.emitWithAck("chat", { room: "lobby", text: `spam ${index}` })));
    const refused = acks.flatMap((ack) => (ack.ok ? [] : [ack.error]));
    expect(acks.filter((ack) => ack.ok).length).toBeLessThanOrEqual(18);
    expect(refused.length).toBeGreaterThanOrEqual(12);
    for (const error of refused) expect(error).toMatchObject({ code: "RATE_LIMITED", retryAfterMs: expect.any(Number) as number });

    const heard = nextEvent(other, "message", (message) => message.message === "hello");
    expect(await other.emitWithAck("chat", { room: "lobby", text: "hello" })).toMatchObject({ ok: true });
    await heard;
  });

  it("closes a connection that keeps sending through a whole burst of refusals", async () => {
    const server = await useRelay({ eventsPerSecond: 1, eventBurst: 5 });
    const flooder = await useSocketFrom(server, "10.1.0.3");
    const closed = new Promise<string>((resolve) => flooder.once("disconnect", resolve));
    for (let index = 0; index < 20; index += 1) untyped(flooder).emit("typing", { room: "lobby" });
    expect(await closed).toBe("io server disconnect");
  });

  it("limits the messages of one identity per minute", async () => {
    const server = await useRelay({ messagesPerMinute: 3 });
    const sender = await guestIn(server, "10.1.0.4", "chatty", "lobby");
    const acks = [];
    for (let index = 0; index < 5; index += 1) acks.push(await sender.emitWithAck("chat", { room: "lobby", text: `line ${index}` }));
    expect(acks.map((ack) => ack.ok)).toEqual([true, true, true, false, false]);
    expect(acks[3]).toMatchObject({ ok: false, error: { code: "RATE_LIMITED", retryAfterMs: expect.any(Number) as number } });
  });

  it("counts guests' messages against their address too, so new names bring no new allowance", async () => {
    const server = await useRelay({ trustProxy: true, messagesPerMinute: 100, guestMessagesPerMinute: 4 });
    const codes = [];
    for (const name of ["g1", "g2", "g3"]) {
      const guest = await guestIn(server, "10.1.0.9", name, "lobby");
      for (let index = 0; index < 2; index += 1) {
        const ack = await guest.emitWithAck("chat", { room: "lobby", text: `${name} ${index}` });
        codes.push(ack.ok ? "ok" : ack.error.code);
      }
      guest.disconnect();
    }
    expect(codes).toEqual(["ok", "ok", "ok", "ok", "RATE_LIMITED", "RATE_LIMITED"]);
    const elsewhere = await guestIn(server, "10.1.0.10", "g4", "lobby");
    expect(await elsewhere.emitWithAck("chat", { room: "lobby", text: "from another address" })).toMatchObject({ ok: true });
  });

  it("makes an address that sends wrong login signatures wait, while a login from another address goes through", async () => {
    const server = await useRelay({ trustProxy: true, failedLoginsPerHour: 3, failedLoginBackoffMs: 60_000 });
    const victim = testIdentity();
    const attacker = testIdentity();
    const socket = await useSocketFrom(server, "10.2.0.1");
    const forged = { ...attacker.loginPayload("victim", greeting(socket)), publicKey: victim.publicKey };
    const answers = [];
    for (let index = 0; index < 6; index += 1) answers.push(await socket.emitWithAck("login", forged));
    expect(answers.map((answer) => (answer.ok ? "ok" : answer.error.code))).toEqual([
      "UNAUTHORIZED",
      "UNAUTHORIZED",
      "UNAUTHORIZED",
      "RATE_LIMITED",
      "RATE_LIMITED",
      "RATE_LIMITED",
    ]);
    const waited = answers[5];
    if (waited?.ok !== false) throw new Error("expected a refusal");
    expect(waited.error.retryAfterMs).toBeGreaterThan(50_000);
    expect(waited.error.retryAfterMs).toBeLessThanOrEqual(60_000);

    const real = await useSocketFrom(server, "10.2.0.2");
    expect(await real.emitWithAck("login", victim.loginPayload("victim", greeting(real)))).toMatchObject({ ok: true });
  });

  it("makes a name that many addresses sent wrong signatures for wait", async () => {
    const server = await useRelay({ trustProxy: true, failedLoginsPerNamePerHour: 2 });
    const victim = testIdentity();
    const codes = [];
    for (const address of ["10.3.0.1", "10.3.0.2", "10.3.0.3"]) {
      const socket = await useSocketFrom(server, address);
      const forged = { ...testIdentity().loginPayload("target", greeting(socket)), publicKey: victim.publicKey };
      const answer = await socket.emitWithAck("login", forged);
      codes.push(answer.ok ? "ok" : answer.error.code);
    }
    expect(codes).toEqual(["UNAUTHORIZED", "UNAUTHORIZED", "RATE_LIMITED"]);
    const other = await useSocketFrom(server, "10.3.0.4");
    expect(await other.emitWithAck("login", "somebody-else")).toMatchObject({ ok: true });
  });

  it("limits the logins one address tries per minute", async () => {
    const server = await useRelay({ trustProxy: true, loginsPerMinute: 2 });
    const codes = [];
    for (const name of ["a1", "a2", "a3"]) {
      const socket = await useSocketFrom(server, "10.4.0.1");
      const answer = await socket.emitWithAck("login", name);
      codes.push(answer.ok ? "ok" : answer.error.code);
    }
    expect(codes).toEqual(["ok", "ok", "RATE_LIMITED"]);
  });

  it("caps the new keyed identities one address makes per hour, keeping nothing of the refused one", async () => {
    const server = await useRelay({ trustProxy: true, newIdentitiesPerHour: 2 });
    const codes = [];
    for (const name of ["new1", "new2", "new3"]) {
      const socket = await useSocketFrom(server, "10.5.0.1");
      const answer = await socket.emitWithAck("login", testIdentity().loginPayload(name, greeting(socket)));
      codes.push(answer.ok ? "ok" : answer.error.code);
    }
    expect(codes).toEqual(["ok", "ok", "RATE_LIMITED"]);
    const elsewhere = await useSocketFrom(server, "10.5.0.2");
    expect(await elsewhere.emitWithAck("login", testIdentity().loginPayload("new3", greeting(elsewhere)))).toMatchObject({ ok: true });
  });

  it("logs auth failures and refusals at info with address, event and name, never keys or signatures", async () => {
    const lines: string[] = [];
    const logger = pino({ level: "info" }, { write: (line: string) => lines.push(line) });
    const server = await useRelay({ trustProxy: true, failedLoginsPerHour: 1 }, { logger });
    const owner = testIdentity();
    const held = await useSocketFrom(server, "10.6.0.1");
    expect(await held.emitWithAck("login", owner.loginPayload("owner", greeting(held)))).toMatchObject({ ok: true });
    const other = await useSocketFrom(server, "10.6.0.2");
    const taken = testIdentity().loginPayload("owner", greeting(other));
    expect(await other.emitWithAck("login", taken)).toMatchObject({ ok: false, error: { code: "NAME_TAKEN" } });
    const forged = { ...taken, publicKey: owner.publicKey };
    expect(await other.emitWithAck("login", forged)).toMatchObject({ ok: false, error: { code: "UNAUTHORIZED" } });
    expect(await other.emitWithAck("login", forged)).toMatchObject({ ok: false, error: { code: "RATE_LIMITED" } });

    const entries = lines.map((line) => JSON.parse(line) as { level: number; msg: string; address?: string; name?: string; event?: string });
    const about = (msg: string) => entries.find((entry) => entry.msg === msg);
    expect(about("login refused: name taken")).toMatchObject({ level: 30, address: "10.6.0.2", name: "owner", event: "login" });
    expect(about("login refused: bad signature")).toMatchObject({ level: 30, address: "10.6.0.2", name: "owner", event: "login" });
    expect(about("rate limited")).toMatchObject({ level: 30, address: "10.6.0.2", name: "owner", event: "login" });
    for (const secret of [owner.publicKey, taken.publicKey, taken.signature]) expect(lines.join("\n")).not.toContain(secret);
  });
});
