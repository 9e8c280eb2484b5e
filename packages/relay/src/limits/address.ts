import { isIP } from "node:net";

/**
 * The address a client is counted under: the TCP peer, or with `trustProxy` the first hop of
 * X-Forwarded-For (the client as the proxy saw it). A header that is absent or not an IP
 * address falls back to the peer, so a client cannot pick its own bucket without a proxy.
 * IPv4-mapped IPv6 addresses count as the IPv4 address they carry, and other IPv6 addresses by
 * their /64 network: one host is usually handed a whole /64, and could otherwise take a fresh
 * address, and a fresh allowance, for every request.
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
  if (address.startsWith("::ffff:") && isIP(address.slice(7)) === 4) return address.slice(7);
  return isIP(address) === 6 ? network64(address) : address;
}

/** The /64 network of an IPv6 address, as `a:b:c:d::/64` (lowercase, no leading zeros). */
function network64(address: string): string {
  const [head = "", tail] = address.toLowerCase().split("%")[0]?.split("::") ?? [];
  const groups = (part: string | undefined) => (part === undefined || part === "" ? [] : part.split(":"));
  const left = groups(head);
  const right = groups(tail);
  // An IPv4 tail (…:1.2.3.4) stands for two groups.
  const rightGroups = right.length + (right.at(-1)?.includes(".") === true ? 1 : 0);
  const zeros = tail === undefined ? [] : Array<string>(Math.max(0, 8 - left.length - rightGroups)).fill("0");
  const all = [...left, ...zeros, ...right];
  return `${all.slice(0, 4).map((group) => Number.parseInt(group, 16).toString(16)).join(":")}::/64`;
}

