import { setTimeout as sleep } from "node:timers/promises";
import { createIdentity, type BenchIdentity } from "../clients/identity.js";
import { openMany } from "../clients/open-many.js";
import { chatText } from "../clients/payload.js";
import { ThinClient } from "../clients/thin-client.js";
import { CpuWindow } from "../measure/cpu.js";
import { nowMicros } from "../measure/histogram.js";
import { waitUntil } from "../measure/wait.js";
import { startPigeon } from "../servers/pigeon.js";
import { noteProfileWindow } from "../servers/profiling.js";

/** An offline drain: members away while messages pile up, then back at once. */
export interface DrainSettings {
  readonly members: number;
  /** Messages held for each member while it is away. */
  readonly heldPerMember: number;
}

/** What a drain measured (Pigeon only: the baselines hold nothing). */
export interface DrainResult extends DrainSettings {
  /** From the returning members starting to connect until every one has all it was owed. */
  readonly seconds: number;
  readonly delivered: number;
  readonly serverCpuSeconds: number;
  /** Everything else the returning members received meanwhile (member lists above all). */
  readonly otherFrames: number;
  readonly otherBytes: number;
  readonly complete: boolean;
}

const ROOM = "drain";
const SENDER_IN_FLIGHT = 200;
const FILL_TIMEOUT_MS = 120_000;
const RETURN_TIMEOUT_MS = 120_000;
const AWAY_SETUP_CONCURRENCY = 10;
// Lets the server finish the disconnects (and the sender's last acks) before members return.
const QUIET_MS = 500;

/**
 * Offline drain on a fresh Pigeon: `members` keyed members join a room and go away (a few at a
 * time, so setup is cheap), a keyed sender posts `heldPerMember` messages, then every member
 * logs in again at once. Measures the time until each has all its messages and `caughtUp`,
 * with the server's CPU. One member back to 10,000 messages, and 500 members back at once to
 * 100 each, are the two cases the issue asks for.
 *
 * @example
 * const result = await runDrain({ members: 1, heldPerMember: 10_000 });
 */
export async function runDrain(settings: DrainSettings): Promise<DrainResult> {
  const tag = `drain-${String(settings.members)}x${String(settings.heldPerMember)}`;
  // One sender holds at most half a room's quota (--max-room-entries, 10,000 by default): the
  // room gets room for `heldPerMember` of its messages, or the oldest half would be pushed out.
  const server = await startPigeon({ tag, env: { PIGEON_MAX_ROOM_ENTRIES: String(Math.max(10_000, 2 * settings.heldPerMember)) } });
  const open: ThinClient[] = [];
  try {
    const identities = Array.from({ length: settings.members }, () => createIdentity());
    const name = (index: number) => `d${index}`;
    const connect = (index: number, identity: BenchIdentity) =>
      ThinClient.connect({ port: server.port, name: name(index), identity, timeoutMs: RETURN_TIMEOUT_MS });

    await openMany(
      settings.members,
      AWAY_SETUP_CONCURRENCY,
      async (index) => {
        const client = await connect(index, identities[index] ?? createIdentity());
        await client.login();
        await client.join(ROOM);
        client.close();
        return client;
      },
      (client) => {
        client.close();
      },
    );

    const sender = await ThinClient.connect({ port: server.port, name: "dsender", identity: createIdentity() });
    open.push(sender);
    await sender.login();
    await sender.join(ROOM);
    let sent = 0;
    sender.onMessage = () => {
      while (sent < settings.heldPerMember && sent - sender.messages < SENDER_IN_FLIGHT) {
        sent += 1;
        sender.chat(chatText(nowMicros()));
      }
    };
    sender.onMessage();
    if (!(await waitUntil(() => sender.messages >= settings.heldPerMember, FILL_TIMEOUT_MS))) {
      throw new Error(`drain: only ${sender.messages} of ${settings.heldPerMember} messages accepted`);
    }
    await sleep(QUIET_MS);

    const window = CpuWindow.start([server.pid]);
    const started = performance.now();
    const returned = await openMany(
      settings.members,
      settings.members,
      async (index) => {
        const client = await connect(index, identities[index] ?? createIdentity());
        client.resumeRoom(ROOM);
        open.push(client);
        await client.login();
        return client;
      },
      (client) => {
        client.close();
      },
    );
    const members = returned.clients;
    const complete = await waitUntil(
      () => members.every((client) => client.caughtUp > 0 && client.messages >= settings.heldPerMember),
      RETURN_TIMEOUT_MS,
    );
    const seconds = (performance.now() - started) / 1000;
    const { cpuSeconds, monotonic } = window.stop();
    noteProfileWindow(tag, [server.pid], monotonic);
    const delivered = members.reduce((total, client) => total + client.messages, 0);
    const frames = members.reduce((total, client) => total + client.frames, 0);
    const otherBytes = members.reduce((total, client) => total + client.bytes - client.messageBytes, 0);
    return {
      ...settings,
      seconds,
      delivered,
      serverCpuSeconds: cpuSeconds,
      otherFrames: frames - delivered,
      otherBytes,
      complete,
    };
  } finally {
    await server.kill();
    for (const client of open) client.close();
  }
}
