// The key a name is held under: two names that a person could take for one another (Cyrillic
// "а" for Latin "a", "rn" for "m", "ALICE" for "alice") get one key, so only one key holds it.
import { createRequire } from "node:module";

/** Unicode's confusables.txt (UTS #39) as a map: each code point to its prototype. */
const PROTOTYPES = loadPrototypes();
/** Keys computed lately: the relay keys the same few names over and over (receipts, member lists). */
const cache = new Map<string, string>();
const CACHE_SIZE = 10_000;
/** Longer strings (a leaf's name in a GroupInfo can be) are keyed without the cache. */
const CACHED_LENGTH = 64;
const DEFAULT_IGNORABLE = /\p{Default_Ignorable_Code_Point}/gu;
// Latin capital I's prototype is "l"; case folding, which comes after, makes it "i" instead, so
// that "ALICE" keys as "alice". (A capital I written for an "l", as in "AIice", is the one
// look-alike this lets through: folding and the skeleton disagree on it, and names fold.)
const CAPITAL_I = "I";

/**
 * The key a name is held under: its UTS #39 confusable skeleton (NFD, each code point mapped to
 * its prototype in confusables.txt, NFD again) taken around case folding, after NFKC and without
 * default-ignorable code points. Look-alikes of a name, in any case, share its key. A key is for
 * comparing only: it is no name to show (it mixes scripts, "m" becomes "rn").
 *
 * @example
 * nameKey("аlice") === nameKey("ALICE") // true: Cyrillic "а", and case
 * nameKey("alice") // "alice"
 * nameKey("rnallory") // "mallory"
 */
export function nameKey(name: string): string {
  let key = cache.get(name);
  if (key === undefined) {
    const folded = skeleton(name.normalize("NFKC").replace(DEFAULT_IGNORABLE, ""), CAPITAL_I).toLowerCase();
    // Skeletons hold no "m" (it maps to "rn"), so writing "rn" back as "m" loses nothing, and
    // leaves the keys of names without confusable characters as they were (NFC as well).
    key = skeleton(folded).toLowerCase().normalize("NFC").replaceAll("rn", "m");
    if (name.length > CACHED_LENGTH) return key;
    if (cache.size >= CACHE_SIZE) cache.clear();
    cache.set(name, key);
  }
  return key;
}

/** UTS #39 `skeleton`, leaving the code point `keep` as it is. */
function skeleton(text: string, keep = ""): string {
  let mapped = "";
  for (const char of text.normalize("NFD")) mapped += char === keep ? char : (PROTOTYPES.get(char) ?? char);
  return mapped.normalize("NFD");
}

function loadPrototypes(): Map<string, string> {
  // The package's own data file (its function does the same mapping with one large regex).
  const data: unknown = createRequire(import.meta.url)("unhomoglyph/data.json");
  if (typeof data !== "object" || data === null) throw new Error("unhomoglyph/data.json is not an object");
  const prototypes = new Map<string, string>();
  for (const [char, prototype] of Object.entries(data)) {
    if (typeof prototype === "string") prototypes.set(char, prototype);
  }
  return prototypes;
}
