import { z } from "zod";

/**
 * An Ed25519 public key: 32 bytes, base64url without padding (43 characters).
 *
 * @example
 * PublicKey.parse("11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo")
 */
export const PublicKey = z.string().regex(/^[A-Za-z0-9_-]{43}$/, "publicKey must be 32 bytes in base64url");
/** An Ed25519 public key in base64url. */
export type PublicKey = z.infer<typeof PublicKey>;

/**
 * An Ed25519 signature: 64 bytes, base64url without padding (86 characters).
 *
 * @example
 * Signature.parse(base64url(ed25519.sign(message, secretKey)))
 */
export const Signature = z.string().regex(/^[A-Za-z0-9_-]{86}$/, "signature must be 64 bytes in base64url");
/** An Ed25519 signature in base64url. */
export type Signature = z.infer<typeof Signature>;

/**
 * The exact text a keyed client signs to log in: a fixed label, the connection's challenge
 * from `hello`, and the name. The challenge is fresh per connection, so a signature seen on one
 * connection is worthless on any other; the name is inside, so it cannot be moved to another.
 *
 * @example
 * const signature = ed25519.sign(new TextEncoder().encode(loginProof(hello.challenge, "alice")), secretKey);
 */
export function loginProof(challenge: string, name: string): string {
  return `pigeon-login-v1\n${challenge}\n${name}`;
}
