import type { ChatMessage } from "@pigeon/protocol";
import { describe, expect, it } from "vitest";
import { Delivery, type DeliveryOutput } from "./delivery.js";

const message = (room: string, seq: number, extra: Partial<ChatMessage> = {}): ChatMessage => ({
  user: "alice",
  message: `m${seq}`,
  room,
  id: `${room}-${seq}`,
  seq,
  incarnation: "i1",
  sentAt: 0,
  ...extra,
});

const shown = (outputs: DeliveryOutput[]): string[] =>
  outputs.map((output) => {
    switch (output.kind) {
      case "message":
        return `${output.message.room}#${output.message.seq}${output.message.replayed ? " replayed" : ""}`;
      case "expired":
        return `${output.notice.room} ${output.notice.reason} ${output.notice.from}-${output.notice.to}`;
      case "caughtUp":
        return `${output.event.room} caughtUp ${output.event.seq}`;
      case "overflow":
        return `${output.room} overflow`;
      case "duplicate":
        return `${output.room} duplicate ${output.seq}`;
      case "restarted":
        return `${output.notice.room} restarted ${output.notice.incarnation}`;
    }
  });

const keyedLogin = (rooms: { room: string; acked: number }[]) => ({
  name: "bob",
  kind: "keyed" as const,
  rooms: rooms.map((room) => ({ ...room, incarnation: "i1", mode: "plain" as const })),
});

describe("Delivery", () => {
  it("gives a guest each message id once, live, and marks none replayed", () => {
    const delivery = new Delivery(100, 10);
    delivery.loggingIn(false);
    delivery.loggedIn({ name: "bob", kind: "guest", rooms: [] });
    expect(shown(delivery.message(message("lobby", 2)))).toEqual(["lobby#2"]);
    expect(shown(delivery.message(message("lobby", 2)))).toEqual([]);
    expect(shown(delivery.message(message("lobby", 1)))).toEqual(["lobby#1"]);
  });

  it("marks replayed only what a login's replay brings: a node's catch-up later in the session is late, not away", () => {
    const delivery = new Delivery(100, 10);
    delivery.loggingIn(true);
    expect(shown(delivery.loggedIn(keyedLogin([{ room: "lobby", acked: 1 }])))).toEqual([]);
    expect(shown(delivery.message(message("lobby", 2, { replayed: true })))).toEqual(["lobby#2 replayed"]);
    expect(shown(delivery.caughtUp({ room: "lobby", seq: 2, incarnation: "i1" }))).toEqual(["lobby caughtUp 2"]);
    expect(shown(delivery.message(message("lobby", 3)))).toEqual(["lobby#3"]);
    // The node missed seq 4 while its Redis link was down, and sends it once it hears again.
    expect(shown(delivery.message(message("lobby", 3, { replayed: true })))).toEqual([]);
    expect(shown(delivery.message(message("lobby", 4, { replayed: true })))).toEqual(["lobby#4"]);
    expect(shown(delivery.caughtUp({ room: "lobby", seq: 4, incarnation: "i1" }))).toEqual(["lobby caughtUp 4"]);
    // The next login's replay is away again, even before its ack is handled.
    delivery.loggingIn(true);
    expect(shown(delivery.message(message("lobby", 5, { replayed: true })))).toEqual(["lobby#5 replayed"]);
    expect(shown(delivery.loggedIn(keyedLogin([{ room: "lobby", acked: 4 }])))).toEqual([]);
    expect(shown(delivery.message(message("lobby", 6, { replayed: true })))).toEqual(["lobby#6 replayed"]);
  });

  it("orders a replay that arrives before the keyed login's ack is handled, from the ack's cursor", () => {
    const delivery = new Delivery(100, 10);
    delivery.loggingIn(true);
    // The server replays right after its ack; these can be handled before the ack is.
    expect(shown(delivery.message(message("lobby", 4, { replayed: true })))).toEqual([]);
    expect(shown(delivery.message(message("lobby", 5, { replayed: true })))).toEqual([]);
    expect(shown(delivery.loggedIn(keyedLogin([{ room: "lobby", acked: 4 }])))).toEqual(["lobby#5 replayed"]);
    expect(shown(delivery.caughtUp({ room: "lobby", seq: 5, incarnation: "i1" }))).toEqual(["lobby caughtUp 5"]);
    // A second login (a reconnect) replays the same again: nothing is handed on twice.
    delivery.loggingIn(true);
    expect(shown(delivery.message(message("lobby", 5, { replayed: true })))).toEqual([]);
    expect(shown(delivery.loggedIn(keyedLogin([{ room: "lobby", acked: 4 }])))).toEqual([]);
    expect(shown(delivery.message(message("lobby", 6)))).toEqual(["lobby#6"]);
  });

  it("starts a new membership at the join's seq, but keeps a resumed room's cursor on rejoin", () => {
    const delivery = new Delivery(100, 10);
    delivery.loggingIn(true);
    delivery.loggedIn(keyedLogin([{ room: "lobby", acked: 2 }]));
    expect(delivery.isMember("lobby")).toBe(true);
    expect(shown(delivery.joined({ room: "lobby", mode: "plain", members: [], seq: 9, incarnation: "i1" }))).toEqual([]);
    expect(shown(delivery.message(message("lobby", 3)))).toEqual(["lobby#3"]);
    expect(shown(delivery.joined({ room: "dev", mode: "plain", members: [], seq: 7, incarnation: "i1" }))).toEqual([]);
    expect(shown(delivery.message(message("dev", 7)))).toEqual([]);
    expect(shown(delivery.message(message("dev", 8)))).toEqual(["dev#8"]);
  });

  it("reports an expiry notice without a reason as unspecified, and only the part it lacks", () => {
    const delivery = new Delivery(100, 10);
    delivery.loggingIn(true);
    delivery.loggedIn(keyedLogin([{ room: "lobby", acked: 3 }]));
    expect(shown(delivery.expired({ room: "lobby", from: 1, to: 6 }))).toEqual(["lobby unspecified 4-6"]);
    expect(shown(delivery.expired({ room: "lobby", from: 7, to: 7, reason: "quota" }))).toEqual(["lobby quota 7-7"]);
  });

  it("forgets a room left: a later join starts afresh", () => {
    const delivery = new Delivery(100, 10);
    delivery.loggingIn(true);
    delivery.loggedIn(keyedLogin([{ room: "lobby", acked: 5 }]));
    delivery.left("lobby");
    expect(delivery.isMember("lobby")).toBe(false);
    delivery.joined({ room: "lobby", mode: "plain", members: [], seq: 20, incarnation: "i1" });
    expect(shown(delivery.message(message("lobby", 21)))).toEqual(["lobby#21"]);
  });

  it("starts a room over when the relay lost it: the rejoin's new incarnation resets the cursor", () => {
    const delivery = new Delivery(100, 10);
    delivery.loggingIn(true);
    delivery.loggedIn(keyedLogin([{ room: "lobby", acked: 100 }]));
    expect(shown(delivery.message(message("lobby", 101)))).toEqual(["lobby#101"]);
    // The relay restarted on the memory store: the login finds no memberships, the rejoin a new run.
    delivery.loggingIn(true);
    expect(shown(delivery.loggedIn({ name: "bob", kind: "keyed", rooms: [] }))).toEqual([]);
    expect(shown(delivery.joined({ room: "lobby", mode: "plain", members: [], seq: 0, incarnation: "i2" }))).toEqual(["lobby restarted i2"]);
    expect(shown(delivery.message(message("lobby", 1, { incarnation: "i2" })))).toEqual(["lobby#1"]);
    expect(delivery.stalled().size).toBe(0);
  });

  it("counts a room that started over as stalled until the server names its new starting point", () => {
    const delivery = new Delivery(100, 10);
    delivery.loggingIn(true);
    delivery.loggedIn(keyedLogin([{ room: "lobby", acked: 100 }]));
    expect(shown(delivery.message(message("lobby", 1, { incarnation: "i2" })))).toEqual(["lobby restarted i2"]);
    expect(delivery.stalled()).toEqual(new Map([["lobby", -1]]));
  });
});
