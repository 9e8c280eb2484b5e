import { createClient, type ClientOptions, type PigeonClient } from "@pigeon/client";
import { createIdentityKey, type IdentityKey } from "@pigeon/crypto";
import { afterEach } from "vitest";
import type { TestServer } from "./test-server.js";

/** A quiet logger that keeps what it was told. */
export function recordingLogger(): { warnings: string[]; warn(message: string): void } {
  const warnings: string[] = [];
  return { warnings, warn: (message: string) => warnings.push(message) };
}

/** SDK clients of one relay, each closed after the test that made it. */
export interface TestClients {
  /** A fresh client, not connected yet (a new process, as far as the relay can tell). */
  readonly client: (options?: Partial<ClientOptions>) => PigeonClient;
  /** A connected guest logged in as `name` and joined to `rooms`. */
  readonly guest: (name: string, ...rooms: string[]) => Promise<PigeonClient>;
  /** A connected client logged in as `name` with a new identity key, joined to `rooms`. */
  readonly keyed: (name: string, ...rooms: string[]) => Promise<{ client: PigeonClient; key: IdentityKey }>;
  /** Connects `client` (default: a fresh one) and logs in as `name` with `key`. */
  readonly resume: (name: string, key: IdentityKey, client?: PigeonClient) => Promise<PigeonClient>;
}

/**
 * SDK clients for the relay `server()` returns, with quick reconnects and a recording logger.
 *
 * @example
 * const server = useRelayPerTest();
 * const { guest } = useClients(server);
 * const alice = await guest("alice", "lobby");
 */
export function useClients(server: () => TestServer): TestClients {
  const clients: PigeonClient[] = [];
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
  });
  const client = (options: Partial<ClientOptions> = {}): PigeonClient => {
    const created = createClient({
      url: server().url,
      // Quick reconnects keep reconnect tests fast; nothing waits on these delays.
      socketOptions: { reconnectionDelay: 10, reconnectionDelayMax: 50 },
      logger: recordingLogger(),
      ...options,
    });
    clients.push(created);
    return created;
  };
  const resume = async (name: string, key: IdentityKey, existing = client()): Promise<PigeonClient> => {
    await existing.connect();
    await existing.login(name, { identity: key });
    return existing;
  };
  return {
    client,
    resume,
    async guest(name, ...rooms) {
      const created = client();
      await created.connect();
      await created.login(name);
      for (const room of rooms) await created.join(room);
      return created;
    },
    async keyed(name, ...rooms) {
      const key = createIdentityKey();
      const created = await resume(name, key);
      for (const room of rooms) await created.join(room);
      return { client: created, key };
    },
  };
}
