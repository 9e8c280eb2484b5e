import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { startCli } from "../../test/cli-process.js";
import { currentConfigDir, useServer } from "../../test/fixtures.js";

const ESC = "\u001b";

describe("pigeon chat", () => {
  const server = useServer();

  it("lets two sessions driven through stdin talk, and exits 0 on /quit and at end of input", async () => {
    const { url } = server();
    const alice = startCli(["chat", "--server", url, "--name", "alice", "--room", "lobby"]);
    await alice.waitForStderr(/connected as alice in lobby/);
    const bob = startCli(["chat", "--server", url, "--name", "bob", "--room", "lobby"]);
    await bob.waitForStderr(/connected as bob in lobby/);

    bob.write("hello from bob\n");
    await alice.waitForStdout(/^\d\d:\d\d \[lobby\] bob: hello from bob$/m);
    alice.write("hi bob\n");
    await bob.waitForStdout(/^\d\d:\d\d \[lobby\] alice: hi bob$/m);
    bob.write("/who\n");
    await bob.waitForStdout(/^lobby: (?=.*alice \(online\))(?=.*bob \(online\)).*$/m);

    bob.end("/quit\nnever sent\n");
    expect(await bob.exit()).toEqual({ code: 0, signal: null });
    alice.end();
    expect(await alice.exit()).toEqual({ code: 0, signal: null });
    expect(alice.stdout).not.toContain("never sent");
    expect(alice.stdout + alice.stderr + bob.stdout + bob.stderr).not.toContain(ESC);
  });

  it("runs /join, /rooms, /leave and reports bad commands without stopping", async () => {
    const carol = startCli(["chat", "--server", server().url, "--name", "carol"]);
    carol.end(["hello?", "/rooms", "/join dev", "/join lobby", "/rooms", "/leave", "/rooms", "/bogus", "/join two words", "/who", ""].join("\n"));
    expect(await carol.exit()).toEqual({ code: 0, signal: null });
    expect(carol.stdout.split("\n")).toEqual([
      "you are in no room",
      "joined dev: carol (online)",
      "joined lobby: carol (online)",
      "  dev",
      "* lobby",
      "left lobby; now in dev",
      "* dev",
      "dev: carol (online)",
      "",
    ]);
    const errors = carol.stderr.split("\n").filter((line) => line.startsWith("pigeon: "));
    expect(errors).toEqual([
      "pigeon: you are in no room: /join ROOM first",
      "pigeon: unknown command /bogus; /help lists them",
      "pigeon: usage: /join ROOM",
    ]);
  });

  it("shows the connection dropping, rejoins by itself and keeps chatting", async () => {
    const { url, relay } = server();
    const alice = startCli(["chat", "--server", url, "--name", "alice", "--room", "lobby"]);
    await alice.waitForStderr(/connected as alice in lobby/);
    // Closing the transport looks like a network drop, which the client reconnects from.
    for (const socket of relay.io.sockets.sockets.values()) socket.conn.close();
    await alice.waitForStderr(/^connection lost; reconnecting…$/m);
    await alice.waitForStderr(/^reconnected; rejoined lobby$/m);
    const bob = startCli(["send", "--server", url, "--name", "bob", "--room", "lobby", "still", "there?"]);
    expect((await bob.exit()).code).toBe(0);
    await alice.waitForStdout(/^\d\d:\d\d \[lobby\] bob: still there\?$/m);
    alice.end("/quit\n");
    expect(await alice.exit()).toEqual({ code: 0, signal: null });
  });

  it("exits 5 when the name is held by another key or a guest tries it", async () => {
    const { url } = server();
    const first = startCli(["chat", "--server", url, "--name", "dave"]);
    await first.waitForStderr(/connected as dave/);
    const otherKey = startCli(["chat", "--server", url, "--name", "dave", "--identity", join(currentConfigDir(), "other.json")]);
    expect((await otherKey.exit()).code).toBe(5);
    expect(otherKey.stderr).toMatch(/^pigeon: the name dave is in use$/m);
    const guest = startCli(["chat", "--server", url, "--name", "dave", "--guest"]);
    expect((await guest.exit()).code).toBe(5);
  });

  it("lets the same identity chat from a second session at once", async () => {
    const { url } = server();
    const first = startCli(["chat", "--server", url, "--name", "erin", "--room", "lobby"]);
    await first.waitForStderr(/connected as erin in lobby/);
    const second = startCli(["chat", "--server", url, "--name", "erin"]);
    // The second session resumes erin's rooms by itself.
    await second.waitForStderr(/connected as erin in lobby/);
    second.end("from the second session\n");
    expect((await second.exit()).code).toBe(0);
    await first.waitForStdout(/^\d\d:\d\d \[lobby\] erin: from the second session$/m);
  });
});
