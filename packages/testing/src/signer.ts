import { generateKeyPairSync, sign } from "node:crypto";
import { loginProof } from "@pigeon/protocol";

/** An Ed25519 identity made with Node's crypto, signing keyed logins like the SDK does. */
export interface TestIdentity {
  readonly publicKey: string;
  /** The login payload for `name` on the connection greeted with `challenge`. */
  loginPayload(name: string, challenge: string): { name: string; publicKey: string; signature: string };
}

/** A fresh keyed identity. */
export function testIdentity(): TestIdentity {
  const { publicKey, privateKey } = generateKeyPairSync("ed25519");
  const raw = publicKey.export({ format: "jwk" }).x ?? "";
  return {
    publicKey: raw,
    loginPayload: (name, challenge) => ({
      name,
      publicKey: raw,
      signature: sign(null, Buffer.from(loginProof(challenge, name)), privateKey).toString("base64url"),
    }),
  };
}

