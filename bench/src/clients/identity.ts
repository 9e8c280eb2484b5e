import { generateKeyPairSync, sign, type KeyObject } from "node:crypto";
import type { Identity } from "@pigeon/crypto";
import { loginProof } from "@pigeon/protocol";

/** An Ed25519 identity for a keyed benchmark client. */
export interface BenchIdentity {
  /** 32 bytes, base64url without padding, as the protocol spells it. */
  readonly publicKey: string;
  readonly privateKey: KeyObject;
}

/** A keyed `login` payload. */
export interface KeyedLoginPayload {
  readonly name: string;
  readonly publicKey: string;
  readonly origin: string;
  readonly signature: string;
}

/**
 * A fresh Ed25519 identity from node:crypto (OpenSSL: tens of microseconds, so a thousand
 * keyed clients cost the harness nothing noticeable).
 *
 * @example
 * const identity = createIdentity();
 */
export function createIdentity(): BenchIdentity {
  const { publicKey, privateKey } = generateKeyPairSync("ed25519");
  const { x } = publicKey.export({ format: "jwk" });
  if (x === undefined) throw new Error("Ed25519 JWK without x");
  return { publicKey: x, privateKey };
}

/**
 * Signs a keyed login exactly as the SDK does: Ed25519 over the UTF-8 of the protocol's
 * `loginProof` of the relay's origin as dialed, the connection's challenge and the name,
 * base64url without padding.
 *
 * @example
 * socket.emit("login", keyedLogin(identity, { origin: "http://127.0.0.1:3000", challenge: hello.challenge }, "alice"));
 */
export function keyedLogin(identity: BenchIdentity, { origin, challenge }: { origin: string; challenge: string }, name: string): KeyedLoginPayload {
  const signature = sign(null, Buffer.from(loginProof({ origin, challenge, name })), identity.privateKey);
  return { name, publicKey: identity.publicKey, origin, signature: signature.toString("base64url") };
}

/**
 * The same identity as `@pigeon/crypto` holds it (32-byte Ed25519 seed and public key), so a
 * bench client can log in with it and also be an MLS member whose leaf key is its login key.
 *
 * @example
 * const { group } = await MlsGroup.create(groupId, { suite, identity: mlsIdentity(identity, "alice"), checkCredential });
 */
export function mlsIdentity(identity: BenchIdentity, name: string): Identity {
  const { d } = identity.privateKey.export({ format: "jwk" });
  if (d === undefined) throw new Error("Ed25519 JWK without d");
  return { name, key: { publicKey: Buffer.from(identity.publicKey, "base64url"), secretKey: Buffer.from(d, "base64url") } };
}
