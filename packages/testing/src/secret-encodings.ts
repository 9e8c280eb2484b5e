/**
 * A secret in every encoding a careless relay could keep it in: as is, hex (both cases), and
 * base64 and base64url at each of the three byte alignments (without the characters the
 * neighbouring bytes touch, so that the secret is found wherever it sits in a longer buffer).
 * The secrecy tests look for each of these in what the relay stored, logged and said.
 *
 * @example
 * const leaked = encodingsOf("the vault code is 7419").some((form) => redisMonitorOutput.includes(form));
 */
export function encodingsOf(secret: string): string[] {
  const bytes = Buffer.from(secret, "utf8");
  const forms = [secret, bytes.toString("hex"), bytes.toString("hex").toUpperCase()];
  for (let shift = 0; shift < 3; shift += 1) {
    const shifted = Buffer.concat([Buffer.alloc(shift), bytes]);
    // Skip the characters the padding bytes touch, and the last, partial group.
    const start = Math.ceil((shift * 4) / 3) + (shift === 0 ? 0 : 1);
    for (const encoding of ["base64", "base64url"] as const) {
      const text = shifted.toString(encoding).replace(/=+$/u, "");
      forms.push(text.slice(start, text.length - 4));
    }
  }
  return forms;
}
