import { io, type Socket } from "socket.io-client";
import { describe, expect, it, onTestFinished } from "vitest";
import { nextEvent, useClients, useRelayPerTest } from "@pigeon/testing";

// The seed tutorial's client exactly: plain socket.io-client with default transports, string
// payloads, no acks, listening only for `message`.

function seedClient(url: string, name: string, room: string): Socket {
  const socket = io(url, { forceNew: true });
  onTestFinished(() => {
    socket.close();
  });
  socket.emit("login", name);
  socket.emit("join", room);
  return socket;
}

function nextSeedMessage(socket: Socket): Promise<{ user: string; message: string }> {
  return new Promise((resolve) => socket.once("message", resolve));
}

describe("tutorial clients and SDK clients together", () => {
  const server = useRelayPerTest();
  const { guest: user } = useClients(server);

  it("chat with each other in both directions with { user, message }", async () => {
    const sdk = await user("sdk-user", "test");
    const joined = (count: number) => nextEvent(sdk, "members", ({ members }) => members.length === count);
    const one = seedClient(server().url, "one", "test");
    await joined(2);
    const two = seedClient(server().url, "two", "test");
    await joined(3);

    const atTwo = nextSeedMessage(two);
    const atSdk = nextEvent(sdk, "message");
    one.emit("chat", "hello");
    expect(await atTwo).toMatchObject({ user: "one", message: "hello" });
    expect(await atSdk).toMatchObject({ user: "one", message: "hello", room: "test" });

    const atOne = nextSeedMessage(one);
    const atTwoAgain = nextSeedMessage(two);
    await sdk.send("test", "hi from the SDK");
    expect(await atOne).toMatchObject({ user: "sdk-user", message: "hi from the SDK" });
    expect(await atTwoAgain).toMatchObject({ user: "sdk-user", message: "hi from the SDK" });
  });
});
