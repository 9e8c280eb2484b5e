/** The parts of a WHATWG URL this package reads. */
export interface WhatwgUrl {
  protocol: string;
  readonly origin: string;
  readonly href: string;
}

/**
 * The URL class every runtime Pigeon runs on has (Node.js, browsers, Deno, Bun), typed here so
 * that this package needs neither the DOM's nor Node's type declarations.
 */
export const Url = (globalThis as unknown as { URL: new (url: string, base?: string) => WhatwgUrl }).URL;
