import { clientPool, type ClientPool } from "@pigeon/testing";

/**
 * SDK clients for nodes behind a load balancer: requests may cross nodes and Redis, so they
 * wait up to 10 s, and reconnects back off a little more than in single-relay tests. Rooms are
 * plain: these tests are about delivery across nodes (encrypted rooms across nodes are the
 * relay's mls-nodes test and the CLI's secrecy test).
 *
 * @example
 * const pool = nodeClientPool();
 * afterEach(() => pool.closeAll());
 */
export function nodeClientPool(): ClientPool {
  return clientPool({ timeoutMs: 10_000, socketOptions: { reconnectionDelayMax: 100 }, defaultRoomMode: "plain" });
}
