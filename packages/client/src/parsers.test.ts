import { clientEvents, serverEvents, type ClientEventName, type ServerEventName, type ServerPayload } from "@pigeon/protocol";
import { describe, expect, expectTypeOf, it } from "vitest";
import type { ClientEventMap } from "./options.js";
import { ackParsers, eventNames, serverEventParsers } from "./parsers.js";
import { createSocket, type SocketHandlers } from "./socket.js";

// One valid ack per client event. Typed by the protocol's event names, so an event added there
// fails to compile here until it has one.
const ackData: { [E in ClientEventName]: unknown } = {
  login: { name: "alice", kind: "guest", rooms: [] },
  join: { room: "lobby", members: [{ name: "alice", online: true }], seq: 3, incarnation: "i1" },
  leave: { room: "lobby" },
  chat: { room: "lobby", id: "m1", seq: 4, incarnation: "i1", sentAt: 0 },
  ack: { room: "lobby", acked: 4 },
  typing: { room: "lobby" },
  groupInfo: { room: "team", groupInfo: null, epoch: null, pending: [], seq: 0, incarnation: "i1" },
  createGroup: { room: "team", epoch: 0, pending: [] },
  mls: { room: "team", id: "m2", seq: 5, incarnation: "i1", sentAt: 0, kind: "commit", epoch: 1 },
};

describe("ack parsers", () => {
  it("has one for every client event of the protocol", () => {
    expect(eventNames(ackParsers).sort()).toEqual(eventNames(clientEvents).sort());
  });

  it("parses each event's success data with that event's own schema", () => {
    for (const event of eventNames(clientEvents)) {
      for (const data of Object.values(ackData)) {
        const own = clientEvents[event].ack.safeParse(data).success;
        expect(ackParsers[event].safeParse({ ok: true, data }).success, `${event} with ${JSON.stringify(data)}`).toBe(own);
      }
    }
  });

  it("parses a refusal with a protocol error code and rejects any other answer", () => {
    for (const event of eventNames(clientEvents)) {
      expect(ackParsers[event].safeParse({ ok: false, error: { code: "NOT_IN_ROOM", message: "join first" } }).success).toBe(true);
      expect(ackParsers[event].safeParse({ ok: false, error: { code: "NOPE", message: "" } }).success).toBe(false);
      expect(ackParsers[event].safeParse("ok").success).toBe(false);
    }
  });
});

describe("server event parsers", () => {
  it("are the protocol's, one per server event", () => {
    expect(eventNames(serverEventParsers).sort()).toEqual(eventNames(serverEvents).sort());
    for (const event of eventNames(serverEvents)) expect(serverEventParsers[event]).toBe(serverEvents[event]);
  });

  it("are all listened to, and a payload that fails one is reported as malformed", () => {
    const handled: string[] = [];
    const malformed: string[] = [];
    const handlers = Object.fromEntries(
      eventNames(serverEvents).map((event) => [event, () => handled.push(event)]),
    ) as unknown as SocketHandlers;
    const socket = createSocket(
      { url: "http://127.0.0.1:1" },
      {
        ...handlers,
        malformed: (event) => malformed.push(event),
        connected: () => undefined,
        connectFailed: () => undefined,
        disconnected: () => undefined,
      },
    );
    for (const event of eventNames(serverEvents)) {
      const listeners = socket.listeners(event);
      expect(listeners, event).toHaveLength(1);
      for (const listener of listeners) listener(undefined);
    }
    expect(handled).toEqual([]);
    expect(malformed).toEqual(eventNames(serverEvents));
  });
});

describe("ClientEventMap", () => {
  it("passes the protocol's server events on with their own payloads, plus the SDK's own", () => {
    type PassedOn = Exclude<ServerEventName, "message" | "expired" | "memberChanges">;
    expectTypeOf<keyof ClientEventMap>().toEqualTypeOf<PassedOn | "message" | "expired" | "restarted" | "state" | "group" | "keyChanged" | "undecryptable" | "storage">();
    expectTypeOf<ClientEventMap["typing"]>().toEqualTypeOf<ServerPayload<"typing">>();
    expectTypeOf<ClientEventMap["members"]>().toEqualTypeOf<ServerPayload<"members">>();
    expectTypeOf<ClientEventMap["error"]>().toEqualTypeOf<ServerPayload<"error">>();
    expectTypeOf<ClientEventMap["message"]>().toExtend<ServerPayload<"message">>();
  });
});
