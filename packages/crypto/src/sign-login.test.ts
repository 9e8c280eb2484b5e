import { ed25519 } from "@noble/curves/ed25519.js";
import { LoginPayload, loginProof, PublicKey, Signature } from "@pigeon/protocol";
import { describe, expect, it } from "vitest";
import { decodeBase64Url } from "./base64url.js";
import { createIdentityKey, identityKeyFromSecretKey, publicKeyText } from "./identity-key.js";
import { signLogin } from "./sign-login.js";

const hex = (text: string): Uint8Array => Uint8Array.from(text.match(/../gu) ?? [], (pair) => parseInt(pair, 16));
const ORIGIN = "https://chat.example.org";
const proof = (challenge: string, name: string, origin = ORIGIN): Uint8Array =>
  new TextEncoder().encode(loginProof({ origin, challenge, name }));

describe("identity keys", () => {
  it("creates distinct 32-byte key pairs whose public key the protocol accepts", () => {
    const one = createIdentityKey();
    const two = createIdentityKey();
    expect(one.publicKey).toHaveLength(32);
    expect(one.secretKey).toHaveLength(32);
    expect(publicKeyText(one)).not.toBe(publicKeyText(two));
    expect(PublicKey.safeParse(publicKeyText(one)).success).toBe(true);
  });

  it("derives the public key from the secret key as RFC 8032 test 1 says", () => {
    const key = identityKeyFromSecretKey(hex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"));
    expect(key.publicKey).toEqual(hex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"));
  });
});

describe("signLogin", () => {
  const key = createIdentityKey();

  it("produces a login payload the protocol's schema accepts as a keyed login", () => {
    const payload = signLogin(key, { origin: ORIGIN, challenge: "challenge-1", name: "alice" });
    expect(payload.name).toBe("alice");
    expect(payload.publicKey).toBe(publicKeyText(key));
    expect(payload.origin).toBe(ORIGIN);
    expect(Signature.safeParse(payload.signature).success).toBe(true);
    expect(LoginPayload.parse(payload)).toEqual(payload);
  });

  it("signs the protocol's login proof of the server's origin, the challenge and the name", () => {
    const { signature } = signLogin(key, { origin: ORIGIN, challenge: "challenge-1", name: "alice" });
    const bytes = decodeBase64Url(signature);
    expect(ed25519.verify(bytes, proof("challenge-1", "alice"), key.publicKey)).toBe(true);
    expect(ed25519.verify(bytes, proof("challenge-2", "alice"), key.publicKey)).toBe(false);
    expect(ed25519.verify(bytes, proof("challenge-1", "mallory"), key.publicKey)).toBe(false);
    expect(ed25519.verify(bytes, proof("challenge-1", "alice", "https://evil.example"), key.publicKey)).toBe(false);
    expect(ed25519.verify(bytes, proof("challenge-1", "alice"), createIdentityKey().publicKey)).toBe(false);
  });

  it("signs the UTF-8 of names beyond ASCII", () => {
    const { signature } = signLogin(key, { origin: ORIGIN, challenge: "c", name: "Zoë" });
    expect(ed25519.verify(decodeBase64Url(signature), proof("c", "Zoë"), key.publicKey)).toBe(true);
  });
});
