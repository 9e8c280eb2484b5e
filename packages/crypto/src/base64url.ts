// base64url without padding (RFC 4648 §5), the encoding the protocol uses for keys and
// signatures. Built on btoa/atob, which Node (16+) and every browser provide.

const BASE64URL = /^[A-Za-z0-9_-]*$/u;

/**
 * Encodes bytes as base64url without padding.
 *
 * @example
 * encodeBase64Url(new Uint8Array([251, 255])) // "-_8"
 */
export function encodeBase64Url(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/u, "");
}

/**
 * Decodes base64url without padding. Throws a SyntaxError on anything else, including
 * padding, the `+ /` alphabet and non-canonical forms, so each byte string has one spelling.
 *
 * @example
 * decodeBase64Url("-_8") // Uint8Array [251, 255]
 */
export function decodeBase64Url(text: string): Uint8Array {
  if (!BASE64URL.test(text) || text.length % 4 === 1) throw new SyntaxError("not base64url without padding");
  const padded = text.replaceAll("-", "+").replaceAll("_", "/") + "=".repeat((4 - (text.length % 4)) % 4);
  const binary = atob(padded);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
  // atob ignores stray low bits in the last character; a second spelling of the same bytes is refused.
  if (encodeBase64Url(bytes) !== text) throw new SyntaxError("not canonical base64url");
  return bytes;
}
