import { isIP } from "node:net";

/**
 * The address a client is counted under: the TCP peer, or with `trustProxy` the first hop of
 * X-Forwarded-For (the client as the proxy saw it). A header that is absent or not an IP
 * address falls back to the peer, so a client cannot pick its own bucket without a proxy.
 * IPv4-mapped IPv6 addresses count as the IPv4 address they carry.
 *
 * @example
 * const address = clientAddress(request.socket.remoteAddress, request.headers, config.trustProxy);
 */
export function clientAddress(peer: string | undefined, headers: Readonly<Record<string, string | string[] | undefined>>, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = headers["x-forwarded-for"];
    const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(",")[0]?.trim();
    if (first !== undefined && isIP(first) !== 0) return unmapped(first);
  }
  return unmapped(peer ?? "unknown");
}

function unmapped(address: string): string {
  return address.startsWith("::ffff:") && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
}

