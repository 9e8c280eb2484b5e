import { describe, expect, it } from "vitest";
import { decodeBase64Url, encodeBase64Url } from "./base64url.js";

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

describe("base64url", () => {
  it("encodes the RFC 4648 test vectors without padding", () => {
    const vectors: [string, string][] = [["", ""], ["f", "Zg"], ["fo", "Zm8"], ["foo", "Zm9v"], ["foob", "Zm9vYg"], ["fooba", "Zm9vYmE"], ["foobar", "Zm9vYmFy"]];
    for (const [plain, encoded] of vectors) {
      expect(encodeBase64Url(bytes(plain))).toBe(encoded);
      expect(decodeBase64Url(encoded)).toEqual(bytes(plain));
    }
  });

  it("uses - and _ where base64 has + and /", () => {
    expect(encodeBase64Url(new Uint8Array([251, 255]))).toBe("-_8");
    expect(decodeBase64Url("-_8")).toEqual(new Uint8Array([251, 255]));
  });

  it("round-trips every byte value at every length up to 70", () => {
    for (let length = 0; length <= 70; length += 1) {
      const input = Uint8Array.from({ length }, (_, i) => (i * 37 + length) % 256);
      expect(decodeBase64Url(encodeBase64Url(input))).toEqual(input);
    }
  });

  it("refuses padding, the + / alphabet, impossible lengths and non-canonical spellings", () => {
    for (const bad of ["Zg==", "+_8", "-/8", "Z", "Zm9vY", "Zm 9v", "-_9"]) {
      expect(() => decodeBase64Url(bad), bad).toThrow(SyntaxError);
    }
  });
});
