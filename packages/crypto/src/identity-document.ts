import { ed25519 } from "@noble/curves/ed25519.js";
import { Name, PublicKey } from "@pigeon/protocol";
import { z } from "zod";
import { decodeBase64Url, encodeBase64Url } from "./base64url.js";
import type { IdentityKey } from "./identity-key.js";

/**
 * An identity as kept on disk or in storage: the name it was made for and its key.
 *
 * @example
 * const identity: Identity = { name: "alice", key: createIdentityKey() };
 */
export interface Identity {
  readonly name: string;
  readonly key: IdentityKey;
}

/**
 * The stored form of an {@link Identity}: a small JSON document, keys in base64url.
 *
 * @example
 * IdentityDocument.parse({ version: 1, name: "alice", publicKey: "…43 chars", secretKey: "…43 chars" })
 */
export const IdentityDocument = z.strictObject({
  version: z.literal(1),
  name: Name,
  publicKey: PublicKey,
  secretKey: z.string().regex(/^[A-Za-z0-9_-]{43}$/u, "secretKey must be 32 bytes in base64url"),
});
/** The stored form of an identity. */
export type IdentityDocument = z.infer<typeof IdentityDocument>;

/**
 * Thrown when a stored identity cannot be read back: not JSON, a wrong shape, or a public key
 * that does not belong to the secret key.
 *
 * @example
 * try { decodeIdentity(text) } catch (error) { if (error instanceof InvalidIdentityError) … }
 */
export class InvalidIdentityError extends Error {
  override readonly name = "InvalidIdentityError";
}

/**
 * Serialises an identity as its JSON document (one line, no trailing newline).
 *
 * @example
 * localStorage.setItem("pigeon:alice", encodeIdentity({ name: "alice", key }));
 */
export function encodeIdentity({ name, key }: Identity): string {
  const document: IdentityDocument = {
    version: 1,
    name,
    publicKey: encodeBase64Url(key.publicKey),
    secretKey: encodeBase64Url(key.secretKey),
  };
  return JSON.stringify(document);
}

/**
 * Reads an identity back from its JSON document, checking its shape and that the public key
 * belongs to the secret key. Throws {@link InvalidIdentityError}.
 *
 * @example
 * const { name, key } = decodeIdentity(localStorage.getItem("pigeon:alice") ?? "");
 */
export function decodeIdentity(text: string): Identity {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new InvalidIdentityError("an identity document must be JSON");
  }
  const parsed = IdentityDocument.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InvalidIdentityError(`not an identity document: ${issue?.path.join(".") ?? ""} ${issue?.message ?? ""}`.trim());
  }
  const { name, publicKey, secretKey } = parsed.data;
  const key = { publicKey: decodeBase64UrlOrThrow(publicKey), secretKey: decodeBase64UrlOrThrow(secretKey) };
  if (encodeBase64Url(ed25519.getPublicKey(key.secretKey)) !== publicKey) {
    throw new InvalidIdentityError("the identity's public key does not belong to its secret key");
  }
  return { name, key };
}

function decodeBase64UrlOrThrow(text: string): Uint8Array {
  try {
    return decodeBase64Url(text);
  } catch (cause) {
    throw new InvalidIdentityError("an identity key is not canonical base64url", { cause });
  }
}
