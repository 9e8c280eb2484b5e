import { z } from "zod";
import { Url } from "./whatwg-url.js";

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
 * A server's origin as a client dialed it: scheme, host and port exactly as the WHATWG URL
 * standard serializes them (`new URL(url).origin`), http or https. A keyed login signs it, so
 * that a signature made for one server is worthless on any other.
 *
 * @example
 * ServerOrigin.parse(new URL("https://chat.example.org/").origin) // "https://chat.example.org"
 */
export const ServerOrigin = z
  .string()
  .max(512, "origin is at most 512 characters")
  .refine(isServerOrigin, "origin must be the server's origin as dialed: http(s)://host[:port], nothing after it");
/** A server's origin, as `new URL(url).origin` gives it. */
export type ServerOrigin = z.infer<typeof ServerOrigin>;

function isServerOrigin(value: string): boolean {
  try {
    const url = new Url(value);
    return (url.protocol === "http:" || url.protocol === "https:") && url.origin === value;
  } catch {
    return false;
  }
}

/** What a keyed login signs: the server it is meant for, that connection's challenge, the name. */
export interface LoginProofInput {
  /** The server's origin as the client dialed it ({@link ServerOrigin}). */
  readonly origin: string;
  /** The `challenge` of the `hello` on the connection the login goes out on. */
  readonly challenge: string;
  readonly name: string;
}

/**
 * The exact text a keyed client signs to log in: a fixed label, the server's origin as the
 * client dialed it, the connection's challenge from `hello`, and the name. The origin binds the
 * proof to one server: a hostile server that passes another server's challenge on gets a
 * signature that other server refuses, since it names the hostile one. The challenge is fresh
 * per connection, so a signature seen on one connection is worthless on any other; the name is
 * inside, so it cannot be moved to another.
 *
 * @example
 * const proof = loginProof({ origin: "https://chat.example.org", challenge: hello.challenge, name: "alice" });
 * const signature = ed25519.sign(new TextEncoder().encode(proof), secretKey);
 */
export function loginProof({ origin, challenge, name }: LoginProofInput): string {
  return `pigeon-login-v2\n${origin}\n${challenge}\n${name}`;
}
