import { generateKeyPairSync, sign } from "node:crypto";
import { loginProof } from "@pigeon/protocol";

/** What a keyed login on one connection signs besides the name (see the protocol's `loginProof`). */
export interface LoginContext {
  readonly origin: string;
  readonly challenge: string;
}

/** An Ed25519 identity made with Node's crypto, signing keyed logins like the SDK does. */
export interface TestIdentity {
  readonly publicKey: string;
  /** The login payload for `name` on a connection: the relay's origin and the connection's challenge. */
  loginPayload(name: string, connection: LoginContext): { name: string; publicKey: string; origin: string; signature: string };
}

/** A fresh keyed identity. */
export function testIdentity(): TestIdentity {
  const { publicKey, privateKey } = generateKeyPairSync("ed25519");
  const raw = publicKey.export({ format: "jwk" }).x ?? "";
  return {
    publicKey: raw,
    loginPayload: (name, { origin, challenge }) => ({
      name,
      publicKey: raw,
      origin,
      signature: sign(null, Buffer.from(loginProof({ origin, challenge, name })), privateKey).toString("base64url"),
    }),
  };
}

