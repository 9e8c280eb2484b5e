import { ed25519 } from "@noble/curves/ed25519.js";
import { loginProof } from "@pigeon/protocol";
import { encodeBase64Url } from "./base64url.js";
import { publicKeyText, type IdentityKey } from "./identity-key.js";

/**
 * The payload of a keyed `login`, ready to emit.
 *
 * @example
 * const payload: KeyedLogin = signLogin(key, hello.challenge, "alice");
 */
export interface KeyedLogin {
  readonly name: string;
  /** base64url, 43 characters. */
  readonly publicKey: string;
  /** base64url, 86 characters. */
  readonly signature: string;
}

const utf8 = new TextEncoder();

/**
 * Signs a keyed login: Ed25519 over the UTF-8 of the protocol's `loginProof(challenge, name)`.
 * `challenge` must come from the `hello` of the connection the login goes out on: every
 * connection gets a fresh one, so sign again after each reconnect.
 *
 * @example
 * socket.on("hello", (hello) => {
 *   socket.emit("login", signLogin(key, hello.challenge, "alice"), (result) => console.log(result));
 * });
 */
export function signLogin(key: IdentityKey, challenge: string, name: string): KeyedLogin {
  const signature = ed25519.sign(utf8.encode(loginProof(challenge, name)), key.secretKey);
  return { name, publicKey: publicKeyText(key), signature: encodeBase64Url(signature) };
}
