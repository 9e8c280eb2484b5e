import type { IdentityKey } from "@pigeon/crypto";
import type { PigeonClient } from "@pigeon/client";
import type { ConnectionOptions } from "./options.js";
import type { Terminal } from "./terminal.js";

/** Who to be and where, once connected. */
export interface SessionOptions extends ConnectionOptions {
  name: string;
  rooms: readonly string[];
  /** The key of a keyed login; a guest without one. */
  key: IdentityKey | undefined;
  /** False for send-only sessions: they neither show nor ack the identity's messages. */
  receive: boolean;
  /** Called with the client before it connects, so that no replayed message is missed. */
  listen?: (client: PigeonClient) => void;
}

/**
 * Connects, logs in and joins, reporting progress and connection changes on stderr. The caller
 * closes the returned client.
 */
export async function openSession(options: SessionOptions, terminal: Terminal): Promise<PigeonClient> {
  terminal.status(`connecting to ${options.server}…`);
  // Loaded after that line, so that it shows at once: the SDK and socket.io take a while to load.
  const { createClient } = await import("@pigeon/client");
  const client = createClient({
    url: options.server,
    timeoutMs: options.ackTimeout * 1000,
    connectTimeoutMs: options.connectTimeout * 1000,
    receive: options.receive,
    // The SDK is silent unless given a logger. Its warnings carry their own `pigeon:` prefix.
    logger: { warn: (message) => { terminal.status(message); } },
  });
  options.listen?.(client);
  try {
    await client.connect();
    await client.login(options.name, { identity: options.key });
    for (const room of options.rooms) await client.join(room);
  } catch (error) {
    await client.close();
    throw error;
  }
  const rooms = client.rooms.length > 0 ? ` in ${client.rooms.join(", ")}` : "";
  terminal.status(`connected as ${options.name}${options.key === undefined ? " (guest)" : ""}${rooms}`);
  client.on("state", (state) => {
    if (state === "reconnecting") terminal.status("connection lost; reconnecting…");
    else if (state === "connected") terminal.status(`reconnected${client.rooms.length > 0 ? `; rejoined ${client.rooms.join(", ")}` : ""}`);
  });
  client.on("error", ({ event, code, message }) => {
    terminal.error(`${event} failed: ${message} (${code})`);
  });
  return client;
}

/**
 * Resolves when the server has closed the session for good (socket.io will not reconnect),
 * so that long-running commands can stop instead of hanging.
 */
export function closedByServer(client: PigeonClient): Promise<void> {
  return new Promise((resolve) => {
    client.on("state", (state) => {
      if (state === "disconnected") resolve();
    });
  });
}
