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
      "joined dev (end-to-end encrypted): carol (online)",
      "joined lobby (end-to-end encrypted): carol (online)",
      "  dev",
      "* lobby",
      "left lobby; now in dev",
      "* dev",
      "dev: carol (online)",
      "end-to-end encrypted; in the group: carol",
      "",
    ]);
    const errors = carol.stderr.split("\n").filter((line) => line.startsWith("pigeon: "));
    expect(errors).toEqual([
      "pigeon: you are in no room: /join ROOM first",
      "pigeon: unknown command /bogus; /help lists them",
      "pigeon: usage: /join [--plain] ROOM",
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
    // Another dave, on another machine (another config directory) with another key.
    const otherKey = startCli(["chat", "--server", url, "--name", "dave", "--identity", join(currentConfigDir(), "other.json")], {
      PIGEON_CONFIG_DIR: join(currentConfigDir(), "elsewhere"),
    });
    expect((await otherKey.exit()).code).toBe(5);
    expect(otherKey.stderr).toMatch(/^pigeon: the name dave belongs to another key$/m);
    const guest = startCli(["chat", "--server", url, "--name", "dave", "--guest"]);
    expect((await guest.exit()).code).toBe(5);
  });

});
