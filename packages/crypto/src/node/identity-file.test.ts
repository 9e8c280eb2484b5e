import { chmod, mkdtemp, readdir, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { encodeIdentity, InvalidIdentityError } from "../identity-document.js";
import { createIdentityKey } from "../identity-key.js";
import { loadOrCreateIdentity } from "../key-store.js";
import { FileKeyStore } from "./file-key-store.js";
import { readIdentityFile, writeIdentityFile } from "./identity-file.js";

const modeOf = async (path: string): Promise<number> => (await stat(path)).mode & 0o777;

describe("identity files", () => {
  let dir = "";
  let umask = 0;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "pigeon-crypto-"));
    // The widest umask, so that the modes seen are the ones the code asks for.
    umask = process.umask(0);
  });
  afterEach(async () => {
    process.umask(umask);
    await rm(dir, { recursive: true, force: true });
  });

  it("writes a 0600 file in new 0700 directories and reads it back", async () => {
    const path = join(dir, "a", "b", "alice.json");
    const identity = { name: "alice", key: createIdentityKey() };
    await writeIdentityFile(path, identity);
    expect(await modeOf(path)).toBe(0o600);
    expect(await modeOf(join(dir, "a"))).toBe(0o700);
    expect(await modeOf(join(dir, "a", "b"))).toBe(0o700);
    await expect(readIdentityFile(path)).resolves.toEqual(identity);
    expect(await readdir(join(dir, "a", "b"))).toEqual(["alice.json"]);
  });

  it("replaces an existing file whole, leaving no temporary file behind", async () => {
    const path = join(dir, "alice.json");
    await writeIdentityFile(path, { name: "alice", key: createIdentityKey() });
    const second = { name: "alice", key: createIdentityKey() };
    await writeIdentityFile(path, second);
    await expect(readIdentityFile(path)).resolves.toEqual(second);
    expect(await readdir(dir)).toEqual(["alice.json"]);
  });

  it("reads a missing file as no identity", async () => {
    await expect(readIdentityFile(join(dir, "nobody.json"))).resolves.toBeUndefined();
  });

  it("refuses a file others may read, and one that is not an identity", async () => {
    const open = join(dir, "open.json");
    await writeFile(open, encodeIdentity({ name: "alice", key: createIdentityKey() }), { mode: 0o644 });
    await expect(readIdentityFile(open)).rejects.toThrow(/open to others \(mode 0644\)/);
    const junk = join(dir, "junk.json");
    await writeFile(junk, "{}", { mode: 0o600 });
    await expect(readIdentityFile(junk)).rejects.toBeInstanceOf(InvalidIdentityError);
    await chmod(open, 0o600);
    await expect(readIdentityFile(open)).resolves.toMatchObject({ name: "alice" });
  });
});

describe("FileKeyStore", () => {
  let dir = "";
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "pigeon-crypto-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("keeps one <profile>.json per profile and creates it on first use", async () => {
    const store = new FileKeyStore(join(dir, "identities"));
    const created = await loadOrCreateIdentity(store, "alice", "alice");
    expect(created.created).toBe(true);
    expect(await modeOf(store.pathOf("alice"))).toBe(0o600);
    const again = await loadOrCreateIdentity(store, "alice", "alice");
    expect(again).toEqual({ ...created, created: false });
    await expect(store.load("bob")).resolves.toBeUndefined();
  });

  it("refuses profiles that are not plain file names", () => {
    const store = new FileKeyStore(dir);
    for (const profile of ["", "../alice", "a/b", "a\\b", ".hidden", "x".repeat(201)]) {
      expect(() => store.pathOf(profile), profile).toThrow(RangeError);
    }
    expect(store.pathOf("Zoë O'Neil")).toBe(join(dir, "Zoë O'Neil.json"));
  });
});
