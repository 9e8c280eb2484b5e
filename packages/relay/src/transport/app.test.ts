import type { EventEmitter } from "node:events";
import { describe, expect, it } from "vitest";
import { LIMITS, PROTOCOL_VERSION } from "@pigeon/protocol";
import { record, helloOf, memoryStore, nextEvent, untyped, useMember, useRelay, useSocket } from "@pigeon/testing";

type Listener = ((...args: unknown[]) => unknown) & { readonly listener?: (...args: unknown[]) => unknown };

/** engine.io's connection, as far as these tests look into it. */
interface EngineConnection {
  readonly transport: { readonly socket?: EventEmitter & { readonly _socket?: EventEmitter } };
}

describe("relay", () => {
  it("greets each connection with its own challenge, the limits and the retention policy", async () => {
    const server = await useRelay({ nodeId: "n1" });
    const [first, second] = [helloOf(await useSocket(server)), helloOf(await useSocket(server, ["polling"]))];
    expect(first).toMatchObject({
      protocolVersion: PROTOCOL_VERSION,
      serverId: "n1",
      retention: { store: "memory", messageTtlMs: 14 * 86_400_000, maxRoomEntries: 10_000 },
    });
    expect(first?.limits).toEqual(LIMITS);
    expect(first?.challenge).toMatch(/^[\w-]{43}$/);
    expect(second?.challenge).toMatch(/^[\w-]{43}$/);
    expect(first?.challenge).not.toBe(second?.challenge);
  });

  it("answers /healthz with only the status to anyone, and the details only to the operator's token", async () => {
    const token = "health-token-0123456789";
    const server = await useRelay({ nodeId: "n1", webDir: "/nonexistent", healthToken: token });
    await useSocket(server);
    const anonymous = await fetch(`${server.url}/healthz`);
    expect(anonymous.status).toBe(200);
    expect(await anonymous.json()).toEqual({ status: "ok" });
    const guessed = await fetch(`${server.url}/healthz`, { headers: { authorization: "Bearer health-token-guessed-wrong" } });
    expect(await guessed.json()).toEqual({ status: "ok" });
    const operator = await fetch(`${server.url}/healthz`, { headers: { authorization: `Bearer ${token}` } });
    expect(operator.status).toBe(200);
    expect(await operator.json()).toEqual({ status: "ok", node: "n1", store: "memory", storeReachable: true, broadcastsFlow: true, connections: 1 });
    expect((await fetch(`${server.url}/nope`)).status).toBe(404);
  });

  it("shows /healthz details to the addresses in healthAllowFrom, and to nobody when nothing is configured", async () => {
    const allowed = await useRelay({ nodeId: "n1", healthAllowFrom: "10.0.0.0/8, 127.0.0.1" });
    expect(await (await fetch(`${allowed.url}/healthz`)).json()).toMatchObject({ status: "ok", node: "n1", connections: 0 });
    const elsewhere = await useRelay({ nodeId: "n1", healthAllowFrom: "10.0.0.0/8" });
    expect(await (await fetch(`${elsewhere.url}/healthz`)).json()).toEqual({ status: "ok" });
    const unset = await useRelay({ nodeId: "n1" });
    expect(await (await fetch(`${unset.url}/healthz`)).json()).toEqual({ status: "ok" });
  });

  it("refuses events with RATE_LIMITED once too many wait, and serves the connection again after", async () => {
    // A store that holds every seq back until released makes the backlog deterministic.
    const store = memoryStore();
    let release = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const append = store.append.bind(store);
    store.append = async (room, entry) => {
      await gate;
      return append(room, entry);
    };
    const server = await useRelay({ maxPendingEvents: 3 }, { store });
    const flooder = await useMember(server, "flooder", ["test"]);
    const errors = record(flooder, "error");
    const refused = nextEvent(flooder, "error", ({ code }) => code === "RATE_LIMITED");
    for (let index = 0; index < 10; index += 1) untyped(flooder).emit("chat", `m${index}`);
    await refused;
    release();
    const ack = await flooder.emitWithAck("chat", "after the flood");
    expect(ack).toMatchObject({ ok: true, data: { seq: 4 } });
    expect(errors.map(({ code }) => code)).toEqual(Array.from({ length: 7 }, () => "RATE_LIMITED"));
  });

  it("closes transports on shutdown so clients reconnect elsewhere, cleaning up before the store closes", async () => {
    const store = memoryStore();
    const closeStore = store.close.bind(store);
    let membersAtStoreClose: unknown;
    store.close = async () => {
      membersAtStoreClose = await store.members("lobby");
      await closeStore();
    };
    const server = await useRelay({}, { store });
    const alice = await useMember(server, "alice", ["lobby"]);
    const closed = new Promise<string>((resolve) => alice.once("disconnect", resolve));
    await server.close();
    // "transport close" is the reason socket.io clients reconnect after; "io server disconnect" is not.
    expect(await closed).toBe("transport close");
    expect(membersAtStoreClose).toEqual([]);
  });

  it("leaves no listener of engine.io's upgrade stand-in or its upgrade error on a WebSocket connection", async () => {
    const server = await useRelay();
    await useSocket(server);
    const clients = (server.relay.io.engine as unknown as { clients: Record<string, EngineConnection> }).clients;
    const [connection] = Object.values(clients);
    const ws = connection?.transport.socket;
    const tcp = ws?._socket;
    if (ws === undefined || tcp === undefined) throw new Error("no WebSocket connection");
    const sources = (emitter: EventEmitter, event: string) =>
      (emitter.rawListeners(event) as Listener[]).map((raw) => (raw.listener ?? raw).toString());
    expect(sources(tcp, "close")).not.toContain('() => this.emit("close")');
    expect(ws.listeners("error").map((listener) => listener.name)).not.toContain("onUpgradeError");
  });
});
