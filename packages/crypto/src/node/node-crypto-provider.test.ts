import { randomBytes } from "node:crypto";
import { defaultCryptoProvider } from "ts-mls";
import { describe, expect, it } from "vitest";
import { createIdentityKey } from "../identity-key.js";
import { loadCipherSuite } from "../mls/cipher-suite.js";
import { nodeCryptoProvider } from "./node-crypto-provider.js";

const fast = await loadCipherSuite(nodeCryptoProvider);
const reference = await loadCipherSuite(defaultCryptoProvider);
const bytes = (length: number) => new Uint8Array(randomBytes(length));

describe("nodeCryptoProvider", () => {
  it("computes the same SHA-256, HMAC and HKDF as the default (WebCrypto) provider", async () => {
    const [key, data, info] = [bytes(32), bytes(100), bytes(20)];
    expect(await fast.hash.digest(data)).toEqual(await reference.hash.digest(data));
    const mac = await fast.hash.mac(key, data);
    expect(mac).toEqual(await reference.hash.mac(key, data));
    expect(await fast.hash.verifyMac(key, mac, data)).toBe(true);
    expect(await fast.hash.verifyMac(key, mac.map((byte) => byte ^ 1), data)).toBe(false);
    const prk = await fast.kdf.extract(key, data);
    expect(prk).toEqual(await reference.kdf.extract(key, data));
    // One block (what MLS derives per message), a part of one, and more than one.
    for (const length of [12, 16, 32, 42, 64, 100]) expect(await fast.kdf.expand(prk, info, length)).toEqual(await reference.kdf.expand(prk, info, length));
  });

  it("seals AES-128-GCM the default provider opens, and refuses a tampered ciphertext", async () => {
    const [key, nonce, aad, plaintext] = [bytes(16), bytes(12), bytes(8), bytes(64)];
    const sealed = await fast.hpke.encryptAead(key, nonce, aad, plaintext);
    expect(sealed).toEqual(await reference.hpke.encryptAead(key, nonce, aad, plaintext));
    expect(await reference.hpke.decryptAead(key, nonce, aad, sealed)).toEqual(plaintext);
    await expect(fast.hpke.decryptAead(key, nonce, aad, sealed.map((byte, index) => (index === 0 ? byte ^ 1 : byte)))).rejects.toThrow();
  });

  it("signs with the identity key's 32-byte seed as the default provider does, and verifies", async () => {
    const { secretKey, publicKey } = createIdentityKey();
    const message = bytes(50);
    const signature = await fast.signature.sign(secretKey, message);
    expect(signature).toEqual(await reference.signature.sign(secretKey, message));
    expect(await fast.signature.verify(publicKey, message, signature)).toBe(true);
    expect(await fast.signature.verify(publicKey, bytes(50), signature)).toBe(false);
    expect(await fast.signature.verify(createIdentityKey().publicKey, message, signature)).toBe(false);
  });
});
