import type { ChatMessage } from "@pigeon/protocol";
import { describe, expect, it } from "vitest";
import { nextEvent, record, recordingLogger, useClients, useRelayPerTest } from "@pigeon/testing";

const message = (id: string, text: string): ChatMessage => ({
  user: "server",
  message: text,
  room: "lobby",
  id,
  seq: 1,
  incarnation: "i1",
  sentAt: 0,
});

describe("inbound server events", () => {
  const server = useRelayPerTest();
  const { client } = useClients(server);

  async function listener(logger = recordingLogger()) {
    const bob = client({ logger });
    await bob.connect();
    await bob.login("bob");
    await bob.join("lobby");
    return bob;
  }

  it("drops a malformed event with a warning and keeps going", async () => {
    const logger = recordingLogger();
    const bob = await listener(logger);
    const seen = record(bob, "message");
    const members = record(bob, "members");
    const valid = nextEvent(bob, "message", (m) => m.id === "good");
    const { io } = server().relay;
    io.to("lobby").emit("message", { user: "mallory", message: "no id or seq" } as never);
    io.to("lobby").emit("members", { room: "lobby", members: "everyone" } as never);
    io.to("lobby").emit("message", message("good", "after the bad ones"));
    await valid;
    expect(seen.map((m) => m.id)).toEqual(["good"]);
    expect(members).toEqual([]);
    expect(logger.warnings).toEqual([
      'pigeon: dropped a malformed "message" event from the server',
      'pigeon: dropped a malformed "members" event from the server',
    ]);
  });

  it("delivers each message id once, even when the server repeats it", async () => {
    const bob = await listener();
    const seen = record(bob, "message");
    const last = nextEvent(bob, "message", (m) => m.id === "m2");
    const { io } = server().relay;
    io.to("lobby").emit("message", message("m1", "first"));
    io.to("lobby").emit("message", message("m1", "first again"));
    io.to("lobby").emit("message", message("m2", "second"));
    await last;
    expect(seen.map((m) => m.message)).toEqual(["first", "second"]);
  });

  it("passes the server's error events on", async () => {
    const bob = await listener();
    const error = nextEvent(bob, "error");
    server().relay.io.emit("error", { event: "chat", code: "RATE_LIMITED", message: "slow down" });
    await expect(error).resolves.toEqual({ event: "chat", code: "RATE_LIMITED", message: "slow down" });
  });

  it("survives a listener that throws, reporting it to the logger", async () => {
    const logger = recordingLogger();
    const bob = await listener(logger);
    bob.on("message", () => {
      throw new Error("listener bug");
    });
    const delivered = nextEvent(bob, "message");
    server().relay.io.to("lobby").emit("message", message("m1", "hi"));
    await delivered;
    expect(logger.warnings).toEqual(['pigeon: a "message" listener threw']);
    await expect(bob.send("lobby", "still working")).resolves.toMatchObject({ room: "lobby" });
  });
});
