import { randomBytes } from "node:crypto";
import { defaultCryptoProvider } from "ts-mls";
import { describe, expect, it } from "vitest";
import { createIdentityKey } from "../identity-key.js";
import { nodeCryptoProvider } from "../node/node-crypto-provider.js";
import { loadCipherSuite, type MlsCipherSuite } from "./cipher-suite.js";
import { GroupErrorCode } from "./errors.js";
import { MlsGroup, type GroupOptions } from "./group.js";
import { webCryptoProvider, webCryptoProviderOn } from "./web-crypto-provider.js";

const reference = await loadCipherSuite(defaultCryptoProvider);
const bytes = (length: number) => new Uint8Array(randomBytes(length));
const text = (value: string) => new TextEncoder().encode(value);

/** The machine's WebCrypto, with every call counted by method and algorithm; `ed25519: false` takes Ed25519 away. */
function countingSubtle({ ed25519 = true } = {}): { subtle: SubtleCrypto; calls: Map<string, number> } {
  const real = globalThis.crypto.subtle;
  const calls = new Map<string, number>();
  const subtle = new Proxy(real, {
    get(target, property: string) {
      const method = Reflect.get(target, property) as unknown;
      if (typeof method !== "function") return method;
      return (...args: unknown[]) => {
        const algorithm = args.map(algorithmName).find((name) => name !== undefined);
        const name = `${property} ${algorithm ?? "?"}`;
        calls.set(name, (calls.get(name) ?? 0) + 1);
        if (!ed25519 && algorithm === "Ed25519") return Promise.reject(new DOMException("Unrecognized name.", "NotSupportedError"));
        return (method as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { subtle, calls };
}

/** An algorithm as WebCrypto takes it: a name, or an object with one (formats such as "raw" are not). */
function algorithmName(arg: unknown): string | undefined {
  if (typeof arg === "string") return arg === "raw" || arg === "pkcs8" ? undefined : arg;
  if (typeof arg === "object" && arg !== null && "name" in arg && typeof arg.name === "string") return arg.name;
  return undefined;
}

async function expectSameAsReference(suite: MlsCipherSuite): Promise<void> {
  const [key, info] = [bytes(32), bytes(20)];
  for (const data of [bytes(0), bytes(100), bytes(4095), bytes(4096), bytes(70_000)]) {
    expect(await suite.hash.digest(data)).toEqual(await reference.hash.digest(data));
    expect(await suite.hash.mac(key, data)).toEqual(await reference.hash.mac(key, data));
  }
  const data = bytes(100);
  const mac = await suite.hash.mac(key, data);
  expect(await suite.hash.verifyMac(key, mac, data)).toBe(true);
  expect(await suite.hash.verifyMac(key, mac.map((byte, index) => (index === 31 ? byte ^ 1 : byte)), data)).toBe(false);
  expect(await suite.hash.verifyMac(key, mac.subarray(0, 16), data)).toBe(false);
  for (const salt of [key, new Uint8Array()]) {
    const prk = await suite.kdf.extract(salt, data);
    expect(prk).toEqual(await reference.kdf.extract(salt, data));
    // One block (what MLS derives per message), a part of one, and more than one.
    for (const length of [12, 16, 32, 42, 64, 100]) expect(await suite.kdf.expand(prk, info, length)).toEqual(await reference.kdf.expand(prk, info, length));
  }
}

async function expectSignaturesLikeReference(suite: MlsCipherSuite): Promise<void> {
  const alice = createIdentityKey();
  const bob = createIdentityKey();
  const message = bytes(50);
  // Ed25519 is deterministic: the same seed and message give the same signature everywhere.
  const fromAlice = await suite.signature.sign(alice.secretKey, message);
  expect(fromAlice).toEqual(await reference.signature.sign(alice.secretKey, message));
  // A second key in between must not be answered from the first one's cached key.
  const fromBob = await suite.signature.sign(bob.secretKey, message);
  expect(await suite.signature.sign(alice.secretKey, message)).toEqual(fromAlice);
  expect(await suite.signature.verify(alice.publicKey, message, fromAlice)).toBe(true);
  expect(await suite.signature.verify(bob.publicKey, message, fromBob)).toBe(true);
  expect(await suite.signature.verify(bob.publicKey, message, fromAlice)).toBe(false);
  expect(await suite.signature.verify(alice.publicKey, bytes(50), fromAlice)).toBe(false);
  expect(await suite.signature.verify(alice.publicKey, message, fromAlice.subarray(0, 63))).toBe(false);
  // A key WebCrypto cannot import is refused, every time, and spoils nothing for the others.
  expect(await suite.signature.verify(alice.publicKey.subarray(0, 31), message, fromAlice)).toBe(false);
  expect(await suite.signature.verify(alice.publicKey.subarray(0, 31), message, fromAlice)).toBe(false);
  expect(await suite.signature.verify(alice.publicKey, message, fromAlice)).toBe(true);
  // ts-mls's own keygen hands out PKCS#8 signing keys; those sign the same.
  const generated = await reference.signature.keygen();
  expect(await suite.signature.verify(generated.publicKey, message, await suite.signature.sign(generated.signKey, message))).toBe(true);
  const fresh = await suite.signature.keygen();
  expect(await reference.signature.verify(fresh.publicKey, message, await suite.signature.sign(fresh.signKey, message))).toBe(true);
}

/** Alice (on `suite`) and Bob (on the node provider) in one group: Bob says `count` things, Alice reads them. */
async function exchange(suite: MlsCipherSuite, count: number): Promise<string[]> {
  const nodeSuite = await loadCipherSuite(nodeCryptoProvider);
  const options = (name: string, on: MlsCipherSuite): GroupOptions => ({ suite: on, identity: { name, key: createIdentityKey() }, checkCredential: () => true });
  const { group: alice, groupInfo } = await MlsGroup.create(text("room#1"), options("alice", suite));
  const { group: bob, commit } = await MlsGroup.joinExternal(groupInfo, options("bob", nodeSuite));
  await alice.process(commit);
  const read: string[] = [];
  for (let index = 0; index < count; index += 1) {
    const result = await alice.process(await bob.encrypt(text(`hello ${index}`)));
    if (result.kind === "message") read.push(new TextDecoder().decode(result.plaintext));
  }
  const answer = await bob.process(await alice.encrypt(text("hi bob")));
  if (answer.kind === "message") read.push(`bob read: ${new TextDecoder().decode(answer.plaintext)}`);
  return read;
}

describe("webCryptoProvider", () => {
  it("is what loadCipherSuite gives without a provider", async () => {
    // This provider's HKDF is one shared object; ts-mls's default makes a new one per suite loaded.
    expect((await loadCipherSuite()).kdf).toBe((await loadCipherSuite(webCryptoProvider)).kdf);
    expect((await loadCipherSuite(defaultCryptoProvider)).kdf).not.toBe(reference.kdf);
  });

  it("refuses with a typed error where there is no WebCrypto (a page served over plain http from another machine)", async () => {
    await expect(loadCipherSuite(webCryptoProviderOn(() => undefined))).rejects.toMatchObject({
      name: "GroupError",
      code: GroupErrorCode.NO_WEB_CRYPTO,
      message: expect.stringMatching(/secure pages.*https/u) as unknown,
    });
  });

  it("computes the same SHA-256, HMAC and HKDF as ts-mls's default provider, on both sides of the native-digest size", async () => {
    await expectSameAsReference(await loadCipherSuite(webCryptoProvider));
  });

  it("signs with the identity key's 32-byte seed as the default provider does, and verifies", async () => {
    await expectSignaturesLikeReference(await loadCipherSuite(webCryptoProvider));
  });

  it("falls back to @noble/curves for signatures where WebCrypto has no Ed25519, with the same results", async () => {
    const { subtle, calls } = countingSubtle({ ed25519: false });
    const suite = await loadCipherSuite(webCryptoProviderOn(() => subtle));
    await expectSameAsReference(suite);
    await expectSignaturesLikeReference(suite);
    // Asked once whether Ed25519 is there, never after.
    expect(calls.get("importKey Ed25519")).toBe(1);
    expect(calls.get("sign Ed25519")).toBeUndefined();
    expect(calls.get("verify Ed25519")).toBeUndefined();
    expect(await exchange(suite, 3)).toEqual(["hello 0", "hello 1", "hello 2", "bob read: hi bob"]);
  });

  it("reads and writes a group's messages with members on the node provider, with no HMAC and one key import per signer on WebCrypto", async () => {
    const { subtle, calls } = countingSubtle();
    const suite = await loadCipherSuite(webCryptoProviderOn(() => subtle));
    const read = await exchange(suite, 20);
    expect(read).toEqual([...Array.from({ length: 20 }, (_, index) => `hello ${index}`), "bob read: hi bob"]);
    // Hashes, HMACs and HKDF never reach WebCrypto (AES-GCM and HPKE do, through ts-mls's own code).
    expect([...calls.keys()].sort()).toEqual(["importKey Ed25519", "sign Ed25519", "verify Ed25519"]);
    // Alice checks Bob's join and 20 messages under his key, and signs with hers: each key imported
    // once, plus the probe for Ed25519 when the suite loaded.
    expect(calls.get("importKey Ed25519")).toBe(3);
    expect(calls.get("verify Ed25519")).toBeGreaterThanOrEqual(21);
  });
});
