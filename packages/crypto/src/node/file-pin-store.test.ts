import { chmod, mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createIdentityKey } from "../identity-key.js";
import { checkPin, MemoryPinStore, type PinStore } from "../key-pins.js";
import { FilePinStore } from "./file-pin-store.js";

let directory: string;
beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), "pigeon-pins-"));
});
afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

// One contract, every implementation.
describe.each([
  ["MemoryPinStore", () => new MemoryPinStore()],
  ["FilePinStore", () => new FilePinStore(join(directory, "pins"), "alice")],
] as const)("checkPin with %s", (_name, makeStore: () => PinStore) => {
  it("pins a key on first sight, then says it matches", async () => {
    const store = makeStore();
    const key = createIdentityKey().publicKey;
    await expect(checkPin(store, "bob", key)).resolves.toEqual({ status: "first-seen" });
    await expect(checkPin(store, "bob", key)).resolves.toEqual({ status: "matches" });
  });

  it("reports a changed key with the old and the new one, and keeps the old pin", async () => {
    const store = makeStore();
    const [old, current] = [createIdentityKey().publicKey, createIdentityKey().publicKey];
    await checkPin(store, "bob", old);
    await expect(checkPin(store, "bob", current)).resolves.toEqual({ status: "changed", previous: old, current });
    await expect(store.load("bob")).resolves.toEqual(old);
    await expect(checkPin(store, "carol", current)).resolves.toEqual({ status: "first-seen" });
  });
});

describe("FilePinStore", () => {
  it("keeps pins across instances in a 0600 file, per profile", async () => {
    const key = createIdentityKey().publicKey;
    await new FilePinStore(directory, "alice").save("bob", key);
    await expect(new FilePinStore(directory, "alice").load("bob")).resolves.toEqual(key);
    await expect(new FilePinStore(directory, "carol").load("bob")).resolves.toBeUndefined();
    const path = join(directory, "alice.json");
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(path, "utf8"))).toMatchObject({ version: 1 });
  });

  it("refuses a pin file others may write or read", async () => {
    const store = new FilePinStore(directory, "alice");
    await store.save("bob", createIdentityKey().publicKey);
    await chmod(store.path, 0o644);
    await expect(store.load("bob")).rejects.toThrow(/open to others/);
  });

  it("refuses a profile that is not a plain file name", () => {
    expect(() => new FilePinStore(directory, "../evil")).toThrow(RangeError);
  });
});
