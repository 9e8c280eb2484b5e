import { createClient } from "@pigeon/client";
import { describe, expect, it } from "vitest";
import { startCli } from "../../test/cli-process.js";
import { closedPortUrl, useServer } from "../../test/fixtures.js";

const jsonLines = (stdout: string): Record<string, unknown>[] =>
  stdout
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line) as Record<string, unknown>);

describe("pigeon send", () => {
  const server = useServer();

  it("sends one message that a listener prints as JSON, both exiting 0", async () => {
    const { url } = server();
    const listener = startCli(["listen", "--server", url, "--name", "bob", "--room", "lobby", "--json", "--count", "1"]);
    await listener.waitForStderr(/listening to lobby/);
    const sender = startCli(["send", "--server", url, "--name", "alice", "--room", "lobby", "hello", "there"]);
    expect(await sender.exit()).toEqual({ code: 0, signal: null });
    expect(await listener.exit()).toEqual({ code: 0, signal: null });
    expect(sender.stdout).toBe("");
    const [message, ...rest] = jsonLines(listener.stdout);
    expect(rest).toEqual([]);
    expect(message).toEqual({
      room: "lobby",
      user: "alice",
      message: "hello there",
      // Seq 1 is alice's commit joining the room's encrypted group.
      seq: 2,
      incarnation: expect.any(String),
      sentAt: expect.any(Number),
      id: expect.any(String),
      clientId: expect.any(String),
      encrypted: true,
    });
  });

  it("sends 200 lines of stdin as 200 messages, in order", async () => {
    const { url } = server();
    const lines = Array.from({ length: 200 }, (_, i) => `line ${i + 1}`);
    const listener = startCli(["listen", "--server", url, "--name", "bob", "--room", "lobby", "--json", "--count", "200"]);
    await listener.waitForStderr(/listening to lobby/);
    const sender = startCli(["send", "--server", url, "--name", "alice", "--room", "lobby", "--stdin"]);
    sender.end(`${lines.join("\n")}\n`);
    expect(await sender.exit()).toEqual({ code: 0, signal: null });
    expect(sender.stderr).toContain("sent 200 messages to lobby");
    expect(await listener.exit()).toEqual({ code: 0, signal: null });
    const received = jsonLines(listener.stdout);
    expect(received.map((m) => m.message)).toEqual(lines);
    const first = Number(received[0]?.seq);
    expect(received.map((m) => m.seq)).toEqual(lines.map((_, i) => first + i));
  });

  it("exits 5 when the name is taken", async () => {
    const { url } = server();
    const holder = createClient({ url, logger: { warn: () => undefined } });
    await holder.connect();
    await holder.login("alice");
    const sender = startCli(["send", "--server", url, "--name", "alice", "--room", "lobby", "hi"]);
    expect((await sender.exit()).code).toBe(5);
    expect(sender.stderr).toMatch(/^pigeon: the name alice is in use$/m);
    await holder.close();
  });

  it("exits 4 when no server listens", async () => {
    const url = await closedPortUrl();
    const sender = startCli(["send", "--server", url, "--connect-timeout", "0.5", "--name", "alice", "--room", "lobby", "hi"]);
    expect((await sender.exit()).code).toBe(4);
    expect(sender.stderr).toMatch(new RegExp(`^pigeon: cannot reach ${url}`, "m"));
  });

  it.each([
    ["a plain room", "chat", ["--plain"]],
    ["an encrypted room", "mls", []],
  ])("exits 6 when the server does not answer in time, in %s", async (_label, event, extra) => {
    // The real server, with the sending event swallowed before any handler sees it.
    server().relay.io.on("connection", (socket) => {
      socket.use(([name], next) => {
        if (name !== event) next();
      });
    });
    const sender = startCli(["send", "--server", server().url, "--ack-timeout", "0.5", "--name", "alice", "--room", "lobby", ...extra, "hi"]);
    expect((await sender.exit()).code).toBe(6);
    expect(sender.stderr).toMatch(new RegExp(`^pigeon: ${event}: no answer from the server within 500 ms$`, "m"));
  });

  it("exits 3 on an invalid room, name or message, before connecting anywhere", async () => {
    // Nothing listens there: had it tried to connect, it would exit 4.
    const url = await closedPortUrl();
    for (const args of [
      ["--name", "alice", "--room", "two words", "hi"],
      ["--name", "*alice", "--room", "lobby", "hi"],
      ["--name", "alice", "--room", "lobby", "x".repeat(4001)],
      ["--name", "alice", "--room", "lobby", "--server", "localhost:3000", "hi"],
    ]) {
      const sender = startCli(["send", "--server", url, ...args]);
      expect((await sender.exit()).code, args.join(" ")).toBe(3);
      expect(sender.stderr.trim().split("\n")).toHaveLength(1);
      expect(sender.stderr).toMatch(/^pigeon: invalid (room|name|message|server URL)/);
    }
  });

  it("exits 2 on a usage error", async () => {
    const missingName = startCli(["send", "--room", "lobby", "hi"]);
    expect((await missingName.exit()).code).toBe(2);
    expect(missingName.stderr).toMatch(/^pigeon: required option '--name <name>' not specified/);
    const both = startCli(["send", "--name", "alice", "--room", "lobby", "--stdin", "hi"]);
    expect((await both.exit()).code).toBe(2);
    const unknown = startCli(["shout"]);
    expect((await unknown.exit()).code).toBe(2);
  });
});
