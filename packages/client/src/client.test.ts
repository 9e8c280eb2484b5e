import { PROTOCOL_VERSION, type ChatMessage } from "@pigeon/protocol";
import { describe, expect, it } from "vitest";
import { nextEvent, record, useClients, useRelayPerTest } from "@pigeon/testing";
import { createIdentityKey } from "@pigeon/crypto";

describe("PigeonClient", () => {
  const server = useRelayPerTest();
  const { client, guest: user } = useClients(server);

  it("connects, resolves with the server's hello and reports each state", async () => {
    const alice = client();
    const states = record(alice, "state");
    const hello = await alice.connect();
    expect(hello.protocolVersion).toBe(PROTOCOL_VERSION);
    expect(alice.hello).toEqual(hello);
    expect(states).toEqual(["connecting", "connected"]);
    const closed = alice.close();
    expect(states.at(-1)).toBe("disconnected");
    await closed;
  });

  it("delivers a message sent by one client to another in the room, acked with its seq", async () => {
    const alice = await user("alice", "lobby");
    const bob = await user("bob", "lobby");
    const received = nextEvent(bob, "message");
    const ack = await alice.send("lobby", "hello bob");
    const message = await received;
    expect(message).toMatchObject({ user: "alice", message: "hello bob", room: "lobby", id: ack.id, seq: ack.seq });
    expect(ack.seq).toBe(1);
  });

  it("gives the sender its own message, once", async () => {
    const alice = await user("alice", "lobby");
    const seen = record(alice, "message");
    const second = nextEvent(alice, "message", (m) => m.message === "two");
    await alice.send("lobby", "one");
    await alice.send("lobby", "two");
    await second;
    expect(seen.map((m: ChatMessage) => m.message)).toEqual(["one", "two"]);
  });

  it("keeps messages of different rooms apart", async () => {
    const alice = await user("alice", "lobby", "dev");
    const bob = await user("bob", "dev");
    const seen = record(bob, "message");
    const forBob = nextEvent(bob, "message", (m) => m.message === "for bob");
    await alice.send("lobby", "not for bob");
    await alice.send("dev", "for bob");
    await forBob;
    expect(seen.map((m) => [m.room, m.message])).toEqual([["dev", "for bob"]]);
  });

  it("tracks its name, rooms and member lists through join, members and leave", async () => {
    const alice = await user("alice", "lobby", "dev");
    expect(alice.name).toBe("alice");
    expect(alice.rooms).toEqual(["lobby", "dev"]);
    expect(alice.members("lobby")).toEqual([{ name: "alice", online: true }]);

    const bobJoined = nextEvent(alice, "members", (e) => e.room === "lobby" && e.members.length === 2);
    await user("bob", "lobby");
    await bobJoined;
    expect(alice.members("lobby")?.map((m) => m.name).sort()).toEqual(["alice", "bob"]);

    await expect(alice.leave("lobby")).resolves.toMatchObject({ room: "lobby" });
    expect(alice.rooms).toEqual(["dev"]);
    expect(alice.members("lobby")).toBeUndefined();
  });

  it("holds a request made during connect until the connection is up", async () => {
    const alice = client();
    const connected = alice.connect();
    const login = alice.login("alice");
    await expect(login).resolves.toMatchObject({ name: "alice", kind: "guest" });
    await connected;
  });
});

describe("member lists", () => {
  const server = useRelayPerTest();
  const { client, guest: user } = useClients(server);

  it("keeps the whole list up to date from the server's single changes, also after a resume", async () => {
    const alice = await user("alice", "lobby");
    const names = (list: readonly { name: string; online: boolean }[] | undefined) => list?.map((m) => `${m.name}:${m.online ? "on" : "off"}`);

    const withBob = nextEvent(alice, "members", ({ members }) => members.length === 2);
    const bob = await user("bob", "lobby");
    expect(names((await withBob).members)).toEqual(["alice:on", "bob:on"]);
    const bobGone = nextEvent(alice, "members", ({ members }) => members.length === 1);
    await bob.leave("lobby");
    expect(names((await bobGone).members)).toEqual(["alice:on"]);

    const identity = createIdentityKey();
    const first = client();
    await first.connect();
    await first.login("carol", { identity });
    await first.join("lobby", { mode: "plain" });
    await first.close();
    const carolAway = nextEvent(alice, "members", ({ members }) => members.some((m) => m.name === "carol" && !m.online));
    await carolAway;
    const carolBack = nextEvent(alice, "members", ({ members }) => members.some((m) => m.name === "carol" && m.online));
    const again = client();
    await again.connect();
    await again.login("carol", { identity });
    expect(names(again.members("lobby"))).toEqual(["alice:on", "carol:on"]);
    expect(names((await carolBack).members)).toEqual(["alice:on", "carol:on"]);
  });
});
