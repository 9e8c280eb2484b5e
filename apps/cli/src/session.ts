import type { IdentityKey } from "@pigeon/crypto";
import type { ClientOptions, PigeonClient } from "@pigeon/client";
import type { RoomMode } from "@pigeon/protocol";
import { join } from "node:path";
import { formatGroupChange, formatKeyChanged, formatUndecryptable, modeLabel } from "./format.js";
import type { ConnectionOptions, RoomModeOptions } from "./options.js";
import { lockProfile } from "./profile-lock.js";
import { serverFiles, type ServerFiles } from "./server-files.js";
import type { Terminal } from "./terminal.js";

/** Who to be and where, once connected. */
export interface SessionOptions extends ConnectionOptions {
  name: string;
  rooms: readonly string[];
  /** The key of a keyed login; a guest without one. */
  key: IdentityKey | undefined;
  /** The mode to join `rooms` with (and to create them with, if new). */
  mode: RoomMode;
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
  // A keyed name's encrypted rooms: one process at a time (the lock is held until this process
  // exits), group state and pinned keys in 0600 files, so that the next run continues in the
  // same groups.
  const files = serverFiles(options.server);
  if (options.key !== undefined) await lockProfile(join(files.groups, `${profileOf(options.name)}.lock`), options.name);
  const client = createClient({
    url: options.server,
    timeoutMs: options.ackTimeout * 1000,
    connectTimeoutMs: options.connectTimeout * 1000,
    receive: options.receive,
    // The SDK is silent unless given a logger. Its warnings carry their own `pigeon:` prefix,
    // and a code as their details where one says why (ENOSPC: the disk is full).
    logger: { warn: (message, details) => { terminal.status(`${message}${codeSuffix(details)}`); } },
    ...(options.key === undefined ? {} : { mls: await mlsOptions(options.name, files, terminal) }),
  });
  showEncryption(client, terminal);
  options.listen?.(client);
  try {
    await client.connect();
    await client.login(options.name, { identity: options.key });
    for (const room of options.rooms) await client.join(room, { mode: options.mode });
  } catch (error) {
    await client.close();
    throw error;
  }
  const rooms = client.rooms.length > 0 ? ` in ${client.rooms.map((room) => `${room} (${modeLabel(client.modeOf(room))})`).join(", ")}` : "";
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
 * The mode rooms are joined with: encrypted unless `--plain`; plain for guests, who cannot do
 * MLS (an encrypted room then refuses them with E2E_REQUIRED, which says why).
 *
 * @example
 * roomMode({ plain: true }, key) // "plain"
 */
export function roomMode(options: RoomModeOptions, key: IdentityKey | undefined): RoomMode {
  return options.plain === true || key === undefined ? "plain" : "encrypted";
}

/** The file name a profile's state goes under: the name as the server compares it. */
function profileOf(name: string): string {
  return name.normalize("NFKC").toLowerCase();
}

// Called with the profile's lock held, so that no other process of this name is mid-save.
async function mlsOptions(name: string, files: ServerFiles, terminal: Terminal): Promise<NonNullable<ClientOptions["mls"]>> {
  const { FileGroupStateStore, FilePinStore, nodeCryptoProvider } = await import("@pigeon/crypto/node");
  const profile = profileOf(name);
  const stateStore = new FileGroupStateStore(files.groups, profile);
  const removed = await stateStore.removeLeftovers();
  if (removed > 0) terminal.status(`removed ${removed} half-written group state file${removed === 1 ? "" : "s"} that a stopped pigeon left behind`);
  return {
    cryptoProvider: nodeCryptoProvider,
    stateStore,
    pinStore: new FilePinStore(files.pins, profile),
  };
}

// What every command shows of encrypted rooms: key changes (loud, on stderr, never missed),
// who joined or left a group, and what could not be read.
function showEncryption(client: PigeonClient, terminal: Terminal): void {
  client.on("keyChanged", (notice) => {
    for (const line of formatKeyChanged(notice)) terminal.error(line);
  });
  client.on("group", (change) => {
    for (const line of formatGroupChange(change, client.name)) terminal.status(line);
  });
  client.on("undecryptable", (notice) => {
    terminal.status(formatUndecryptable(notice));
  });
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

/** " (ENOSPC)" for details that are a code; nothing for anything else (an error may carry text). */
function codeSuffix(details: unknown): string {
  return typeof details === "string" && /^[A-Za-z][A-Za-z0-9_]{0,40}$/.test(details) ? ` (${details})` : "";
}
