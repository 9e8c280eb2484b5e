// negotiator 1.x, the part Pigeon uses: @types/negotiator (0.6) predates `preferred`, which
// settles ties between equal q-values in the server's order.
declare module "negotiator" {
  export default class Negotiator {
    constructor(request: { readonly headers: Readonly<Record<string, string | undefined>> });
    /** The most preferred of `available`, by the request's Accept-Encoding. */
    encoding(available: readonly string[], options?: { readonly preferred?: readonly string[] }): string | undefined;
  }
}
