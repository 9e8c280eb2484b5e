import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  createPrivateKey,
  createPublicKey,
  randomBytes,
  sign,
  timingSafeEqual,
  verify,
  type KeyObject,
} from "node:crypto";
import { expand, extract } from "@noble/hashes/hkdf.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { defaultCryptoProvider, type CryptoProvider } from "ts-mls";
import type { Aead } from "ts-mls/crypto/aead.js";
import type { Hash } from "ts-mls/crypto/hash.js";
import type { Kdf } from "ts-mls/crypto/kdf.js";
import type { Signature } from "ts-mls/crypto/signature.js";
import { CIPHER_SUITE_NAME } from "../mls/cipher-suite.js";

// The fixed DER framing that turns a raw Ed25519 key into PKCS#8 (a 32-byte seed) or SPKI.
const PKCS8_ED25519_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");
const SPKI_ED25519_PREFIX = Buffer.from("302a300506032b6570032100", "hex");
const AES_GCM_TAG_BYTES = 16;
const SHA256_BYTES = 32;
// Verification keys are public; caching their KeyObjects saves a DER parse per signature.
const MAX_CACHED_VERIFY_KEYS = 4096;

const sha256Hash: Hash = {
  digest: (data) => Promise.resolve(new Uint8Array(createHash("sha256").update(data).digest())),
  mac: (key, data) => Promise.resolve(hmac(key, data)),
  verifyMac(key, mac, data) {
    const expected = hmac(key, data);
    return Promise.resolve(mac.length === expected.length && timingSafeEqual(mac, expected));
  },
};

// node:crypto has no HKDF-Expand on its own (hkdfSync always extracts first): @noble/hashes does
// both, except the one-block expand of every key, nonce and secret MLS derives for a message,
// which is one HMAC (T(1) = HMAC(PRK, info || 0x01), RFC 5869) and node:crypto's is native.
const COUNTER_ONE = Uint8Array.of(1);
const hkdfSha256: Kdf = {
  extract: (salt, ikm) => Promise.resolve(extract(sha256, ikm, salt)),
  expand(prk, info, length) {
    if (length > SHA256_BYTES) return Promise.resolve(expand(sha256, prk, info, length));
    const okm = createHmac("sha256", prk).update(info).update(COUNTER_ONE).digest();
    return Promise.resolve(new Uint8Array(okm.buffer, okm.byteOffset, length));
  },
  size: SHA256_BYTES,
};

const aes128Gcm: Pick<Aead, "encrypt" | "decrypt"> = {
  encrypt(key, nonce, aad, plaintext) {
    const cipher = createCipheriv("aes-128-gcm", key, nonce).setAAD(aad);
    return Promise.resolve(new Uint8Array(Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()])));
  },
  decrypt(key, nonce, aad, ciphertext) {
    try {
      const tagStart = ciphertext.length - AES_GCM_TAG_BYTES;
      if (tagStart < 0) throw new RangeError("ciphertext shorter than its tag");
      const decipher = createDecipheriv("aes-128-gcm", key, nonce).setAAD(aad).setAuthTag(ciphertext.subarray(tagStart));
      return Promise.resolve(new Uint8Array(Buffer.concat([decipher.update(ciphertext.subarray(0, tagStart)), decipher.final()])));
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error("decryption failed"));
    }
  },
};

const verifyKeys = new Map<string, KeyObject>();
let lastSigningKey: { seed: Uint8Array; key: KeyObject } | undefined;

const ed25519: Signature = {
  sign(signKey, message) {
    return Promise.resolve(new Uint8Array(sign(null, message, signingKey(signKey))));
  },
  verify(publicKey, message, signature) {
    try {
      return Promise.resolve(verify(null, message, verifyKey(publicKey), signature));
    } catch {
      return Promise.resolve(false);
    }
  },
  keygen() {
    const signKey = new Uint8Array(randomBytes(32));
    const spki = createPublicKey(signingKey(signKey)).export({ format: "der", type: "spki" });
    return Promise.resolve({ signKey, publicKey: new Uint8Array(spki.subarray(SPKI_ED25519_PREFIX.length)) });
  },
};

/**
 * A ts-mls CryptoProvider for Node: SHA-256, HMAC, AES-128-GCM and Ed25519 from `node:crypto`,
 * synchronously (no WebCrypto key import per call), HKDF from @noble/hashes; HPKE stays
 * ts-mls's default. Other cipher suites fall back to the default provider.
 *
 * @example
 * const suite = await loadCipherSuite(nodeCryptoProvider);
 */
export const nodeCryptoProvider: CryptoProvider = {
  async getCiphersuiteImpl(suite) {
    const fallback = await defaultCryptoProvider.getCiphersuiteImpl(suite);
    if (suite.name !== CIPHER_SUITE_NAME) return fallback;
    return {
      ...fallback,
      hash: sha256Hash,
      kdf: hkdfSha256,
      signature: ed25519,
      // Application messages, sender data and Welcome use these; HPKE itself stays with @hpke/core.
      hpke: {
        ...fallback.hpke,
        encryptAead: (key, nonce, aad, plaintext) => aes128Gcm.encrypt(key, nonce, aad ?? new Uint8Array(), plaintext),
        decryptAead: (key, nonce, aad, ciphertext) => aes128Gcm.decrypt(key, nonce, aad ?? new Uint8Array(), ciphertext),
      },
      rng: { randomBytes: (length) => new Uint8Array(randomBytes(length)) },
    };
  },
};

function hmac(key: Uint8Array, data: Uint8Array): Uint8Array {
  return new Uint8Array(createHmac("sha256", key).update(data).digest());
}

function signingKey(seed: Uint8Array): KeyObject {
  if (lastSigningKey !== undefined && timingSafeEqualBytes(lastSigningKey.seed, seed)) return lastSigningKey.key;
  const key = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]), format: "der", type: "pkcs8" });
  lastSigningKey = { seed: Uint8Array.from(seed), key };
  return key;
}

function verifyKey(publicKey: Uint8Array): KeyObject {
  const id = Buffer.from(publicKey).toString("base64");
  let key = verifyKeys.get(id);
  if (key === undefined) {
    if (verifyKeys.size >= MAX_CACHED_VERIFY_KEYS) verifyKeys.clear();
    key = createPublicKey({ key: Buffer.concat([SPKI_ED25519_PREFIX, publicKey]), format: "der", type: "spki" });
    verifyKeys.set(id, key);
  }
  return key;
}

function timingSafeEqualBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
