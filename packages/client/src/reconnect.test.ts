import { describe, expect, it } from "vitest";
import type { PigeonClient } from "./index.js";
import { nextEvent, record, useClients, useRelayPerTest } from "@pigeon/testing";

describe("reconnecting", () => {
  const server = useRelayPerTest();
  const { guest: user } = useClients(server);

  // The server-side socket of a logged-in user.
  function serverSocketOf(name: string) {
    const socket = [...server().relay.io.sockets.sockets.values()].find((s) => s.data.name === name);
    if (!socket) throw new Error(`${name} is not connected`);
    return socket;
  }

  async function dropTransport(client: PigeonClient, name: string): Promise<void> {
    const reconnecting = nextEvent(client, "state", (s) => s === "reconnecting");
    // Closing the engine connection looks like a network drop to the client, which socket.io
    // reconnects (unlike socket.disconnect(), an explicit kick that it respects).
    serverSocketOf(name).conn.close();
    await reconnecting;
  }

  it("logs in again and rejoins every room by itself, then receives messages again", async () => {
    const alice = await user("alice", "lobby", "dev");
    const bob = await user("bob", "lobby", "dev");
    const oldSocketId = serverSocketOf("alice").id;
    const states = record(alice, "state");

    await dropTransport(alice, "alice");
    await nextEvent(alice, "state", (s) => s === "connected");
    expect(states).toEqual(["reconnecting", "connected"]);

    const restored = serverSocketOf("alice");
    expect(restored.id).not.toBe(oldSocketId);
    expect(restored.data.rooms).toEqual(["lobby", "dev"]);
    expect(alice.rooms).toEqual(["lobby", "dev"]);

    const inDev = nextEvent(alice, "message", (m) => m.room === "dev");
    await bob.send("dev", "welcome back");
    await expect(inDev).resolves.toMatchObject({ user: "bob", message: "welcome back" });
  });

  it("holds a request made while reconnecting until the session is restored", async () => {
    const alice = await user("alice", "lobby");
    const bob = await user("bob", "lobby");
    await dropTransport(alice, "alice");
    expect(alice.state).toBe("reconnecting");
    const received = nextEvent(bob, "message");
    await expect(alice.send("lobby", "sent while away")).resolves.toMatchObject({ room: "lobby" });
    await expect(received).resolves.toMatchObject({ user: "alice", message: "sent while away" });
  });

  it("stays disconnected after the server kicks it out, until connect() restores the session", async () => {
    const alice = await user("alice", "lobby");
    const disconnected = nextEvent(alice, "state", (s) => s === "disconnected");
    serverSocketOf("alice").disconnect(true);
    await disconnected;
    await expect(alice.send("lobby", "hi")).rejects.toMatchObject({ code: "DISCONNECTED" });

    await alice.connect();
    expect(alice.state).toBe("connected");
    expect(serverSocketOf("alice").data.rooms).toEqual(["lobby"]);
  });
});

describe("reconnecting while the name is held", () => {
  const server = useRelayPerTest();
  const { client, guest: user } = useClients(server);

  it("keeps retrying the login, reporting NAME_TAKEN, until the name is free again", async () => {
    const alice = await user("alice", "lobby");
    const squatter = client();
    await squatter.connect();
    // Hold new connections back until the squatter has taken the name.
    let admit: () => void = () => undefined;
    const admitted = new Promise<void>((resolve) => (admit = resolve));
    server().relay.io.use((_socket, next) => {
      void admitted.then(() => {
        next();
      });
    });
    const reconnecting = nextEvent(alice, "state", (s) => s === "reconnecting");
    const aliceSocket = [...server().relay.io.sockets.sockets.values()].find((s) => s.data.name === "alice");
    aliceSocket?.conn.close();
    await reconnecting;
    const refused = nextEvent(alice, "error");
    await squatter.login("alice");
    admit();

    await expect(refused).resolves.toMatchObject({ event: "login", code: "NAME_TAKEN" });
    expect(alice.state).toBe("reconnecting");
    const connected = nextEvent(alice, "state", (s) => s === "connected");
    await squatter.close();
    await connected;
    expect(alice.rooms).toEqual(["lobby"]);
  });
});
