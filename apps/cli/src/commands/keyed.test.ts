import { readFile, stat } from "node:fs/promises";
import { createIdentityKey, publicKeyText } from "@pigeon/crypto";
import { writeIdentityFile } from "@pigeon/crypto/node";
import { startTestServer } from "@pigeon/testing";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { startCli } from "../../test/cli-process.js";
import { currentConfigDir, useServer } from "../../test/fixtures.js";
import { serverFolder } from "../server-files.js";

const jsonLines = (stdout: string): Record<string, unknown>[] =>
  stdout
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line) as Record<string, unknown>);

const modeOf = async (path: string): Promise<number> => (await stat(path)).mode & 0o777;

describe("keyed identities", () => {
  const server = useServer();
  const identityFile = (name: string, url = server().url): string => join(currentConfigDir(), "identities", serverFolder(url), `${name}.json`);

  async function run(args: string[], stdin?: string): Promise<ReturnType<typeof startCli>> {
    const cli = startCli([args[0] ?? "", "--server", server().url, ...args.slice(1)]);
    if (stdin !== undefined) cli.end(stdin);
    expect(await cli.exit(), `pigeon ${args.join(" ")}\n${cli.stderr}`).toEqual({ code: 0, signal: null });
    return cli;
  }

  it("subscribes with listen --count 0, exiting at once, and creates a 0600 identity file", async () => {
    const subscribe = await run(["listen", "--name", "bob", "--room", "lobby", "--count", "0"]);
    expect(subscribe.stdout).toBe("");
    expect(subscribe.stderr).toContain(`created a new identity for bob in ${identityFile("bob")}`);
    expect(await modeOf(identityFile("bob"))).toBe(0o600);
    expect(await modeOf(join(currentConfigDir(), "identities"))).toBe(0o700);
    expect(await modeOf(join(currentConfigDir(), "identities", serverFolder(server().url)))).toBe(0o700);
    await expect(server().relay.context.store.memberships("bob")).resolves.toMatchObject([{ room: "lobby", acked: 0 }]);

    // The same file is used next time: bob is still bob.
    const again = await run(["listen", "--name", "bob", "--room", "lobby", "--count", "0"]);
    expect(again.stderr).not.toContain("created");
  });

  it("keeps a key per server, unless --identity names one, and moves a key from before that to the first server used", async () => {
    const other = await startTestServer();
    try {
      await run(["listen", "--name", "bob", "--room", "lobby", "--count", "0"]);
      const onOther = startCli(["listen", "--server", other.url, "--name", "bob", "--room", "lobby", "--count", "0"]);
      expect((await onOther.exit()).code).toBe(0);
      expect(onOther.stderr).toContain(`created a new identity for bob in ${identityFile("bob", other.url)}`);
      const keys = await Promise.all([identityFile("bob"), identityFile("bob", other.url)].map(async (path) => JSON.parse(await readFile(path, "utf8")) as { publicKey: string }));
      expect(keys[0]?.publicKey).not.toBe(keys[1]?.publicKey);
      const told = startCli(["listen", "--server", other.url, "--name", "bob", "--room", "lobby", "--count", "0", "--identity", identityFile("bob")]);
      expect((await told.exit()).code).toBe(5); // the other server holds bob for its own key

      // A key file from before keys were kept per server becomes the key of the server used next.
      const shared = join(currentConfigDir(), "identities", "carol.json");
      const carolKey = createIdentityKey();
      await writeIdentityFile(shared, { name: "carol", key: carolKey });
      const adopted = await run(["listen", "--name", "carol", "--room", "lobby", "--count", "0"]);
      expect(adopted.stderr).toContain(`is now the key for ${new URL(server().url).origin} only: ${identityFile("carol")}`);
      await expect(stat(shared)).rejects.toMatchObject({ code: "ENOENT" });
      expect(JSON.parse(await readFile(identityFile("carol"), "utf8"))).toMatchObject({ name: "carol", publicKey: publicKeyText(carolKey) });
    } finally {
      await other.close();
    }
  });

  it("gives a returning listener exactly what was sent while it was away, in order, marked replayed", async () => {
    await run(["listen", "--name", "bob", "--room", "lobby", "--count", "0"]);
    const lines = ["one", "two", "three", "four", "five"];
    await run(["send", "--name", "alice", "--room", "lobby", "--stdin"], `${lines.join("\n")}\n`);

    const listener = await run(["listen", "--name", "bob", "--room", "lobby", "--count", "5", "--json"]);
    const received = jsonLines(listener.stdout);
    expect(received.map((m) => m.message)).toEqual(lines);
    // In order and without gaps, after alice's commit joining the room's encrypted group.
    const first = Number(received[0]?.seq);
    expect(received.map((m) => m.seq)).toEqual([first, first + 1, first + 2, first + 3, first + 4]);
    expect(received.every((m) => m.replayed === true && m.user === "alice")).toBe(true);
    // What bob printed he acked before exiting: the next listen starts after it.
    await expect(server().relay.context.store.memberships("bob")).resolves.toMatchObject([{ room: "lobby", acked: first + 4 }]);
  });

  it("lets a sender that was not a member leave again, so the server holds nothing for it", async () => {
    await run(["listen", "--name", "bob", "--room", "lobby", "--count", "0"]);
    await run(["send", "--name", "alice", "--room", "lobby", "hello"]);
    await expect(server().relay.context.store.memberships("alice")).resolves.toEqual([]);
    await run(["listen", "--name", "bob", "--room", "lobby", "--count", "1"]);
    // bob has it, alice is no member: nothing is left on the server.
    await expect(server().relay.context.store.heldEntries()).resolves.toBe(0);
  });

  it("keeps a sender that was already a member subscribed, and its own messages wait for it", async () => {
    await run(["listen", "--name", "alice", "--room", "lobby", "--count", "0"]);
    await run(["send", "--name", "alice", "--room", "lobby", "note to self"]);
    await expect(server().relay.context.store.memberships("alice")).resolves.toMatchObject([{ room: "lobby", acked: 0 }]);
    const later = await run(["listen", "--name", "alice", "--room", "lobby", "--count", "1", "--json"]);
    expect(jsonLines(later.stdout).map((m) => m.message)).toEqual(["note to self"]);
  });

  it("stops at --count without acking the messages it did not print", async () => {
    await run(["listen", "--name", "bob", "--room", "lobby", "--count", "0"]);
    await run(["send", "--name", "alice", "--room", "lobby", "--stdin"], "a\nb\nc\n");
    const first = await run(["listen", "--name", "bob", "--room", "lobby", "--count", "2"]);
    expect(first.stdout).toMatch(/^\d\d:\d\d \[lobby\] alice: a {2}\(while you were away\)\n\d\d:\d\d \[lobby\] alice: b {2}\(while you were away\)\n$/);
    const rest = await run(["listen", "--name", "bob", "--room", "lobby", "--count", "1", "--json"]);
    expect(jsonLines(rest.stdout).map((m) => m.message)).toEqual(["c"]);
  });

  it("refuses the name to another key and to a guest (exit 5)", async () => {
    await run(["listen", "--name", "bob", "--room", "lobby", "--count", "0"]);
    const otherKey = startCli(["send", "--server", server().url, "--name", "bob", "--room", "lobby", "--identity", join(currentConfigDir(), "other.json"), "hi"]);
    expect((await otherKey.exit()).code).toBe(5);
    expect(otherKey.stderr).toMatch(/^pigeon: the name bob belongs to another key$/m);
    const guest = startCli(["send", "--server", server().url, "--name", "bob", "--room", "lobby", "--guest", "hi"]);
    expect((await guest.exit()).code).toBe(5);
  });

  it("still lets guests chat live with --guest, keeping no identity file", async () => {
    const listener = startCli(["listen", "--server", server().url, "--name", "carol", "--room", "lobby", "--guest", "--json", "--count", "1"]);
    await listener.waitForStderr(/listening to lobby/);
    await run(["send", "--name", "dan", "--room", "lobby", "--guest", "hello guests"]);
    expect(await listener.exit()).toEqual({ code: 0, signal: null });
    expect(jsonLines(listener.stdout)).toEqual([expect.objectContaining({ user: "dan", message: "hello guests" })]);
    expect(jsonLines(listener.stdout)[0]).not.toHaveProperty("replayed");
    await expect(stat(join(currentConfigDir(), "identities"))).rejects.toMatchObject({ code: "ENOENT" });
  });

  it("refuses --guest with --identity (exit 2) and another name's identity file (exit 3)", async () => {
    const both = startCli(["send", "--server", server().url, "--name", "bob", "--room", "lobby", "--guest", "--identity", "x.json", "hi"]);
    expect((await both.exit()).code).toBe(2);
    await run(["listen", "--name", "bob", "--room", "lobby", "--count", "0"]);
    const borrowed = startCli(["send", "--server", server().url, "--name", "mallory", "--room", "lobby", "--identity", identityFile("bob"), "hi"]);
    expect((await borrowed.exit()).code).toBe(3);
    expect(borrowed.stderr).toContain(`${identityFile("bob")} is the identity of bob, not mallory`);
  });

  it("shows in chat what arrived while away, and receipts of your own messages", async () => {
    await run(["listen", "--name", "bob", "--room", "lobby", "--count", "0"]);
    await run(["send", "--name", "alice", "--room", "lobby", "while you slept"]);
    const bob = startCli(["chat", "--server", server().url, "--name", "bob"]);
    await bob.waitForStdout(/^\d\d:\d\d \[lobby\] alice: while you slept {2}\(while you were away\)$/m);
    const alice = startCli(["chat", "--server", server().url, "--name", "alice", "--room", "lobby"]);
    await alice.waitForStderr(/connected as alice in lobby/);
    bob.write("morning\n");
    const [, seq = ""] = await bob.waitForStderr(/^\[lobby\] seq (\d+): accepted$/m);
    await alice.waitForStdout(/^\d\d:\d\d \[lobby\] bob: morning$/m);
    await bob.waitForStderr(new RegExp(`^\\[lobby\\] seq (?:\\d+-)?${seq}: delivered to all, deleted from the server$`, "m"));
    bob.end("/quit\n");
    alice.end("/quit\n");
    expect((await bob.exit()).code).toBe(0);
    expect((await alice.exit()).code).toBe(0);
  });
});

describe("keyed identities with a small room quota", () => {
  // One sender holds at most half of it: 3.
  const server = useServer({ maxRoomEntries: 6 });

  it("tells a returning listener which messages expired before it got them (a plain room)", async () => {
    const url = server().url;
    const subscribe = startCli(["listen", "--server", url, "--name", "bob", "--room", "lobby", "--plain", "--count", "0"]);
    expect((await subscribe.exit()).code).toBe(0);
    const sender = startCli(["send", "--server", url, "--name", "alice", "--room", "lobby", "--plain", "--stdin"]);
    sender.end("1\n2\n3\n4\n5\n");
    expect((await sender.exit()).code).toBe(0);

    const listener = startCli(["listen", "--server", url, "--name", "bob", "--room", "lobby", "--plain", "--count", "3", "--json"]);
    expect(await listener.exit()).toEqual({ code: 0, signal: null });
    expect(listener.stderr).toMatch(/^\[lobby\] 2 messages \(seq 1-2\) expired before you got them$/m);
    expect(jsonLines(listener.stdout).map((m) => m.message)).toEqual(["3", "4", "5"]);
  });

  it("tells a returning listener of an encrypted room what it lost with an expired commit, and rejoins", async () => {
    const url = server().url;
    const subscribe = startCli(["listen", "--server", url, "--name", "bob", "--room", "lobby", "--count", "0"]);
    expect((await subscribe.exit()).code).toBe(0);
    // alice's commit joining the group (seq 1), then her 5 messages: her share keeps her last 3.
    const sender = startCli(["send", "--server", url, "--name", "alice", "--room", "lobby", "--stdin"]);
    sender.end("1\n2\n3\n4\n5\n");
    expect((await sender.exit()).code).toBe(0);

    const listener = startCli(["listen", "--server", url, "--name", "bob", "--room", "lobby", "--timeout", "3", "--json"]);
    expect(await listener.exit()).toEqual({ code: 0, signal: null });
    expect(listener.stderr).toMatch(/^\[lobby\] 3 messages \(seq 1-3\) expired before you got them$/m);
    // Without alice's commit bob cannot follow the group: he rejoins it by himself and says what
    // that cost, rather than showing nothing.
    expect(listener.stderr).toMatch(/^\[lobby\] 3 messages \(seq 4-6\) could not be decrypted: sent while your encryption state was lost; you rejoined the group$/m);
    expect(listener.stderr).toMatch(/^\[lobby\] you rejoined the encrypted group$/m);
    expect(listener.stdout).toBe("");
  });
});
