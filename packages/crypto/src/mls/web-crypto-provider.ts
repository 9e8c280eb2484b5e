import { ed25519 } from "@noble/curves/ed25519.js";
import { expand, extract } from "@noble/hashes/hkdf.js";
import { hmac } from "@noble/hashes/hmac.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { defaultCryptoProvider, type CryptoProvider } from "ts-mls";
import type { Hash } from "ts-mls/crypto/hash.js";
import type { Kdf } from "ts-mls/crypto/kdf.js";
import type { Signature } from "ts-mls/crypto/signature.js";
import { encodeBase64Url } from "../base64url.js";
import { CIPHER_SUITE_NAME } from "./cipher-suite.js";
import { GroupError, GroupErrorCode } from "./errors.js";

// A WebCrypto call is a job handed to another thread and back: about 40 µs in Node whatever it
// computes, twice that with the key import every HMAC needs. SHA-256 of a short input costs
// @noble/hashes 3 µs, an HMAC 10, so digests shorter than this run in JS.
const NATIVE_DIGEST_FROM_BYTES = 4096;
// Named through the global, not the DOM's names, so that Node-only builds of this source compile.
type SubtleCrypto = typeof globalThis.crypto.subtle;
type CryptoKey = Awaited<ReturnType<SubtleCrypto["importKey"]>>;
const SHA256_BYTES = 32;
// Verification keys are public; keeping their imported CryptoKeys saves an import per signature.
const MAX_CACHED_VERIFY_KEYS = 4096;
// PKCS#8 framing of a 32-byte Ed25519 seed (RFC 8410), which WebCrypto needs to sign with it.
const PKCS8_ED25519_PREFIX = Uint8Array.of(0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20);
// The encoding of Ed25519's base point: a valid public key to ask WebCrypto whether it has Ed25519.
const ED25519_BASE_POINT = Uint8Array.of(0x58, ...new Array<number>(31).fill(0x66));

const sha256Hash = (subtle: SubtleCrypto): Hash => ({
  async digest(data) {
    return data.length < NATIVE_DIGEST_FROM_BYTES ? sha256(data) : new Uint8Array(await subtle.digest("SHA-256", bufferSource(data)));
  },
  mac: (key, data) => Promise.resolve(hmac(sha256, key, data)),
  verifyMac: (key, mac, data) => Promise.resolve(constantTimeEqual(mac, hmac(sha256, key, data))),
});

const hkdfSha256: Kdf = {
  extract: (salt, ikm) => Promise.resolve(extract(sha256, ikm, salt)),
  expand: (prk, info, length) => Promise.resolve(expand(sha256, prk, info, length)),
  size: SHA256_BYTES,
};

/**
 * A ts-mls CryptoProvider for browsers (and any runtime with WebCrypto), the one
 * {@link loadCipherSuite} loads by default. It is ts-mls's default provider with the small,
 * frequent operations taken off WebCrypto's per-call job: HMAC, HKDF and short SHA-256 digests run
 * in @noble/hashes (SHA-256 is additions, rotations and XORs, with no secret-indexed tables), and
 * Ed25519 keys are imported once and kept. AES-GCM stays native (AES in JS would be slower and look
 * tables up by secret bytes); so does HPKE. Where WebCrypto has no Ed25519 (browsers before
 * 2025), signatures fall back to @noble/curves.
 *
 * @example
 * const suite = await loadCipherSuite(webCryptoProvider);
 */
export const webCryptoProvider: CryptoProvider = webCryptoProviderOn(() => (globalThis.crypto as { subtle?: SubtleCrypto } | undefined)?.subtle);

/**
 * {@link webCryptoProvider} on a given `SubtleCrypto`, read when a suite is loaded. Tests use it to
 * stand in a WebCrypto without Ed25519.
 *
 * @example
 * const provider = webCryptoProviderOn(() => globalThis.crypto.subtle);
 */
export function webCryptoProviderOn(getSubtle: () => SubtleCrypto | undefined): CryptoProvider {
  return {
    async getCiphersuiteImpl(suite) {
      // A page served over plain http from another machine has no crypto.subtle; HPKE and AES
      // need it, so say why here rather than fail later on an undefined.
      const subtle = getSubtle();
      if (subtle === undefined) {
        throw new GroupError(
          GroupErrorCode.NO_WEB_CRYPTO,
          "encrypted rooms need the browser's WebCrypto, which it gives only to secure pages: open Pigeon over https, or at http://localhost on the machine it runs on, or join a plain room",
        );
      }
      const fallback = await defaultCryptoProvider.getCiphersuiteImpl(suite);
      if (suite.name !== CIPHER_SUITE_NAME) return fallback;
      const signature = (await hasEd25519(subtle)) ? webCryptoEd25519(subtle) : nobleEd25519;
      return { ...fallback, hash: sha256Hash(subtle), kdf: hkdfSha256, signature };
    },
  };
}

function webCryptoEd25519(subtle: SubtleCrypto): Signature {
  const verifyKeys = new Map<string, Promise<CryptoKey>>();
  let lastSigningKey: { seed: Uint8Array; key: Promise<CryptoKey> } | undefined;

  const signingKey = (signKey: Uint8Array): Promise<CryptoKey> => {
    // ts-mls's own keygen hands out PKCS#8; Pigeon's identity keys are 32-byte seeds.
    if (signKey.length !== 32) return subtle.importKey("pkcs8", bufferSource(signKey), "Ed25519", false, ["sign"]);
    if (lastSigningKey !== undefined && constantTimeEqual(lastSigningKey.seed, signKey)) return lastSigningKey.key;
    const pkcs8 = new Uint8Array(PKCS8_ED25519_PREFIX.length + 32);
    pkcs8.set(PKCS8_ED25519_PREFIX);
    pkcs8.set(signKey, PKCS8_ED25519_PREFIX.length);
    const key = subtle.importKey("pkcs8", pkcs8, "Ed25519", false, ["sign"]);
    lastSigningKey = { seed: Uint8Array.from(signKey), key };
    key.catch(() => {
      if (lastSigningKey?.key === key) lastSigningKey = undefined;
    });
    return key;
  };

  const verifyKey = (publicKey: Uint8Array): Promise<CryptoKey> => {
    const id = encodeBase64Url(publicKey);
    let key = verifyKeys.get(id);
    if (key === undefined) {
      if (verifyKeys.size >= MAX_CACHED_VERIFY_KEYS) verifyKeys.clear();
      key = subtle.importKey("raw", bufferSource(publicKey), "Ed25519", false, ["verify"]);
      verifyKeys.set(id, key);
      // A key WebCrypto refuses is not kept: the next signature under it is refused afresh.
      key.catch(() => verifyKeys.delete(id));
    }
    return key;
  };

  return {
    async sign(signKey, message) {
      return new Uint8Array(await subtle.sign("Ed25519", await signingKey(signKey), bufferSource(message)));
    },
    async verify(publicKey, message, signature) {
      try {
        return await subtle.verify("Ed25519", await verifyKey(publicKey), bufferSource(signature), bufferSource(message));
      } catch {
        return false;
      }
    },
    keygen: () => nobleEd25519.keygen(),
  };
}

const nobleEd25519: Signature = {
  sign: (signKey, message) => Promise.resolve(ed25519.sign(message, signKey.length === 32 ? signKey : seedFromPkcs8(signKey))),
  verify(publicKey, message, signature) {
    try {
      return Promise.resolve(ed25519.verify(signature, message, publicKey));
    } catch {
      return Promise.resolve(false);
    }
  },
  keygen() {
    const { secretKey, publicKey } = ed25519.keygen();
    return Promise.resolve({ signKey: secretKey, publicKey });
  },
};

async function hasEd25519(subtle: SubtleCrypto): Promise<boolean> {
  try {
    await subtle.importKey("raw", ED25519_BASE_POINT, "Ed25519", false, ["verify"]);
    return true;
  } catch {
    return false;
  }
}

function seedFromPkcs8(pkcs8: Uint8Array): Uint8Array {
  const prefix = pkcs8.subarray(0, PKCS8_ED25519_PREFIX.length);
  if (pkcs8.length !== PKCS8_ED25519_PREFIX.length + 32 || !constantTimeEqual(prefix, PKCS8_ED25519_PREFIX)) {
    throw new TypeError("an Ed25519 signing key is a 32-byte seed or its PKCS#8 encoding");
  }
  return pkcs8.subarray(PKCS8_ED25519_PREFIX.length);
}

function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  a.forEach((byte, index) => (difference |= byte ^ (b[index] ?? 0)));
  return difference === 0;
}

// WebCrypto takes ArrayBuffer-backed views; TypeScript types a Uint8Array's buffer as either kind.
function bufferSource(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return bytes.buffer instanceof ArrayBuffer ? (bytes as Uint8Array<ArrayBuffer>) : Uint8Array.from(bytes);
}
