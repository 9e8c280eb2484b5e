import { chmod, mkdtemp, readFile, readdir, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { MemoryGroupStateStore, type GroupStateStore } from "../group-state-store.js";
import { createIdentityKey } from "../identity-key.js";
import { loadCipherSuite } from "../mls/cipher-suite.js";
import { MlsGroup } from "../mls/group.js";
import { FileGroupStateStore } from "./file-group-state-store.js";
import { nodeCryptoProvider } from "./node-crypto-provider.js";
import { temporaryPathOf, writePrivateFile } from "./private-file.js";

let directory: string;
beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), "pigeon-groups-"));
});
afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

const state = (byte: number) => new Uint8Array(300).fill(byte);

// One contract, every implementation.
describe.each([
  ["MemoryGroupStateStore", () => new MemoryGroupStateStore()],
  ["FileGroupStateStore", () => new FileGroupStateStore(join(directory, "groups"), "alice")],
] as const)("%s", (_name, makeStore: () => GroupStateStore) => {
  it("gives back what was saved, per room, and nothing for a room never saved", async () => {
    const store = makeStore();
    const kept = [{ seq: 5, id: "m5", user: "bob", sentAt: 1_700_000_000_000, text: "hi" }, { seq: 7, id: "m7", user: "alice", sentAt: 1_700_000_000_001, clientId: "c7", text: "note to self" }];
    await store.save({ room: "team", incarnation: "inc1", seq: 7, state: state(1), kept });
    await store.save({ room: "Team", incarnation: "inc2", seq: 9, state: state(2) });
    await expect(store.load("team")).resolves.toEqual({ room: "team", incarnation: "inc1", seq: 7, state: state(1), kept });
    await expect(store.load("Team")).resolves.toEqual({ room: "Team", incarnation: "inc2", seq: 9, state: state(2) });
    await expect(store.load("lobby")).resolves.toBeUndefined();
  });

  it("replaces a room's state on save and forgets it on delete", async () => {
    const store = makeStore();
    await store.save({ room: "team", incarnation: "inc1", seq: 7, state: state(1) });
    await store.save({ room: "team", incarnation: "inc1", seq: 8, state: state(3) });
    await expect(store.load("team")).resolves.toMatchObject({ seq: 8, state: state(3) });
    await store.delete("team");
    await expect(store.load("team")).resolves.toBeUndefined();
    await store.delete("team");
  });
});

describe("FileGroupStateStore", () => {
  it("writes one 0600 file per room in a 0700 directory, without the identity's secret key", async () => {
    const suite = await loadCipherSuite(nodeCryptoProvider);
    const identity = { name: "alice", key: createIdentityKey() };
    const { group } = await MlsGroup.create(new TextEncoder().encode("pigeon/x/team"), { suite, identity, checkCredential: () => true });
    const store = new FileGroupStateStore(join(directory, "groups"), "alice");
    await store.save({ room: "team", incarnation: "x", seq: 0, state: group.encode() });
    const files = await readdir(store.directory);
    expect(files).toHaveLength(1);
    expect((await stat(store.pathOf("team"))).mode & 0o777).toBe(0o600);
    expect((await stat(store.directory)).mode & 0o777).toBe(0o700);
    const text = await readFile(store.pathOf("team"), "utf8");
    const secret = Buffer.from(identity.key.secretKey);
    for (const encoding of ["base64", "base64url", "hex"] as const) expect(text).not.toContain(secret.toString(encoding).replace(/=+$/u, ""));
    const loaded = await store.load("team");
    const restored = await MlsGroup.restore(loaded!.state, { suite, identity, checkCredential: () => true });
    expect(restored.epoch).toBe(0n);
  });

  it("refuses a file others may read, and a file that holds another room", async () => {
    const store = new FileGroupStateStore(join(directory, "groups"), "alice");
    await store.save({ room: "team", incarnation: "x", seq: 0, state: state(1) });
    await chmod(store.pathOf("team"), 0o644);
    await expect(store.load("team")).rejects.toThrow(/open to others/);
    await chmod(store.pathOf("team"), 0o600);
    const other = await readFile(store.pathOf("team"), "utf8");
    await store.save({ room: "lobby", incarnation: "x", seq: 0, state: state(1) });
    await writePrivateFile(store.pathOf("lobby"), other);
    await expect(store.load("lobby")).rejects.toThrow(/not Pigeon group state/);
  });

  it("still loads a file an older SDK wrote with the seqs it was handing, and drops them", async () => {
    const store = new FileGroupStateStore(join(directory, "groups"), "alice");
    const old = { version: 1, room: "team", incarnation: "x", seq: 9, state: Buffer.from(state(4)).toString("base64url"), handing: [8, 9] };
    await writePrivateFile(store.pathOf("team"), `${JSON.stringify(old)}\n`);
    await expect(store.load("team")).resolves.toEqual({ room: "team", incarnation: "x", seq: 9, state: state(4) });
  });

  it("deletes what a process that died mid-save left, and nothing else", async () => {
    const store = new FileGroupStateStore(join(directory, "groups"), "alice");
    await expect(store.removeLeftovers()).resolves.toBe(0); // no directory yet
    await store.save({ room: "team", incarnation: "x", seq: 0, state: state(1) });
    // What a save cut off before its rename leaves: a temporary file of the state, never renamed.
    const leftover = temporaryPathOf(store.pathOf("lobby"));
    await writeFile(leftover, "epoch secrets", { mode: 0o600 });
    await writeFile(join(store.directory, "notes.tmp"), "not ours");
    await expect(store.removeLeftovers()).resolves.toBe(1);
    expect((await readdir(store.directory)).sort()).toEqual([basename(store.pathOf("team")), "notes.tmp"].sort());
    await expect(store.load("team")).resolves.toMatchObject({ seq: 0 });
  });

  it("refuses a profile that could leave its directory", () => {
    for (const profile of ["", "../x", "a/b", ".hidden"]) expect(() => new FileGroupStateStore(directory, profile)).toThrow(RangeError);
  });
});
