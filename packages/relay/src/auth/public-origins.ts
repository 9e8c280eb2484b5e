import type { AddressInfo } from "node:net";
import { hostname, networkInterfaces } from "node:os";
import { SELF_ORIGINS } from "../config.js";

/**
 * The origins this relay answers at, for checking the origin a keyed login signed. A login
 * proof names the server the user meant; a hostile server that passes this relay's challenge to
 * a user gets a proof that names the hostile server, which is not in this set, so it is refused.
 *
 * Configured (`publicOrigins`), the set is exactly that list: what a deployment behind a domain
 * or a proxy must give. Unset (or where the list says `self`), it is this machine's own names
 * and addresses (localhost, loopback, the host name, each interface address) on the port the
 * relay listens on, over http and https: enough for a laptop or a LAN, and never another
 * machine's origin.
 *
 * @example
 * const origins = new PublicOrigins(config.publicOrigins, () => httpServer.address());
 * if (!origins.has(login.origin)) refuse();
 */
export class PublicOrigins {
  readonly #configured: ReadonlySet<string>;
  readonly #self: boolean;
  readonly #address: () => AddressInfo | string | null;
  #derived: { port: number; origins: ReadonlySet<string> } | undefined;

  constructor(configured: readonly string[] | undefined, address: () => AddressInfo | string | null) {
    this.#configured = new Set((configured ?? []).filter((origin) => origin !== SELF_ORIGINS));
    this.#self = configured === undefined || configured.includes(SELF_ORIGINS);
    this.#address = address;
  }

  /** Whether `origin` (as `new URL(url).origin` gives it) is one this relay answers at. */
  has(origin: string): boolean {
    return this.#set().has(origin);
  }

  /** The set, for logs and refusals ("none" before the server listens, when derived). */
  describe(): string {
    const origins = [...this.#set()];
    return origins.length === 0 ? "none" : origins.join(", ");
  }

  #set(): ReadonlySet<string> {
    if (!this.#self) return this.#configured;
    const address = this.#address();
    if (address === null || typeof address === "string") return this.#configured;
    if (this.#derived?.port !== address.port) {
      this.#derived = { port: address.port, origins: new Set([...this.#configured, ...machineOrigins(address.port)]) };
    }
    return this.#derived.origins;
  }
}

function machineOrigins(port: number): ReadonlySet<string> {
  const hosts = new Set(["localhost", "127.0.0.1", "[::1]", hostname()]);
  for (const entries of Object.values(networkInterfaces())) {
    for (const { address, family, scopeid } of entries ?? []) {
      // A link-local IPv6 address needs its zone, which browsers do not put in an origin.
      if (family === "IPv6" && scopeid !== 0) continue;
      hosts.add(family === "IPv6" ? `[${address}]` : address);
    }
  }
  const origins = new Set<string>();
  for (const host of hosts) {
    for (const scheme of ["http", "https"]) {
      try {
        // URL drops a scheme's default port (http://host:80 is http://host), as clients' origins do.
        origins.add(new URL(`${scheme}://${host}:${port}`).origin);
      } catch {
        // A host name URL will not take (nothing a client could have dialed either).
      }
    }
  }
  return origins;
}
