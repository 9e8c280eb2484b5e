import { describe, expect, it } from "vitest";
import { memoryStore, testIdentity, untyped, useKeyed, useMember, useRelay, useSocket, type TestServer } from "@pigeon/testing";

const TOKEN = "metrics-token-0123456789";

async function scrape(url: string, token?: string): Promise<{ status: number; text: string; type: string | null }> {
  const response = await fetch(url, token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } });
  return { status: response.status, text: await response.text(), type: response.headers.get("content-type") };
}

/** The value of one sample (`name{labels}`) in a text exposition; undefined when absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split("\n").find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

async function metricsOf(server: TestServer): Promise<string> {
  const { status, text } = await scrape(`${server.url}/metrics`, TOKEN);
  expect(status).toBe(200);
  return text;
}

describe("/metrics", () => {
  it("is not served on the main port unless metricsToken is set, and then only with the token", async () => {
    const closed = await useRelay();
    expect((await scrape(`${closed.url}/metrics`)).status).toBe(404);

    const server = await useRelay({ metricsToken: TOKEN });
    expect((await scrape(`${server.url}/metrics`)).status).toBe(401);
    expect((await scrape(`${server.url}/metrics`, "metrics-token-wrong-guess")).status).toBe(401);
    const served = await scrape(`${server.url}/metrics`, TOKEN);
    expect(served.status).toBe(200);
    expect(served.type).toContain("text/plain");
    expect(served.text).toContain("# TYPE pigeon_events_received_total counter");
  });

  it("is served on a port of its own, on 127.0.0.1, needing the token there only when one is set", async () => {
    const open = await useRelay({ metricsPort: 0 });
    const port = open.relay.metricsPort;
    expect(port).toBeGreaterThan(0);
    expect(port).not.toBe(open.port);
    const text = (await scrape(`http://127.0.0.1:${String(port)}/metrics`)).text;
    expect(sample(text, "pigeon_connections")).toBe(0);
    // Only the port of its own, not the main one: no token is set.
    expect((await scrape(`${open.url}/metrics`)).status).toBe(404);
    expect((await scrape(`http://127.0.0.1:${String(port)}/healthz`)).status).toBe(404);

    const guarded = await useRelay({ metricsPort: 0, metricsToken: TOKEN });
    const guardedUrl = `http://127.0.0.1:${String(guarded.relay.metricsPort)}/metrics`;
    expect((await scrape(guardedUrl)).status).toBe(401);
    expect((await scrape(guardedUrl, TOKEN)).status).toBe(200);
  });

  it("counts connections, sessions, events, logins, accepted messages, refusals by code and store calls", async () => {
    const server = await useRelay({ metricsToken: TOKEN });
    const alice = await useMember(server, "alice", ["lobby"]);
    await useKeyed(server, testIdentity(), "bob");
    await useSocket(server, ["polling"]);
    expect(await alice.emitWithAck("chat", { room: "lobby", text: "hi" })).toMatchObject({ ok: true });
    expect(await alice.emitWithAck("chat", { room: "elsewhere", text: "hi" })).toMatchObject({ ok: false, error: { code: "NOT_IN_ROOM" } });
    expect(await untyped(alice).emitWithAck("join", { room: 42 })).toMatchObject({ ok: false, error: { code: "BAD_REQUEST" } });
    expect(await untyped(alice).emitWithAck("steal-keys", {})).toMatchObject({ ok: false, error: { code: "BAD_REQUEST" } });

    const text = await metricsOf(server);
    expect(sample(text, "pigeon_connections")).toBe(3);
    expect(sample(text, 'pigeon_engine_sessions{transport="websocket"}')).toBe(2);
    expect(sample(text, 'pigeon_engine_sessions{transport="polling"}')).toBe(1);
    expect(sample(text, 'pigeon_events_received_total{event="login"}')).toBe(2);
    expect(sample(text, 'pigeon_events_received_total{event="chat"}')).toBe(2);
    expect(sample(text, 'pigeon_events_received_total{event="join"}')).toBe(2);
    expect(sample(text, 'pigeon_logins_total{kind="guest"}')).toBe(1);
    expect(sample(text, 'pigeon_logins_total{kind="keyed"}')).toBe(1);
    expect(sample(text, 'pigeon_messages_accepted_total{event="chat"}')).toBe(1);
    expect(sample(text, 'pigeon_refusals_total{event="chat",code="NOT_IN_ROOM"}')).toBe(1);
    expect(sample(text, 'pigeon_refusals_total{event="join",code="BAD_REQUEST"}')).toBe(1);
    // A name the client made up never becomes a label.
    expect(sample(text, 'pigeon_refusals_total{event="unknown",code="BAD_REQUEST"}')).toBe(1);
    expect(text).not.toContain("steal-keys");
    expect(text).not.toContain("lobby");
    expect(text).not.toContain("alice");
    expect(sample(text, 'pigeon_store_operation_seconds_count{operation="append"}')).toBe(1);
    expect(sample(text, "nodejs_heap_size_used_bytes")).toBeGreaterThan(0);
    expect(text).toContain("nodejs_eventloop_lag_seconds");
    // The store's own count: nothing is held, since nobody in lobby was away.
    const usage = await server.relay.context.store.usage();
    expect(sample(text, "pigeon_held_messages")).toBe(usage.entries);
    expect(sample(text, "pigeon_held_bytes")).toBe(usage.bytes);
  });

  it("counts RATE_LIMITED refusals of a connection whose queue is full", async () => {
    const store = memoryStore();
    let release = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const append = store.append.bind(store);
    store.append = async (...args) => {
      await gate;
      return append(...args);
    };
    const server = await useRelay({ metricsToken: TOKEN, maxPendingEvents: 2 }, { store });
    const flooder = await useMember(server, "flooder", ["test"]);
    const acks = Array.from({ length: 5 }, (_, index) => flooder.emitWithAck("chat", { room: "test", text: `m${String(index)}` }));
    // The last one is refused at once, before the gate opens.
    expect(await acks[4]).toMatchObject({ ok: false, error: { code: "RATE_LIMITED" } });
    release();
    const limited = (await Promise.all(acks)).filter((ack) => !ack.ok && ack.error.code === "RATE_LIMITED").length;
    const text = await metricsOf(server);
    expect(sample(text, 'pigeon_refusals_total{event="chat",code="RATE_LIMITED"}')).toBe(limited);
    expect(sample(text, 'pigeon_events_received_total{event="chat"}')).toBe(5);
  });

  it("reports held messages and bytes from the store's usage(), when it has one", async () => {
    const store = Object.assign(memoryStore(), { usage: () => Promise.resolve({ entries: 7, bytes: 1234 }) });
    const server = await useRelay({ metricsToken: TOKEN }, { store });
    const text = await metricsOf(server);
    expect(sample(text, "pigeon_held_messages")).toBe(7);
    expect(sample(text, "pigeon_held_bytes")).toBe(1234);
  });

  it("keeps the metrics of two relays in one process apart", async () => {
    const [first, second] = [await useRelay({ metricsToken: TOKEN }), await useRelay({ metricsToken: TOKEN })];
    await useMember(first, "alice");
    expect(sample(await metricsOf(first), 'pigeon_logins_total{kind="guest"}')).toBe(1);
    expect(sample(await metricsOf(second), 'pigeon_logins_total{kind="guest"}')).toBeUndefined();
  });
});
