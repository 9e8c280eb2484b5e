import { Url } from "./whatwg-url.js";

/**
 * The origin a keyed login signs: the server's, as this client dials `url`, resolved as
 * socket.io-client resolves it (a path against the page, no scheme as https, ws as http).
 * It comes from what the user gave, never from anything the server says, so a login proof made
 * here names the server the user meant and no other.
 *
 * @example
 * serverOrigin("http://localhost:3000/") // "http://localhost:3000"
 * serverOrigin("wss://chat.example.org") // "https://chat.example.org"
 */
export function serverOrigin(url: string): string {
  const page = (globalThis as { location?: { href: string; protocol: string } }).location;
  let absolute = url;
  if (url.startsWith("/")) absolute = new Url(url, page?.href ?? "https://invalid.invalid").href;
  else if (!/^(https?|wss?):\/\//i.test(url)) absolute = `${page?.protocol ?? "https:"}//${url}`;
  const parsed = new Url(absolute);
  if (parsed.protocol === "ws:") parsed.protocol = "http:";
  if (parsed.protocol === "wss:") parsed.protocol = "https:";
  return parsed.origin;
}
