import { startTestServer, type TestServer } from "@pigeon/server/testing";
import { afterEach, beforeEach } from "vitest";
import { createClient, type ClientOptions, type PigeonClient } from "../index.js";

/** A quiet logger that keeps what it was told. */
export function recordingLogger(): { warnings: string[]; warn(message: string): void } {
  const warnings: string[] = [];
  return { warnings, warn: (message: string) => warnings.push(message) };
}

/**
 * A real server per test and a factory for clients connected to it; everything is closed
 * after each test.
 */
export function useServer(): {
  server: () => TestServer;
  client: (options?: Partial<ClientOptions>) => PigeonClient;
  user: (name: string, ...rooms: string[]) => Promise<PigeonClient>;
} {
  let server: TestServer | undefined;
  const clients: PigeonClient[] = [];
  beforeEach(async () => {
    server = await startTestServer();
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
    await server?.close();
  });
  const current = (): TestServer => {
    if (!server) throw new Error("no server: call inside a test");
    return server;
  };
  const client = (options: Partial<ClientOptions> = {}): PigeonClient => {
    const created = createClient({
      url: current().url,
      // Quick reconnects keep reconnect tests fast; nothing waits on these delays.
      socketOptions: { reconnectionDelay: 10, reconnectionDelayMax: 50 },
      logger: recordingLogger(),
      ...options,
    });
    clients.push(created);
    return created;
  };
  const user = async (name: string, ...rooms: string[]): Promise<PigeonClient> => {
    const created = client();
    await created.connect();
    await created.login(name);
    for (const room of rooms) await created.join(room);
    return created;
  };
  return { server: current, client, user };
}
