import { createIdentityKey, type IdentityKey } from "@pigeon/crypto";
import type { TestServer } from "@pigeon/server/testing";
import { afterEach } from "vitest";
import { createClient, type ClientOptions, type DeliveredMessage, type PigeonClient } from "../index.js";
import { recordingLogger } from "./fixtures.js";

const WAIT_LIMIT_MS = 30_000;
const POLL_INTERVAL_MS = 20;

/**
 * SDK clients for a server, each closed after the test: `client()` is a fresh one, not yet
 * connected (a new process, as far as the server can tell); `resume` connects one and logs in
 * with a key; `user` does so with a new key and joins rooms.
 */
export function useKeyedClients(server: () => TestServer): {
  client: (options?: Partial<ClientOptions>) => PigeonClient;
  resume: (name: string, key: IdentityKey, client?: PigeonClient) => Promise<PigeonClient>;
  user: (name: string, ...rooms: string[]) => Promise<{ client: PigeonClient; key: IdentityKey }>;
} {
  const clients: PigeonClient[] = [];
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
  });
  const client = (options: Partial<ClientOptions> = {}): PigeonClient => {
    const created = createClient({
      url: server().url,
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
  const user = async (name: string, ...rooms: string[]): Promise<{ client: PigeonClient; key: IdentityKey }> => {
    const key = createIdentityKey();
    const created = await resume(name, key);
    for (const room of rooms) await created.join(room);
    return { client: created, key };
  };
  return { client, resume, user };
}

/** Every message a client hands to the app, per room, in the order handed. */
export function recordByRoom(client: PigeonClient, into = new Map<string, DeliveredMessage[]>()): Map<string, DeliveredMessage[]> {
  client.on("message", (message) => {
    const list = into.get(message.room) ?? [];
    list.push(message);
    into.set(message.room, list);
  });
  return into;
}

/** `[1, 2, …, n]`. */
export const seqsUpTo = (n: number): number[] => Array.from({ length: n }, (_, i) => i + 1);

/**
 * Resolves once `condition` holds, checking every few milliseconds; rejects after a bounded
 * wait with `describe()` in the message. For state with no event to wait on (the store).
 */
export async function waitUntil(
  condition: () => boolean | Promise<boolean>,
  describe: () => string | Promise<string>,
  limitMs = WAIT_LIMIT_MS,
): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`not within ${limitMs} ms: ${await describe()}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
  }
}

/**
 * Kills a logged-in user's connection the way a network failure does: the TCP socket is
 * destroyed under the websocket, with no close handshake at either level.
 */
export function severConnection(server: TestServer, name: string): void {
  const socket = [...server.relay.io.sockets.sockets.values()].find((s) => s.data.name === name);
  if (socket === undefined) throw new Error(`${name} is not connected`);
  const transport: unknown = socket.conn.transport;
  const ws = transport !== null && typeof transport === "object" && "socket" in transport ? transport.socket : undefined;
  if (ws === null || typeof ws !== "object" || !("terminate" in ws) || typeof ws.terminate !== "function") {
    throw new Error(`${name}'s transport is not a websocket`);
  }
  // ws's terminate() destroys the TCP socket at once, without a close frame.
  (ws.terminate as () => void).call(ws);
}
