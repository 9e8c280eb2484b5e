import { ed25519 } from "@noble/curves/ed25519.js";
import { loginProof, type LoginProofInput } from "@pigeon/protocol";
import { encodeBase64Url } from "./base64url.js";
import { publicKeyText, type IdentityKey } from "./identity-key.js";

/**
 * The payload of a keyed `login`, ready to emit.
 *
 * @example
 * const payload: KeyedLogin = signLogin(key, { origin: "https://chat.example.org", challenge: hello.challenge, name: "alice" });
 */
export interface KeyedLogin {
  readonly name: string;
  /** base64url, 43 characters. */
  readonly publicKey: string;
  /** The server's origin the signature is for. */
  readonly origin: string;
  /** base64url, 86 characters. */
  readonly signature: string;
}

const utf8 = new TextEncoder();

/**
 * Signs a keyed login: Ed25519 over the UTF-8 of the protocol's `loginProof`. `origin` is the
 * server's origin as this client dialed it (never one a server names), and `challenge` must
 * come from the `hello` of the connection the login goes out on: every connection gets a fresh
 * one, so sign again after each reconnect.
 *
 * @example
 * socket.on("hello", (hello) => {
 *   const login = signLogin(key, { origin: new URL(url).origin, challenge: hello.challenge, name: "alice" });
 *   socket.emit("login", login, (result) => console.log(result));
 * });
 */
export function signLogin(key: IdentityKey, proof: LoginProofInput): KeyedLogin {
  const signature = ed25519.sign(utf8.encode(loginProof(proof)), key.secretKey);
  return { name: proof.name, publicKey: publicKeyText(key), origin: proof.origin, signature: encodeBase64Url(signature) };
}
