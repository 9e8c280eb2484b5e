import { createRequire } from "node:module";

/**
 * negotiator 1.x, the part used here. Loaded with `require` and typed by hand: @types/negotiator
 * (0.6) predates `preferred`, which settles ties between equal q-values in the server's order.
 */
interface Negotiator {
  /** The most preferred of `available`, by the request's Accept-Encoding. */
  encoding(available: readonly string[], options?: { readonly preferred?: readonly string[] }): string | undefined;
}
const Negotiator = createRequire(import.meta.url)("negotiator") as new (request: { readonly headers: Readonly<Record<string, string>> }) => Negotiator;

/** A content coding the relay can serve a file in; "identity" is the file as it is. */
export type ContentCoding = "br" | "gzip" | "identity";

/** Most compact first: the order a tie between equal q-values is settled in. */
const PREFERENCE: readonly ContentCoding[] = ["br", "gzip", "identity"];

/**
 * The coding to send a file in, given the request's Accept-Encoding (RFC 9110 §12.5.3) and the
 * compressed copies of the file that exist: the acceptable one with the highest q-value, the
 * more compact on a tie; identity when the header does not refuse it and nothing better is
 * available. `undefined` when the request refuses every coding there is, identity included
 * (`identity;q=0`, or `*;q=0` without identity listed). The header is read by `negotiator`, the
 * parser Express and Koa use.
 *
 * @example
 * chooseCoding("gzip, br;q=0.5", ["br", "gzip"]); // "gzip"
 * chooseCoding(undefined, ["br"]);                 // "identity"
 */
export function chooseCoding(header: string | undefined, available: readonly Exclude<ContentCoding, "identity">[]): ContentCoding | undefined {
  const offered = PREFERENCE.filter((coding) => coding === "identity" || available.includes(coding));
  const headers: Record<string, string> = header === undefined ? {} : { "accept-encoding": header };
  const chosen = new Negotiator({ headers }).encoding(offered, { preferred: PREFERENCE });
  return offered.find((coding) => coding === chosen);
}
