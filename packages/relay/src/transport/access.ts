import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { BlockList, isIPv4 } from "node:net";

/** Says whether a request may see what an operator guards (health details, metrics). */
export type Access = (request: IncomingMessage) => boolean;

/**
 * Admits requests that carry `Authorization: Bearer <token>`, or come from one of `allowFrom`
 * (addresses or address/prefix subnets, as the TCP peer sees them: behind a proxy that is the
 * proxy, and X-Forwarded-For is not trusted). With neither configured, admits nobody.
 *
 * @example
 * const operator = access(config.healthToken, config.healthAllowFrom);
 * if (operator(request)) showDetails();
 */
export function access(token: string | undefined, allowFrom: readonly string[] = []): Access {
  const expected = token === undefined ? undefined : digest(token);
  const allowed = allowFrom.length === 0 ? undefined : blockList(allowFrom);
  return (request) => {
    if (expected !== undefined) {
      const given = /^Bearer (\S+)$/.exec(request.headers.authorization ?? "")?.[1];
      // Digests of equal length compared in constant time: the answer's timing says nothing of the token.
      if (given !== undefined && timingSafeEqual(digest(given), expected)) return true;
    }
    return allowed !== undefined && peerIn(allowed, request.socket.remoteAddress);
  };
}

function digest(text: string): Buffer {
  return createHash("sha256").update(text).digest();
}

function blockList(entries: readonly string[]): BlockList {
  const list = new BlockList();
  for (const entry of entries) {
    const [address = "", prefix] = entry.split("/");
    const family = isIPv4(address) ? "ipv4" : "ipv6";
    if (prefix === undefined) list.addAddress(address, family);
    else list.addSubnet(address, Number(prefix), family);
  }
  return list;
}

function peerIn(list: BlockList, remote: string | undefined): boolean {
  if (remote === undefined) return false;
  // A dual-stack listener reports IPv4 peers as ::ffff:a.b.c.d.
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(remote)?.[1];
  const address = mapped ?? remote;
  return list.check(address, isIPv4(address) ? "ipv4" : "ipv6");
}
