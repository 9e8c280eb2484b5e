import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { createClient, PigeonError, type PigeonErrorCode } from "./index.js";
import { useClients, useRelayPerTest } from "@pigeon/testing";

async function rejection(promise: Promise<unknown>): Promise<PigeonError> {
  const error = await promise.then(
    () => {
      throw new Error("expected a rejection");
    },
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(PigeonError);
  return error as PigeonError;
}

async function expectCode(promise: Promise<unknown>, code: PigeonErrorCode): Promise<void> {
  expect((await rejection(promise)).code).toBe(code);
}

// A port that was just free: nothing listens there.
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const address = probe.address();
  await new Promise<void>((resolve) => probe.close(() => { resolve(); }));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

describe("PigeonClient errors", () => {
  const server = useRelayPerTest();
  const { client, guest: user } = useClients(server);

  it("rejects a login under a name someone holds with NAME_TAKEN", async () => {
    await user("alice");
    const other = client();
    await other.connect();
    const error = await rejection(other.login("alice"));
    expect(error.code).toBe("NAME_TAKEN");
    expect(error.message).toContain("alice");
    expect(other.name).toBeUndefined();
  });

  it("rejects sending to or leaving a room not joined with NOT_IN_ROOM", async () => {
    const alice = await user("alice", "lobby");
    await expectCode(alice.send("elsewhere", "hi"), "NOT_IN_ROOM");
    await expectCode(alice.leave("elsewhere"), "NOT_IN_ROOM");
  });

  it("rejects joining before login with NOT_LOGGED_IN", async () => {
    const anonymous = client();
    await anonymous.connect();
    await expectCode(anonymous.join("lobby"), "NOT_LOGGED_IN");
  });

  it("refuses an invalid room or name with BAD_REQUEST and oversized text with PAYLOAD_TOO_LARGE", async () => {
    const alice = await user("alice", "lobby");
    const badRoom = await rejection(alice.join("two words"));
    expect(badRoom.code).toBe("BAD_REQUEST");
    expect(badRoom.message).toMatch(/room/);
    await expectCode(alice.send("lobby", ""), "BAD_REQUEST");
    await expectCode(alice.send("lobby", "x".repeat(4001)), "PAYLOAD_TOO_LARGE");
    const other = client();
    await other.connect();
    await expectCode(other.login("*star"), "BAD_REQUEST");
    expect(alice.rooms).toEqual(["lobby"]);
  });

  it("rejects with TIMEOUT when the server never acks", async () => {
    // The real server, with `chat` events swallowed before any handler sees them.
    server().relay.io.on("connection", (socket) => {
      socket.use(([event], next) => {
        if (event !== "chat") next();
      });
    });
    const alice = client({ timeoutMs: 200 });
    await alice.connect();
    await alice.login("alice");
    await alice.join("lobby");
    const error = await rejection(alice.send("lobby", "into the void"));
    expect(error.code).toBe("TIMEOUT");
    expect(error.message).toContain("200 ms");
  });

  it("rejects a request in flight with DISCONNECTED when the server closes the connection", async () => {
    server().relay.io.on("connection", (socket) => {
      socket.use(([event], next) => {
        if (event === "chat") socket.disconnect(true);
        else next();
      });
    });
    const alice = await user("alice", "lobby");
    await expectCode(alice.send("lobby", "bye"), "DISCONNECTED");
    expect(alice.state).toBe("disconnected");
    await expectCode(alice.send("lobby", "again"), "DISCONNECTED");
  });

  it("rejects requests after close() with DISCONNECTED", async () => {
    const alice = await user("alice", "lobby");
    await alice.close();
    await expectCode(alice.send("lobby", "hi"), "DISCONNECTED");
    await expectCode(alice.connect(), "DISCONNECTED");
  });

  it("rejects connect() with UNREACHABLE when nothing listens, and stops trying", async () => {
    const port = await closedPort();
    const states: string[] = [];
    const lonely = createClient({ url: `http://127.0.0.1:${port}`, connectTimeoutMs: 300 });
    lonely.on("state", (state) => states.push(state));
    const error = await rejection(lonely.connect());
    expect(error.code).toBe("UNREACHABLE");
    expect(error.message).toContain(`127.0.0.1:${port}`);
    expect(states).toEqual(["connecting", "disconnected"]);
    await lonely.close();
  });
});
