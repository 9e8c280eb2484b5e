// Property-based fuzzing of every handler (issue 14): a hostile raw socket.io client sends
// fast-check-generated events to a real relay, in any order, before and after login, while two
// honest clients chat in a room beside it. Every ack is one AckResult with a known code (never
// INTERNAL), the relay logs nothing at error level, and the honest clients notice nothing.
// FUZZ_SEED=<n> replays a run (fast-check prints the seed and the shrunk sequence of a failure).
import { Writable } from "node:stream";
import fc from "fast-check";
import { pino } from "pino";
import { io, type Socket } from "socket.io-client";
import { expect, it } from "vitest";
import { z } from "zod";
import { AckResult, clientEvents, ErrorCode, JoinPayload, type ClientEventName } from "@pigeon/protocol";
import {
  describeEachStore,
  nextEvent,
  record,
  testIdentity,
  untyped,
  useKeyed,
  useMember,
  useRelay,
  waitUntil,
  type TestServer,
  type TestSocket,
} from "@pigeon/testing";

const SEED = Number(process.env.FUZZ_SEED ?? 14_2026);
// FUZZ_RUNS=<n> runs n times as many sequences, to hunt deeper than the suite does.
const SCALE = Number(process.env.FUZZ_RUNS ?? 1);
const RUNS = { memory: 120 * SCALE, redis: 80 * SCALE } as const;
const ACK_LIMIT_MS = 30_000;

const ROOM = "lobby";
const KEYED = "kim";
const GUEST = "gus";
const EVENTS = Object.keys(clientEvents) as ClientEventName[];
const ATTACKER_ROOMS = [ROOM, " lobby ", "den", "Den", "vault", "ロビー"];
const ATTACKER_NAMES = ["mallory", "MALLORY", " mallory ", KEYED, "Kim", GUEST, " gus", "кim", "trent"];
// The attacker's key never claims "mallory", which its guest logins use.
const KEYED_NAMES = ["trent", " trent", KEYED, "Kim", GUEST, "кim"];
const PROTOTYPE_KEYS = ["__proto__", "constructor", "prototype", "toString", "then"];
const UNKNOWN_EVENTS = ["shout", "hello", "message", "error", "members", "__proto__", "constructor", "toString", "", "x".repeat(1_000)];
const RESERVED_EVENTS = ["disconnect", "disconnecting", "connect", "connect_error", "newListener", "removeListener"];

// A value for every field a client event has, valid and for the attacker's own rooms and names.
const FIELD: Record<string, fc.Arbitrary<unknown>> = {
  name: fc.constantFrom(...ATTACKER_NAMES),
  room: fc.oneof({ weight: 2, arbitrary: fc.constantFrom("den", "vault") }, fc.constantFrom(...ATTACKER_ROOMS)),
  text: fc.oneof(fc.constantFrom("hi", "\u202E", "\uD800"), fc.string({ unit: "grapheme", maxLength: 20 })),
  publicKey: fc.constantFrom("A".repeat(43), "A".repeat(42)),
  signature: fc.constantFrom("B".repeat(86), "B".repeat(87)),
  clientId: fc.constantFrom("abcdefgh", "abcdefgh", "3f1b7c2e-9d4a", "short"),
  seq: fc.oneof(fc.nat({ max: 50 }), fc.constantFrom(-1, 2 ** 53, 1.5)),
  mode: fc.constantFrom("plain", "encrypted", "secret"),
  groupInfo: fc.oneof(fc.base64String({ maxLength: 200 }), fc.uint8Array({ maxLength: 120 }).map((bytes) => Buffer.from(bytes).toString("base64"))),
  message: fc.oneof(fc.base64String({ maxLength: 200 }), fc.uint8Array({ maxLength: 120 }).map((bytes) => Buffer.from(bytes).toString("base64"))),
};

const binary = fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes));
const junk: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  binary,
  fc.constantFrom(null, 0, -0, true, "", "x".repeat(5_000), [[[[[[[[[[[]]]]]]]]]]]),
);

/** The object branches of a payload schema (through unions and transforms): each field, and whether it is optional. */
function branchesOf(schema: z.ZodType): { name: string; optional: boolean }[][] {
  const def = (schema as z.ZodType & { _zod: { def: Record<string, unknown> } })._zod.def;
  if (def.type === "object") {
    return [Object.entries(def.shape as Record<string, z.ZodType>).map(([name, field]) => ({ name, optional: field.safeParse(undefined).success }))];
  }
  if (def.type === "union") return (def.options as z.ZodType[]).flatMap(branchesOf);
  if (def.type === "pipe") return branchesOf(def.in as z.ZodType);
  return [];
}

/** An object with `entries` as own properties, `__proto__` included (as JSON.parse makes them). */
function ownObject(entries: readonly (readonly [string, unknown])[]): Record<string, unknown> {
  const object: Record<string, unknown> = {};
  for (const [key, value] of entries) Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
  return object;
}

/**
 * Payloads for `event`: one of its object forms (its required fields, some optional ones, each
 * mostly valid, sometimes with an extra or prototype key), any mix of its fields, a bare
 * string, or junk.
 */
function payloadFor(event: ClientEventName): fc.Arbitrary<unknown> {
  const branches = branchesOf(clientEvents[event].payload);
  const fields = [...new Set(branches.flat().map(({ name }) => name))];
  const value = (name: string) => fc.oneof({ weight: 6, arbitrary: FIELD[name] ?? junk }, junk);
  const entries = (names: string[]) => fc.tuple(...names.map((name) => value(name).map((v) => [name, v] as const)));
  const extraKey = fc.oneof({ weight: 6, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...PROTOTYPE_KEYS, "admin"), junk) });
  const branch = fc.constantFrom(...branches).chain((shape) =>
    fc.subarray(shape.filter(({ optional }) => optional).map(({ name }) => name)).map((optional) => [...shape.filter((field) => !field.optional).map(({ name }) => name), ...optional]),
  );
  const object = fc
    .tuple(fc.oneof({ weight: 4, arbitrary: branch }, { weight: 1, arbitrary: fc.subarray(fields, { minLength: 1 }) }).chain(entries), extraKey)
    .map(([known, extra]) => ownObject(extra === null ? known : [...known, extra]));
  const bare = fc.oneof(FIELD.room ?? junk, FIELD.name ?? junk, FIELD.text ?? junk);
  return fc.oneof({ weight: 8, arbitrary: object }, { weight: 1, arbitrary: bare }, { weight: 1, arbitrary: junk });
}

type Action =
  | { readonly kind: "emit"; readonly event: string; readonly args: readonly unknown[]; readonly ack: boolean }
  | { readonly kind: "keyedLogin"; readonly name: string; readonly proof: "own" | "stolen key" | "stale challenge" }
  | { readonly kind: "raw"; readonly packet: string }
  | { readonly kind: "reconnect" };

const emitKnown: fc.Arbitrary<Action> = fc.constantFrom(...EVENTS).chain((event) =>
  fc.record({
    kind: fc.constant("emit" as const),
    event: fc.constant(event),
    args: fc.oneof(
      { weight: 24, arbitrary: payloadFor(event).map((payload) => [payload]) },
      { weight: 1, arbitrary: fc.constant([]) },
      { weight: 1, arbitrary: fc.tuple(payloadFor(event), junk) },
      // A function before the last argument: socket.io sends it as null.
      { weight: 1, arbitrary: payloadFor(event).map((payload) => [() => undefined, payload]) },
    ),
    ack: fc.boolean(),
  }),
);

const emitUnknown: fc.Arbitrary<Action> = fc.record({
  kind: fc.constant("emit" as const),
  event: fc.oneof(fc.constantFrom(...UNKNOWN_EVENTS), fc.string({ maxLength: 12 }).filter((name) => !RESERVED_EVENTS.includes(name))),
  args: fc.array(junk, { maxLength: 2 }),
  ack: fc.boolean(),
});

const rawPacket: fc.Arbitrary<Action> = fc.record({
  kind: fc.constant("raw" as const),
  packet: fc.oneof(
    fc.tuple(fc.constantFrom(...RESERVED_EVENTS), fc.array(junk, { maxLength: 1 })).map(([event, args]) => `42${JSON.stringify([event, ...args])}`),
    fc.string({ maxLength: 40 }).map((text) => `4${text}`),
    fc.constantFrom("42[]", "42[1]", "42{}", "43[]", "499[", '42["chat"', "451-[\"chat\",{\"_placeholder\":true,\"num\":7}]"),
  ),
});

const action: fc.Arbitrary<Action> = fc.oneof(
  { weight: 12, arbitrary: emitKnown },
  { weight: 2, arbitrary: emitUnknown },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("keyedLogin" as const), name: fc.constantFrom(...KEYED_NAMES), proof: fc.constantFrom("own", "own", "stolen key", "stale challenge") }) },
  { weight: 1, arbitrary: rawPacket },
  { weight: 1, arbitrary: fc.constant({ kind: "reconnect" as const }) },
);

/** How a run starts, so that the deep states (logged in, in a room, in an encrypted room) come up often. */
const prologue: fc.Arbitrary<Action[]> = fc.constantFrom<Action[]>(
  [{ kind: "emit", event: "login", args: ["mallory"], ack: true }],
  [
    { kind: "emit", event: "login", args: ["mallory"], ack: true },
    { kind: "emit", event: "join", args: ["den"], ack: true },
  ],
  [
    { kind: "keyedLogin", name: "trent", proof: "own" },
    { kind: "emit", event: "join", args: ["den"], ack: true },
  ],
  [
    { kind: "keyedLogin", name: "trent", proof: "own" },
    { kind: "emit", event: "join", args: [{ room: "vault", mode: "encrypted" }], ack: true },
  ],
);

/** The attacker may do anything but join the honest clients' room, which would change its member list by right. */
function joinsTheRoom(step: Action): boolean {
  if (step.kind !== "emit" || step.event !== "join" || step.args.length !== 1) return false;
  const parsed = JoinPayload.safeParse(step.args[0]);
  return parsed.success && parsed.data.room === ROOM && parsed.data.mode !== "encrypted";
}

const attack = fc.tuple(fc.oneof(fc.constant([]), prologue, prologue), fc.array(action.filter((step) => !joinsTheRoom(step)), { minLength: 1, maxLength: 30, size: "+1" }));

/** A logger whose lines the test reads back. */
function capturingLogger(): { logger: pino.Logger; lines: { level: number; msg?: string }[] } {
  const lines: { level: number; msg?: string }[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split("\n")) if (line !== "") lines.push(JSON.parse(line) as { level: number; msg?: string });
      done();
    },
  });
  return { logger: pino({ level: "info" }, stream), lines };
}

const codes = new Set<string>(Object.values(ErrorCode));

/** Checks one ack: exactly the AckResult of its event, with a code of ErrorCode other than INTERNAL. Returns `event:code`. */
function checkAck(event: string, answer: unknown[]): string {
  expect(answer).toHaveLength(1);
  const schema = (clientEvents as Record<string, { ack: z.ZodType } | undefined>)[event]?.ack;
  const result = AckResult(schema ?? z.never()).safeParse(answer[0]);
  expect(result.success, `${event} answered ${JSON.stringify(answer[0])}`).toBe(true);
  if (result.success && !result.data.ok) {
    expect(codes.has(result.data.error.code)).toBe(true);
    expect(result.data.error.code, `${event}: ${result.data.error.message}`).not.toBe(ErrorCode.INTERNAL);
  }
  if (schema === undefined) expect(answer[0]).toMatchObject({ ok: false, error: { code: ErrorCode.BAD_REQUEST } });
  return `${schema === undefined ? "unknown" : event}:${result.success && !result.data.ok ? result.data.error.code : "ok"}`;
}

/** The attacker: one connection at a time, every ack it was sent counted by id. */
class Attacker {
  #socket: Socket | undefined;
  readonly #pending: Promise<void>[] = [];
  /** How often each `event:code` (or `event:ok`) came back, to show the fuzzer got deep. */
  readonly outcomes = new Map<string, number>();
  /** Ack ids the relay answered more than once (there must be none). */
  readonly repeatedAcks: number[] = [];
  readonly #identity = testIdentity();
  readonly #stolen = testIdentity();
  #lastChallenge = "";

  constructor(
    private readonly server: TestServer,
    private readonly victimKey: string,
  ) {}

  async connect(): Promise<Socket> {
    this.#socket?.close();
    const socket = io(this.server.url, { transports: ["websocket"], reconnection: false, forceNew: true });
    const acks = new Set<number>();
    // Every ack packet, as the client's manager decodes them: the relay never answers one id twice.
    socket.io.on("packet", (packet: { type: number; id?: number }) => {
      if ((packet.type === 3 || packet.type === 6) && packet.id !== undefined) {
        if (acks.has(packet.id)) this.repeatedAcks.push(packet.id);
        acks.add(packet.id);
      }
    });
    await new Promise<void>((resolve, reject) => {
      socket.once("hello", (hello: { challenge: string }) => {
        this.#lastChallenge = hello.challenge;
        resolve();
      });
      socket.once("connect_error", reject);
    });
    this.#socket = socket;
    return socket;
  }

  async run(steps: readonly Action[]): Promise<void> {
    let socket = await this.connect();
    const stale = this.#lastChallenge;
    for (const step of steps) {
      if (step.kind === "reconnect") {
        await Promise.all(this.#pending.splice(0));
        socket = await this.connect();
      } else if (step.kind === "raw") {
        // A malformed or reserved packet may cost the attacker its connection: answer what is
        // pending, then start over on a new one.
        await Promise.all(this.#pending.splice(0));
        (socket.io.engine as unknown as { write(packet: string): void }).write(step.packet);
        socket = await this.connect();
      } else if (step.kind === "keyedLogin") {
        const challenge = step.proof === "stale challenge" ? stale : this.#lastChallenge;
        const signer = step.proof === "stolen key" ? this.#stolen : this.#identity;
        const payload = signer.loginPayload(step.name, { origin: new URL(this.server.url).origin, challenge });
        this.emit(socket, "login", [step.proof === "stolen key" ? { ...payload, publicKey: this.victimKey } : payload], true);
      } else {
        this.emit(socket, step.event, step.args, step.ack);
      }
    }
    await Promise.all(this.#pending.splice(0));
    socket.close();
  }

  private emit(socket: Socket, event: string, args: readonly unknown[], ack: boolean): void {
    if (!ack) {
      socket.emit(event, ...args);
      return;
    }
    this.#pending.push(
      new Promise<void>((resolve, reject) => {
        socket.timeout(ACK_LIMIT_MS).emit(event, ...args, (error: Error | null, ...answer: unknown[]) => {
          if (error) {
            reject(new Error(`no ack to ${event} ${JSON.stringify(args).slice(0, 200)} within ${ACK_LIMIT_MS} ms`));
            return;
          }
          try {
            const outcome = checkAck(event, answer);
            this.outcomes.set(outcome, (this.outcomes.get(outcome) ?? 0) + 1);
            resolve();
          } catch (failure) {
            reject(failure instanceof Error ? failure : new Error(String(failure)));
          }
        });
      }),
    );
  }
}

/** The honest pair: a keyed member and a guest in one room, with everything each received. */
async function bystanders(server: TestServer) {
  const kimIdentity = testIdentity();
  const kim = await useKeyed(server, kimIdentity, KEYED, [ROOM]);
  const gusJoined = nextEvent(kim, "memberChanges", ({ changes }) => changes.some(({ name }) => name === GUEST));
  const gus = await useMember(server, GUEST, [ROOM]);
  // The relay batches member changes (memberIntervalMs): gus's own arrive later than its join ack.
  await Promise.all([gusJoined, nextEvent(gus, "memberChanges")]);
  const seen = { kim: record(kim, "message"), gus: record(gus, "message") };
  const other: string[] = [];
  for (const [who, socket] of [["kim", kim], ["gus", gus]] as const) {
    untyped(socket).onAny((event: string) => {
      if (event !== "message") other.push(`${who}: ${event}`);
    });
  }
  const sent: { user: string; message: string; id: string }[] = [];
  let count = 0;
  /** Each says one line; each sees the other's and its own, in order, once. */
  async function exchange(): Promise<void> {
    for (const [user, socket] of [[KEYED, kim], [GUEST, gus]] as [string, TestSocket][]) {
      count += 1;
      const message = `${user} ${count}`;
      const result = await socket.emitWithAck("chat", { room: ROOM, text: message });
      if (!result.ok) throw new Error(`honest chat refused: ${result.error.code}`);
      sent.push({ user, message, id: result.data.id });
    }
    await waitUntil(() => seen.kim.length === sent.length && seen.gus.length === sent.length, "both honest clients get every line");
    for (const received of [seen.kim, seen.gus]) {
      expect(received.map(({ user, message, id }) => ({ user, message, id }))).toEqual(sent);
      expect(received.map(({ seq }) => seq)).toEqual(received.map((_, index) => index + 1));
    }
  }
  return { publicKey: kimIdentity.publicKey, exchange, sent, other };
}

describeEachStore("handlers under fuzzing", (store) => {
  it("answer every hostile event with one typed ack, log no error, and leave the honest clients untouched", async () => {
    const { logger, lines } = capturingLogger();
    // The attacker logs in again and again as a handful of names: the login limits (tested on
    // their own) would soon refuse it and keep the runs from reaching the handlers behind them.
    const server = await useRelay({ store, loginsPerMinute: 1_000_000, loginsPerNamePerMinute: 1_000_000, failedLoginsPerHour: 1_000_000, failedLoginsPerNamePerHour: 1_000_000, newIdentitiesPerHour: 1_000_000 }, { logger });
    const honest = await bystanders(server);
    const attacker = new Attacker(server, honest.publicKey);
    const roomStore = server.relay.context.store;
    const members = await roomStore.members(ROOM);

    await fc.assert(
      fc.asyncProperty(attack, async ([start, steps]) => {
        lines.length = 0;
        await attacker.run([...start, ...steps]);
        await waitUntil(() => server.relay.io.sockets.sockets.size === 2, "the attacker's connections are gone");
        await honest.exchange();
        expect(await roomStore.members(ROOM)).toEqual(members);
        // Everything the honest clients said is still held for kim (who never acks), in order.
        const held = await roomStore.entriesAfter(ROOM, 0);
        expect(held.entries.map(({ user, message, id }) => ({ user, message, id }))).toEqual(honest.sent);
        expect(honest.other).toEqual([]);
        expect(attacker.repeatedAcks).toEqual([]);
        expect(lines.filter((line) => line.level >= 50)).toEqual([]);
      }),
      { seed: SEED, numRuns: RUNS[store] },
    );
    // The runs got past the schemas into the handlers' own refusals, and past them too.
    const reached = [...attacker.outcomes.keys()];
    for (const outcome of ["login:ok", "join:ok", "leave:ok", "login:NAME_TAKEN", "login:UNAUTHORIZED", "chat:NOT_LOGGED_IN", "typing:NOT_IN_ROOM", "unknown:BAD_REQUEST"]) {
      expect(reached).toContain(outcome);
    }
  }, 120_000 * SCALE);
});
