import { ed25519 } from "@noble/curves/ed25519.js";
import { encodeBase64Url } from "./base64url.js";

/**
 * An Ed25519 key pair: the identity of a keyed Pigeon user. The public key is the identity;
 * the secret key never leaves the device.
 *
 * @example
 * const key: IdentityKey = createIdentityKey();
 */
export interface IdentityKey {
  /** 32 bytes. */
  readonly publicKey: Uint8Array;
  /** 32 bytes (the RFC 8032 seed). Keep it secret. */
  readonly secretKey: Uint8Array;
}

/**
 * Creates a fresh random identity key (from the platform's secure random source).
 *
 * @example
 * const key = createIdentityKey();
 * console.log(publicKeyText(key)); // 43 base64url characters
 */
export function createIdentityKey(): IdentityKey {
  const { secretKey, publicKey } = ed25519.keygen();
  return { secretKey, publicKey };
}

/**
 * Rebuilds an identity key from its 32-byte secret key.
 *
 * @example
 * const same = identityKeyFromSecretKey(key.secretKey);
 */
export function identityKeyFromSecretKey(secretKey: Uint8Array): IdentityKey {
  return { secretKey: Uint8Array.from(secretKey), publicKey: ed25519.getPublicKey(secretKey) };
}

/**
 * The public key as the protocol spells it: base64url, 43 characters.
 *
 * @example
 * socket.emit("login", { name, publicKey: publicKeyText(key), signature }, onAck);
 */
export function publicKeyText(key: IdentityKey): string {
  return encodeBase64Url(key.publicKey);
}
