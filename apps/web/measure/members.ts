import { createClient, type PigeonClient } from "@pigeon/client";
import { createIdentityKey } from "@pigeon/crypto";
import { nodeCryptoProvider } from "@pigeon/crypto/node";
import type { Sender } from "./raw-sender.js";

/** One of the room's other members: a Node SDK client with its own identity key. */
export interface Member {
  readonly name: string;
  readonly client: PigeonClient;
}

/** The Node members, and what joining them cost. */
export interface Members {
  /** The members still connected; the others went offline after joining. */
  readonly online: readonly Member[];
  /** How long each member's joins took (connect, keyed login, the encrypted and the plain room), ms. */
  readonly joinMs: readonly number[];
  /** Warnings the SDK clients logged. */
  readonly warnings: () => readonly string[];
  /** Closes every client still open. */
  close(): Promise<void>;
}

/** What {@link joinMembers} is asked for. */
export interface MemberPlan {
  readonly url: string;
  readonly count: number;
  /** The first `online` members stay connected; the rest go offline once joined. */
  readonly online: number;
  readonly encryptedRoom: string;
  readonly plainRoom: string;
  /** Called after each member, for progress lines. */
  readonly progress?: (joined: number, ms: number) => void;
  /** Stops joining (the run is being aborted). */
  readonly signal?: AbortSignal;
}

/**
 * Joins `count` keyed Node SDK members, one after the other, to the encrypted room (the first
 * creates its MLS group, each other joins by an external commit, which must win the epoch: one
 * at a time, none has to retry) and to the plain room. Members past the first `online` close
 * their client once joined: they stay members of both rooms and of the MLS group (the relay
 * holds messages for them), as people whose devices are elsewhere. The browser's work per
 * message does not depend on who else is online, and this process (which also runs the relay)
 * must not take the cores the browser is measured on.
 */
export async function joinMembers(plan: MemberPlan): Promise<Members> {
  const warnings: string[] = [];
  const open: Member[] = [];
  const joinMs: number[] = [];
  const logger = { warn: (message: string) => warnings.push(message) };
  const closeAll = async () => {
    await Promise.allSettled(open.splice(0).map(({ client }) => client.close()));
  };
  try {
    for (let index = 0; index < plan.count; index += 1) {
      plan.signal?.throwIfAborted();
      const name = `member${String(index + 1).padStart(3, "0")}`;
      const started = performance.now();
      const client = createClient({
        url: plan.url,
        logger,
        timeoutMs: 30_000,
        mls: { cryptoProvider: nodeCryptoProvider },
        socketOptions: { reconnectionDelay: 100, reconnectionDelayMax: 1_000 },
      });
      open.push({ name, client });
      await client.connect();
      await client.login(name, { identity: createIdentityKey() });
      await client.join(plan.encryptedRoom, { mode: "encrypted" });
      await client.join(plan.plainRoom, { mode: "plain" });
      const ms = performance.now() - started;
      joinMs.push(ms);
      if (index >= plan.online) {
        open.pop();
        await client.close();
      }
      plan.progress?.(index + 1, ms);
    }
  } catch (error) {
    await closeAll();
    throw error;
  }
  return { online: [...open], joinMs, warnings: () => warnings, close: closeAll };
}

/** What one burst of sends did. */
export interface SendRun {
  /** Every message, in the order it was scheduled: its text, and its seq once accepted. */
  readonly sent: readonly { readonly text: string; readonly seq?: number; readonly error?: string; readonly ackMs?: number }[];
  /** From the first send to the last scheduled one, ms. */
  readonly scheduleMs: number;
  /** How late the latest send started against its schedule, ms (the sending process keeping up). */
  readonly maxLagMs: number;
  /** How long the senders took to prepare (encrypt ahead), before the clock started, ms. */
  readonly prepareMs: number;
}

/**
 * Sends `rate` messages a second in total into `room` for `seconds`, round-robin over
 * `senders`, on an absolute schedule (no drift), without waiting for earlier acks; then waits
 * (at most `ackTimeoutMs`) for every ack. The senders prepare their messages first (encrypt
 * them), before the clock starts. Bounded: it schedules exactly rate × seconds messages.
 */
export async function sendBurst(
  senders: readonly Sender[],
  room: string,
  { rate, seconds, label, ackTimeoutMs = 30_000, beforeStart }: { rate: number; seconds: number; label: string; ackTimeoutMs?: number; beforeStart?: () => Promise<void> },
): Promise<SendRun> {
  if (senders.length === 0) throw new Error("no senders");
  const total = Math.round(rate * seconds);
  const interval = 1_000 / rate;
  // About as long as a typical chat line: ~60 characters.
  const plan = Array.from({ length: total }, (_, index) => {
    const sender = senders[index % senders.length] as Sender;
    return { sender, text: `${label} ${String(index).padStart(5, "0")} from ${sender.name}: the quick brown fox jumps` };
  });
  const preparing = performance.now();
  for (const sender of senders) await sender.prepare?.(room, plan.filter((entry) => entry.sender === sender).map((entry) => entry.text));
  const prepareMs = performance.now() - preparing;
  await beforeStart?.();
  const sent: { text: string; seq?: number; error?: string; ackMs?: number }[] = [];
  const acks: Promise<void>[] = [];
  const start = performance.now();
  let maxLagMs = 0;
  for (const [index, { sender, text }] of plan.entries()) {
    const due = start + index * interval;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    maxLagMs = Math.max(maxLagMs, performance.now() - due);
    const entry: (typeof sent)[number] = { text };
    sent.push(entry);
    const sentAt = performance.now();
    acks.push(
      sender.send(room, text).then(
        (seq) => {
          entry.seq = seq;
          entry.ackMs = performance.now() - sentAt;
        },
        (error: unknown) => {
          entry.error = error instanceof Error ? error.message : String(error);
        },
      ),
    );
  }
  const scheduleMs = performance.now() - start;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    Promise.all(acks),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, ackTimeoutMs);
    }),
  ]);
  clearTimeout(timer);
  return { sent, scheduleMs, maxLagMs, prepareMs };
}
