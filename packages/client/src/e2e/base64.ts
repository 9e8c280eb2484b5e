// MLS bytes travel as standard base64 (the protocol's MlsBytes). btoa/atob exist in Node 16+
// and every browser; chunks keep String.fromCharCode's argument list short for large GroupInfos.
const CHUNK = 0x8000;

/**
 * Bytes as standard base64 with padding.
 *
 * @example
 * toBase64(new Uint8Array([1, 2, 3])) // "AQID"
 */
export function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (let index = 0; index < bytes.length; index += CHUNK) binary += String.fromCharCode(...bytes.subarray(index, index + CHUNK));
  return btoa(binary);
}

/**
 * Standard base64 back to bytes; throws on anything else.
 *
 * @example
 * fromBase64("AQID") // Uint8Array [1, 2, 3]
 */
export function fromBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let index = 0; index < binary.length; index += 1) bytes[index] = binary.charCodeAt(index);
  return bytes;
}
