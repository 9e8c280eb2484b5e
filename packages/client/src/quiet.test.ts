import type { ChatMessage } from "@pigeon/protocol";
import { nextEvent, useRelayPerTest } from "@pigeon/testing";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createClient, type PigeonClient } from "./client.js";

const CONSOLE_METHODS = ["log", "info", "warn", "error", "debug", "trace"] as const;

const good: ChatMessage = { user: "server", message: "after the bad ones", room: "lobby", id: "good", seq: 1, incarnation: "i1", sentAt: 0 };

describe("without a logger", () => {
  const server = useRelayPerTest();
  const clients: PigeonClient[] = [];
  afterEach(async () => {
    vi.restoreAllMocks();
    await Promise.all(clients.splice(0).map((client) => client.close()));
  });

  it("writes nothing to the console for malformed events or a throwing listener", async () => {
    const spies = CONSOLE_METHODS.map((method) => vi.spyOn(console, method).mockImplementation(() => undefined));
    const bob = createClient({ url: server().url });
    clients.push(bob);
    await bob.connect();
    await bob.login("bob");
    await bob.join("lobby");
    bob.on("message", () => {
      throw new Error("listener bug");
    });
    const delivered = nextEvent(bob, "message", (m) => m.id === "good");
    const { io } = server().relay;
    io.to("lobby").emit("message", { user: "mallory", message: "no id or seq" } as never);
    io.to("lobby").emit("members", { room: "lobby", members: "everyone" } as never);
    io.to("lobby").emit("message", good);
    await delivered;
    for (const spy of spies) expect(spy).not.toHaveBeenCalled();
  });
});
