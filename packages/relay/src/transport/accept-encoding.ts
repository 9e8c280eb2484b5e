/** A content coding the relay can serve a file in; "identity" is the file as it is. */
export type ContentCoding = "br" | "gzip" | "identity";

/** Most compact first: the order a tie between equal q-values is settled in. */
const PREFERENCE: readonly ContentCoding[] = ["br", "gzip", "identity"];

/** The q-value each listed coding was given (lower-cased; "x-gzip" read as "gzip"), and "*". */
function weights(header: string): Map<string, number> {
  const listed = new Map<string, number>();
  for (const part of header.split(",")) {
    const [token = "", ...parameters] = part.split(";").map((piece) => piece.trim());
    if (token === "") continue;
    let q = 1;
    for (const parameter of parameters) {
      const [name = "", value = ""] = parameter.split("=").map((piece) => piece.trim());
      if (name.toLowerCase() !== "q") continue;
      // A malformed q-value makes the entry meaningless: it is left out rather than guessed.
      q = /^(?:0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$/u.test(value) ? Number(value) : Number.NaN;
    }
    if (Number.isNaN(q)) continue;
    const coding = token.toLowerCase() === "x-gzip" ? "gzip" : token.toLowerCase();
    listed.set(coding, Math.max(q, listed.get(coding) ?? 0));
  }
  return listed;
}

/**
 * The coding to send a file in, given the request's Accept-Encoding (RFC 9110 §12.5.3) and the
 * compressed copies of the file that exist: the acceptable one with the highest q-value, the
 * more compact on a tie; identity, when the header does not name it (nor `*`), only when
 * nothing listed is available. `undefined` when the request refuses every coding there is, identity
 * included (`identity;q=0` or `*;q=0` without identity listed).
 *
 * @example
 * chooseCoding("gzip, br;q=0.5", ["br", "gzip"]); // "gzip"
 * chooseCoding(undefined, ["br"]);                 // "identity"
 */
export function chooseCoding(header: string | undefined, available: readonly Exclude<ContentCoding, "identity">[]): ContentCoding | undefined {
  // No header: any coding would do, but the safest is the file as it is.
  if (header === undefined) return "identity";
  const listed = weights(header);
  const star = listed.get("*");
  const weight = (coding: ContentCoding): number => {
    const q = listed.get(coding);
    if (q !== undefined) return q;
    if (star !== undefined) return star;
    // Identity is acceptable unless refused, as the last resort; other codings only when listed.
    return coding === "identity" ? Number.MIN_VALUE : 0;
  };
  let best: ContentCoding | undefined;
  let bestWeight = 0;
  for (const coding of PREFERENCE) {
    if (coding !== "identity" && !available.includes(coding)) continue;
    const q = weight(coding);
    if (q > bestWeight) {
      best = coding;
      bestWeight = q;
    }
  }
  return best;
}
