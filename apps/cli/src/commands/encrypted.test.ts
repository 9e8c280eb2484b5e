import { readdir, rm, stat, writeFile } from "node:fs/promises";
import { temporaryPathOf } from "@pigeon/crypto/node";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { startCli, type CliProcess } from "../../test/cli-process.js";
import type { TestServer } from "@pigeon/testing";
import { currentConfigDir, useServer } from "../../test/fixtures.js";
import { serverFolder } from "../server-files.js";

const jsonLines = (stdout: string): Record<string, unknown>[] =>
  stdout
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line) as Record<string, unknown>);

/** `pigeon` against the current test's server: started, or run to a successful exit. */
function cliAgainst(server: () => TestServer) {
  function start(args: string[]): CliProcess {
    return startCli([args[0] ?? "", "--server", server().url, ...args.slice(1)]);
  }

  async function run(args: string[], stdin?: string): Promise<CliProcess> {
    const cli = start(args);
    if (stdin !== undefined) cli.end(stdin);
    expect(await cli.exit(), `pigeon ${args.join(" ")}\n${cli.stderr}`).toEqual({ code: 0, signal: null });
    return cli;
  }

  return { start, run };
}

describe("encrypted rooms from the CLI", () => {
  const server = useServer();
  const { start, run } = cliAgainst(server);

  it("creates rooms encrypted by default: the server holds ciphertext, the listener reads text", async () => {
    await run(["listen", "--name", "bob", "--room", "vault", "--count", "0"]);
    await run(["send", "--name", "alice", "--room", "vault", "the eagle lands at noon"]);

    // While bob is away the server holds alice's message, and cannot read it.
    const { entries } = await server().relay.context.store.entriesAfter("vault", 0);
    const held = entries.map((entry) => entry.message).join("\n");
    expect(entries.length).toBeGreaterThan(0);
    expect(held).not.toContain("eagle");
    expect(Buffer.from(held, "base64").toString("latin1")).not.toContain("eagle");

    const listener = await run(["listen", "--name", "bob", "--room", "vault", "--count", "1", "--json"]);
    expect(jsonLines(listener.stdout)).toMatchObject([{ room: "vault", user: "alice", message: "the eagle lands at noon", encrypted: true }]);
    expect(listener.stderr).toContain("vault (end-to-end encrypted)");
  });

  it("keeps each name's group state in 0600 files, and continues in the group on the next run", async () => {
    await run(["listen", "--name", "bob", "--room", "vault", "--count", "0"]);
    const groups = join(currentConfigDir(), "groups", serverFolder(server().url), "bob");
    expect((await stat(groups)).mode & 0o777).toBe(0o700);
    await run(["send", "--name", "alice", "--room", "vault", "one"]);
    await run(["send", "--name", "alice", "--room", "vault", "two"]);
    const listener = await run(["listen", "--name", "bob", "--room", "vault", "--count", "2", "--json"]);
    expect(jsonLines(listener.stdout).map((m) => m.message)).toEqual(["one", "two"]);
    // bob came back from his state file: no rejoin, nothing he could not read.
    expect(listener.stderr).not.toMatch(/rejoined|could not be decrypted/u);
  });

  it("leaves nothing of a group on disk after a one-shot send by a name that was not a member", async () => {
    await run(["listen", "--name", "bob", "--room", "vault", "--count", "0"]);
    await run(["send", "--name", "alice", "--room", "vault", "one"]);
    await run(["send", "--name", "alice", "--room", "vault", "two"]);
    // alice joined, sent and left: her epoch secrets of the room must be gone, and no
    // half-written copy of them may be left behind by a process that exited mid-save.
    const groups = join(currentConfigDir(), "groups", serverFolder(server().url), "alice");
    expect(await readdir(groups)).toEqual([]);
    // bob, still a member, keeps his state in one complete file.
    const bobs = await readdir(join(currentConfigDir(), "groups", serverFolder(server().url), "bob"));
    expect(bobs).toEqual([expect.stringMatching(/^[0-9a-f]{32}\.json$/u)]);
  });

  it("deletes the half-written group state a killed pigeon left, before it starts", async () => {
    await run(["listen", "--name", "bob", "--room", "vault", "--count", "0"]);
    const groups = join(currentConfigDir(), "groups", serverFolder(server().url), "bob");
    const [state] = await readdir(groups);
    // A save cut off before its rename (kill -9, power loss) leaves its temporary file.
    await writeFile(temporaryPathOf(join(groups, state ?? "")), "epoch secrets", { mode: 0o600 });
    const listener = await run(["listen", "--name", "bob", "--room", "vault", "--count", "0"]);
    expect(listener.stderr).toContain("removed 1 half-written group state file that a stopped pigeon left behind");
    expect(await readdir(groups)).toEqual([state]);
  });

  it("joins a plain room with --plain, and refuses to use a plain room as an encrypted one", async () => {
    // carol stays a member, so the room (and its mode) lives on.
    const listener = await run(["listen", "--name", "carol", "--room", "open", "--plain", "--count", "0"]);
    expect(listener.stderr).toContain("open (plain: the server can read it)");
    await run(["send", "--name", "alice", "--room", "open", "--plain", "hello in the clear"]);
    const refused = start(["send", "--name", "alice", "--room", "open", "are we private?"]);
    expect((await refused.exit()).code).toBe(1);
    expect(refused.stderr).toContain("pigeon: ");
    expect(refused.stderr).toMatch(/not end-to-end encrypted/iu);
    const carol = await run(["listen", "--name", "carol", "--room", "open", "--plain", "--count", "1", "--json"]);
    expect(jsonLines(carol.stdout)).toMatchObject([{ user: "alice", message: "hello in the clear", encrypted: false }]);
  });

  it("refuses a guest in an encrypted room with E2E_REQUIRED, saying why", async () => {
    await run(["listen", "--name", "bob", "--room", "vault", "--count", "0"]);
    const guest = start(["listen", "--guest", "--name", "mallory", "--room", "vault", "--count", "1"]);
    expect((await guest.exit()).code).toBe(1);
    expect(guest.stderr).toMatch(/encrypted/iu);
  });

  it("shows the same safety number on both sides with /verify", async () => {
    const alice = start(["chat", "--name", "alice", "--room", "vault"]);
    await alice.waitForStderr(/connected as alice/u);
    const bob = start(["chat", "--name", "bob", "--room", "vault"]);
    await bob.waitForStderr(/connected as bob/u);
    await alice.waitForStderr(/bob joined the encrypted group/u);

    alice.write("/verify bob\n");
    bob.write("/verify alice\n");
    const digits = /Safety number of you and \w+:\n\n((?: {2}(?:\d{5} ){3}\d{5}\n){3})/u;
    const [, seenByAlice] = await alice.waitForStdout(digits);
    const [, seenByBob] = await bob.waitForStdout(digits);
    expect(seenByAlice?.replace(/\s/gu, "")).toMatch(/^\d{60}$/u);
    expect(seenByAlice).toBe(seenByBob);
    alice.end("/quit\n");
    bob.end("/quit\n");
    await Promise.all([alice.exit(), bob.exit()]);
  });

  it("allows one process per name, since two would share one member's message keys (exit 7)", async () => {
    const first = start(["chat", "--name", "alice", "--room", "vault"]);
    await first.waitForStderr(/connected as alice/u);
    const second = start(["send", "--name", "alice", "--room", "vault", "me again"]);
    expect((await second.exit()).code).toBe(7);
    expect(second.stderr).toMatch(/another pigeon process \(pid \d+\) is running as alice/u);
    first.end("/quit\n");
    await first.exit();
    // Once the first one is gone, the name is free again.
    await run(["send", "--name", "alice", "--room", "vault", "now alone"]);
  });
});

describe("encrypted rooms from the CLI, with names freed as soon as their owner has gone", () => {
  const server = useServer({ memberTtlMs: 1 });
  const { start, run } = cliAgainst(server);

  it("warns loudly when a pinned name shows up with another key", async () => {
    const alice = start(["chat", "--name", "alice", "--room", "vault"]);
    await alice.waitForStderr(/connected as alice/u);
    // bob joins (alice pins his key), says hi, and leaves again.
    await run(["send", "--name", "bob", "--room", "vault", "hi"]);
    await alice.waitForStdout(/bob: hi/u);
    // bob's key is lost; a new one is made under the same name once the server freed it (at
    // once here: a member TTL of 1 ms).
    await rm(join(currentConfigDir(), "identities", serverFolder(server().url), "bob.json"));
    await run(["send", "--name", "bob", "--room", "vault", "it is me, new key"]);
    await alice.waitForStderr(/!!! WARNING: bob's key has changed \(room vault\) !!!/u);
    expect(alice.stderr).toMatch(/someone is pretending to be bob/u);
    alice.end("/quit\n");
    await alice.exit();
  });
});
