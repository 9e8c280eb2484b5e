import { sha512 } from "@noble/hashes/sha2.js";

/**
 * One side of a conversation, as a safety number sees it.
 *
 * @example
 * const alice: SafetyNumberParty = { name: "alice", publicKey: key.publicKey };
 */
export interface SafetyNumberParty {
  readonly name: string;
  /** The 32-byte Ed25519 identity key. */
  readonly publicKey: Uint8Array;
}

// Signal's numeric fingerprint: iterated SHA-512 over version, key and identifier makes a
// second key with the same digits expensive to find; 30 bytes give 6 groups of 5 digits.
const FINGERPRINT_VERSION = new Uint8Array([0, 0]);
const HASH_ITERATIONS = 5200;
const CHUNKS = 6;
const CHUNK_BYTES = 5;
const CHUNK_MODULUS = 100_000;

/**
 * The 60-digit number two people compare out of band (read aloud, side by side) to know that
 * each holds the other's real key: 30 digits from each identity key and name, the lower half
 * first, so both sides compute the same number.
 *
 * @example
 * safetyNumber({ name: "alice", publicKey: aliceKey }, { name: "bob", publicKey: bobKey }) // "09173…" (60 digits)
 */
export function safetyNumber(a: SafetyNumberParty, b: SafetyNumberParty): string {
  return [fingerprint(a), fingerprint(b)].sort().join("");
}

/**
 * A safety number in groups of five digits, four groups a line, as people read it.
 *
 * @example
 * formatSafetyNumber(safetyNumber(alice, bob)) // "09173 55210 83321 00045\n…"
 */
export function formatSafetyNumber(digits: string): string {
  const groups = digits.match(/\d{1,5}/g) ?? [];
  const lines: string[] = [];
  for (let index = 0; index < groups.length; index += 4) lines.push(groups.slice(index, index + 4).join(" "));
  return lines.join("\n");
}

function fingerprint({ name, publicKey }: SafetyNumberParty): string {
  const identifier = new TextEncoder().encode(name);
  let hash = sha512(concat(FINGERPRINT_VERSION, publicKey, identifier));
  for (let round = 1; round < HASH_ITERATIONS; round += 1) hash = sha512(concat(hash, publicKey));
  let digits = "";
  for (let chunk = 0; chunk < CHUNKS; chunk += 1) {
    let value = 0;
    for (const byte of hash.subarray(chunk * CHUNK_BYTES, (chunk + 1) * CHUNK_BYTES)) value = value * 256 + byte;
    digits += String(value % CHUNK_MODULUS).padStart(5, "0");
  }
  return digits;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const joined = new Uint8Array(parts.reduce((length, part) => length + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    joined.set(part, offset);
    offset += part.length;
  }
  return joined;
}
