import { createClient, type ClientOptions, type DeliveredMessage, type JoinOptions, type PigeonClient } from "@pigeon/client";
import { createIdentityKey, type IdentityKey } from "@pigeon/crypto";
import { nodeCryptoProvider } from "@pigeon/crypto/node";
import { afterEach } from "vitest";
import { recordByRoom } from "./keyed.js";
import type { TestServer } from "./test-server.js";

/** A quiet logger that keeps what it was told. */
export function recordingLogger(): { warnings: string[]; warn(message: string): void } {
  const warnings: string[] = [];
  return { warnings, warn: (message: string) => warnings.push(message) };
}

/** A keyed identity, its client, and every message that client handed over, per room. */
export interface KeyedUser {
  readonly name: string;
  readonly key: IdentityKey;
  readonly client: PigeonClient;
  readonly received: Map<string, DeliveredMessage[]>;
}

/** What a client of a pool may be given besides the SDK's options. */
export type PoolClientOptions = Partial<ClientOptions> & {
  /** Goes into the connection's query string, where a test's load balancer can find it. */
  readonly label?: string;
};

/** SDK clients of any relay, all closed by `closeAll()`. */
export interface ClientPool {
  /** A fresh client of `url`, not connected yet (a new process, as far as the relay can tell). */
  readonly client: (url: string, options?: PoolClientOptions) => PigeonClient;
  /** Connects `existing` (default: a fresh client) and logs in as `name` with `key`. */
  readonly resume: (url: string, name: string, key: IdentityKey, existing?: PigeonClient) => Promise<PigeonClient>;
  /** A connected guest logged in as `name` and joined to `rooms`. */
  readonly guest: (url: string, name: string, ...rooms: string[]) => Promise<PigeonClient>;
  /** A new identity logged in as `name`, joined to `rooms`, recording what it receives. */
  readonly keyed: (url: string, name: string, ...rooms: string[]) => Promise<KeyedUser>;
  readonly closeAll: () => Promise<void>;
}

/**
 * A pool of SDK clients with quick reconnects, a recording logger and the fast MLS provider;
 * `defaults` apply to every client it makes. Its keyed users join rooms in `join.mode`: plain
 * unless asked (the tests of delivery predate encrypted rooms and show that plain rooms work
 * as before); pass `{ mode: "encrypted" }` for encrypted rooms.
 *
 * @example
 * const pool = clientPool({ timeoutMs: 10_000 });
 * afterEach(() => pool.closeAll());
 * const alice = await pool.keyed(nodeA.url, "alice", "lobby");
 * const bob = await clientPool({}, { mode: "encrypted" }).keyed(url, "bob", "team");
 */
export function clientPool(defaults: Partial<ClientOptions> = {}, join: JoinOptions = { mode: "plain" }): ClientPool {
  const clients: PigeonClient[] = [];
  const client: ClientPool["client"] = (url, { label, ...options } = {}) => {
    const created = createClient({
      url,
      logger: recordingLogger(),
      ...defaults,
      ...options,
      mls: { cryptoProvider: nodeCryptoProvider, ...defaults.mls, ...options.mls },
      // Quick reconnects keep reconnect and failover tests fast; nothing waits on these delays.
      socketOptions: {
        reconnectionDelay: 10,
        reconnectionDelayMax: 50,
        ...(label === undefined ? {} : { query: { label } }),
        ...defaults.socketOptions,
        ...options.socketOptions,
      },
    });
    clients.push(created);
    return created;
  };
  const resume: ClientPool["resume"] = async (url, name, key, existing = client(url)) => {
    await existing.connect();
    await existing.login(name, { identity: key });
    return existing;
  };
  return {
    client,
    resume,
    async guest(url, name, ...rooms) {
      const created = client(url);
      await created.connect();
      await created.login(name);
      for (const room of rooms) await created.join(room);
      return created;
    },
    async keyed(url, name, ...rooms) {
      const key = createIdentityKey();
      const fresh = client(url);
      const received = recordByRoom(fresh);
      await resume(url, name, key, fresh);
      for (const room of rooms) await fresh.join(room, join);
      return { name, key, client: fresh, received };
    },
    async closeAll() {
      await Promise.allSettled(clients.splice(0).map((created) => created.close()));
    },
  };
}

/** SDK clients of one relay, each closed after the test that made it. */
export interface TestClients {
  /** A fresh client, not connected yet. */
  readonly client: (options?: PoolClientOptions) => PigeonClient;
  /** A connected guest logged in as `name` and joined to `rooms`. */
  readonly guest: (name: string, ...rooms: string[]) => Promise<PigeonClient>;
  /** A new identity logged in as `name`, joined to `rooms`. */
  readonly keyed: (name: string, ...rooms: string[]) => Promise<KeyedUser>;
  /** Connects `client` (default: a fresh one) and logs in as `name` with `key`. */
  readonly resume: (name: string, key: IdentityKey, client?: PigeonClient) => Promise<PigeonClient>;
}

/**
 * {@link clientPool} bound to the relay `server()` returns, closed after each test; keyed
 * users join in `join.mode` (plain unless asked).
 *
 * @example
 * const server = useRelayPerTest();
 * const { guest } = useClients(server);
 * const alice = await guest("alice", "lobby");
 */
export function useClients(server: () => TestServer, join: JoinOptions = { mode: "plain" }, defaults: Partial<ClientOptions> = {}): TestClients {
  const pool = clientPool(defaults, join);
  afterEach(() => pool.closeAll());
  return {
    client: (options) => pool.client(server().url, options),
    guest: (name, ...rooms) => pool.guest(server().url, name, ...rooms),
    keyed: (name, ...rooms) => pool.keyed(server().url, name, ...rooms),
    resume: (name, key, existing) => pool.resume(server().url, name, key, existing),
  };
}
