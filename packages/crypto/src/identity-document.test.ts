import { describe, expect, it } from "vitest";
import { encodeBase64Url } from "./base64url.js";
import { decodeIdentity, encodeIdentity, InvalidIdentityError } from "./identity-document.js";
import { createIdentityKey } from "./identity-key.js";

describe("identity documents", () => {
  const key = createIdentityKey();

  it("round-trips an identity through its JSON document", () => {
    const text = encodeIdentity({ name: "alice", key });
    expect(JSON.parse(text)).toEqual({
      version: 1,
      name: "alice",
      publicKey: encodeBase64Url(key.publicKey),
      secretKey: encodeBase64Url(key.secretKey),
    });
    expect(decodeIdentity(text)).toEqual({ name: "alice", key });
  });

  it("refuses what is not JSON, another version, unknown fields and invalid names", () => {
    const good = JSON.parse(encodeIdentity({ name: "alice", key })) as Record<string, unknown>;
    const bad = [
      "not json",
      JSON.stringify({ ...good, version: 2 }),
      JSON.stringify({ ...good, extra: true }),
      JSON.stringify({ ...good, name: "*alice" }),
      JSON.stringify({ ...good, secretKey: "short" }),
    ];
    for (const text of bad) expect(() => decodeIdentity(text), text).toThrow(InvalidIdentityError);
  });

  it("refuses a public key that does not belong to the secret key", () => {
    const good = JSON.parse(encodeIdentity({ name: "alice", key })) as Record<string, unknown>;
    const swapped = JSON.stringify({ ...good, publicKey: encodeBase64Url(createIdentityKey().publicKey) });
    expect(() => decodeIdentity(swapped)).toThrow(/does not belong/);
  });
});
