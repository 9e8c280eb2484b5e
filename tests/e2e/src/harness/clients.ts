import { createClient, type ClientOptions, type DeliveredMessage, type PigeonClient } from "@pigeon/client";
import { createIdentityKey, type IdentityKey } from "@pigeon/crypto";
import { recordByRoom } from "@pigeon/testing";

/** A keyed identity, its current client and every message that client handed over, per room. */
export interface KeyedUser {
  readonly name: string;
  readonly key: IdentityKey;
  readonly client: PigeonClient;
  readonly received: Map<string, DeliveredMessage[]>;
}

/** SDK clients made for one test, all closed by `closeAll()`. */
export interface ClientPool {
  /**
   * A fresh client of `url`, not connected yet. `label` goes into the connection's query
   * string, where the load balancer can find it (see `LoadBalancer.sever`).
   */
  client(url: string, options?: { label?: string } & Partial<ClientOptions>): PigeonClient;
  /** Connects `existing` (default: a fresh client) and logs in with `key`. */
  resume(url: string, name: string, key: IdentityKey, existing?: PigeonClient): Promise<PigeonClient>;
  /** A new identity (fresh key) logged in on `url`, recording what it gets, in `rooms`. */
  user(url: string, name: string, ...rooms: string[]): Promise<KeyedUser>;
  closeAll(): Promise<void>;
}

/** SDK clients say nothing unless a test asks; a warning is kept for failure messages. */
const quiet = { warn: () => undefined };

/**
 * A pool of SDK clients with quick reconnects.
 *
 * @example
 * const pool = clientPool();
 * afterEach(() => pool.closeAll());
 * const alice = await pool.user(nodeA.url, "alice", "lobby");
 */
export function clientPool(): ClientPool {
  const clients: PigeonClient[] = [];
  const client: ClientPool["client"] = (url, { label, socketOptions, ...options } = {}) => {
    const created = createClient({
      url,
      logger: quiet,
      timeoutMs: 10_000,
      ...options,
      // Quick reconnects keep failover fast; nothing waits on these delays.
      socketOptions: { reconnectionDelay: 10, reconnectionDelayMax: 100, ...(label === undefined ? {} : { query: { label } }), ...socketOptions },
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
    async user(url, name, ...rooms) {
      const key = createIdentityKey();
      const fresh = client(url);
      const received = recordByRoom(fresh);
      await resume(url, name, key, fresh);
      for (const room of rooms) await fresh.join(room);
      return { name, key, client: fresh, received };
    },
    async closeAll() {
      await Promise.allSettled(clients.splice(0).map((created) => created.close()));
    },
  };
}
