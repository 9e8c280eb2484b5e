// Property-based fuzzing of every client event's schemas (issue 14): whatever a client (or, for
// the ack schemas, a server) sends, parsing gives a valid value or zod issues, never a throw,
// and a parsed value parses again to itself. FUZZ_SEED=<n> replays a run; fast-check prints
// the seed and the shrunk input of any failure.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { AckPayload, ChatPayload, quickAckPayload, quickChatPayload } from "./client-events.js";
import { clientEvents, type ClientEventName } from "./events.js";
import { MAX_MLS_BYTES, MAX_NAME_LENGTH, MAX_ROOM_LENGTH, MAX_TEXT_LENGTH } from "./limits.js";

const SEED = Number(process.env.FUZZ_SEED ?? 14_2026);
const RUNS = { seed: SEED, numRuns: 300 } as const;

// A valid value for every field any client event has, so generated objects sometimes parse.
const VALID_FIELD: Record<string, readonly unknown[]> = {
  name: ["alice", " bob ", "Zoë 2"],
  room: ["lobby", "team-1", "ロビー"],
  text: ["hi", " ", "\u{1F600}"],
  publicKey: ["A".repeat(43)],
  origin: ["https://chat.example.org", "http://127.0.0.1:3000"],
  signature: ["B".repeat(86)],
  clientId: ["abcdefgh", "3f1b7c2e-9d4a-4c1e-8b2a-1f0e9d8c7b6a"],
  seq: [0, 1, 41],
  mode: ["plain", "encrypted"],
  groupInfo: ["AAEC", "AAECAwQ="],
  message: ["AAEC"],
};

const PROTOTYPE_KEYS = ["__proto__", "constructor", "prototype", "toString", "valueOf", "hasOwnProperty", "then"];

const EDGE_STRINGS = [
  "",
  " ",
  "\u0000",
  "\uD800", // a lone high surrogate
  "a\uDC00b", // a lone low surrogate
  "\u200B", // zero-width space
  "\u202Ealice", // right-to-left override
  "\uFEFF",
  "\u3164", // Hangul filler
  "e\u0301",
  "a" + "\u0301".repeat(500), // a pile of combining marks
  "\u{1F3F3}\u{FE0F}\u200D\u{1F308}",
  "ı",
  "İ",
  "%00",
  "../../etc/passwd",
  "lobby\n",
  "\\u0000",
  "null",
  ...PROTOTYPE_KEYS,
];

/** Strings at and just past every limit, and one far past all of them. */
const SIZED_STRINGS = [MAX_NAME_LENGTH, MAX_ROOM_LENGTH, MAX_TEXT_LENGTH, 43, 64, 86].flatMap((n) => ["a".repeat(n), "a".repeat(n + 1)]);
const HUGE_STRING = "A".repeat(Math.ceil((MAX_MLS_BYTES * 4) / 3) + 4);

const hostileString = fc.oneof(
  fc.constantFrom(...EDGE_STRINGS, ...SIZED_STRINGS, HUGE_STRING),
  fc.string({ unit: "grapheme", maxLength: 40 }),
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.base64String({ maxLength: 64 }),
);

const scalar = fc.oneof(
  hostileString,
  fc.integer(),
  fc.constantFrom(0, -0, -1, 1.5, 2 ** 53, Number.MAX_SAFE_INTEGER + 2, NaN, Infinity, -Infinity, true, false, null, undefined),
  fc.bigInt(),
);

/** An object with `entries` as own properties, `__proto__` included (as JSON.parse makes them). */
function ownObject(entries: readonly (readonly [string, unknown])[]): Record<string, unknown> {
  const object: Record<string, unknown> = {};
  for (const [key, value] of entries) Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
  return object;
}

/** `{ a: { a: … "x" } }` or `[[[ … ]]]`, `depth` levels down. */
function nested(depth: number, key: string | undefined): unknown {
  let value: unknown = "x";
  for (let level = 0; level < depth; level += 1) value = key === undefined ? [value] : { [key]: value };
  return value;
}

/** The fields of an object schema, through unions and transforms. */
function fieldsOf(schema: z.ZodType): string[] {
  const def = (schema as z.ZodType & { _zod: { def: Record<string, unknown> } })._zod.def;
  switch (def.type) {
    case "object":
      return Object.keys(def.shape as object);
    case "union":
      return (def.options as z.ZodType[]).flatMap(fieldsOf);
    case "pipe":
      return fieldsOf(def.in as z.ZodType);
    default:
      return [];
  }
}

/** Values built from a schema's shape: its fields, each valid or hostile, with extra and prototype keys. */
function shaped(schema: z.ZodType): fc.Arbitrary<unknown> {
  const fields = [...new Set(fieldsOf(schema))];
  const value = fc.letrec<{ any: unknown }>((tie) => ({
    any: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      scalar,
      fc.array(tie("any"), { maxLength: 4 }),
      fc.dictionary(fc.constantFrom(...fields, ...PROTOTYPE_KEYS), tie("any"), { maxKeys: 4 }),
    ),
  })).any;
  const field = (name: string) => fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...(VALID_FIELD[name] ?? [undefined])) }, value);
  const entries = fc.tuple(
    fc.subarray(fields).chain((present) => fc.tuple(...present.map((name) => field(name).map((v) => [name, v] as const)))),
    fc.array(fc.tuple(fc.oneof(fc.constantFrom(...PROTOTYPE_KEYS), fc.string({ maxLength: 8 })), value), { maxLength: 2 }),
    fc.nat({ max: 3 }),
  );
  return fc.oneof(
    { weight: 6, arbitrary: entries.map(([known, extra, keep]) => ownObject([...known, ...extra.slice(0, keep % 3 === 0 ? 2 : 0)])) },
    { weight: 2, arbitrary: fc.oneof(...fields.map((name) => field(name))) },
    { weight: 1, arbitrary: fc.constantFrom(...fields, "x").chain((key) => fc.constantFrom(nested(2_000, key), nested(2_000, undefined))) },
    { weight: 1, arbitrary: fc.string({ maxLength: 60 }).map((json) => parseOrKeep(`{"__proto__":{"polluted":true},"room":"lobby"${json}}`)) },
  );
}

function parseOrKeep(json: string): unknown {
  try {
    return JSON.parse(json) as unknown;
  } catch {
    return json;
  }
}

/** Anything at all: JSON, and what only in-process callers could pass (Maps, typed arrays, bigints, null prototypes…). */
const anything = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }),
  fc.anything({
    maxDepth: 3,
    withBigInt: true,
    withBoxedValues: true,
    withDate: true,
    withMap: true,
    withSet: true,
    withNullPrototype: true,
    withObjectString: true,
    withSparseArray: true,
    withTypedArray: true,
    key: fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom(...PROTOTYPE_KEYS)),
  }),
);

/**
 * Checks one parse: a valid value that parses again to itself, or zod issues; anything else
 * fails. A payload's value must also survive JSON (the relay stores and forwards it); the ack
 * schemas are loose by design, so unknown fields pass through them as they are.
 */
function checkParse(schema: z.ZodType, input: unknown, kind: "payload" | "ack"): boolean {
  const result = schema.safeParse(input);
  if (!result.success) {
    expect(result.error).toBeInstanceOf(z.ZodError);
    expect(result.error.issues.length).toBeGreaterThan(0);
    for (const issue of result.error.issues) {
      expect(issue).toMatchObject({ code: expect.any(String), message: expect.any(String), path: expect.any(Array) });
    }
    return false;
  }
  const value: unknown = result.data;
  if (value !== null && typeof value === "object") {
    // What a handler gets is a plain object, never one whose prototype the sender chose.
    expect([Object.prototype, Array.prototype, null]).toContain(Object.getPrototypeOf(value));
    expect(Object.getPrototypeOf(value)).not.toHaveProperty("polluted");
  }
  const again = schema.safeParse(value);
  expect(again.success).toBe(true);
  expect(again.data).toEqual(value);
  if (kind === "payload") expect(JSON.parse(JSON.stringify(value))).toEqual(value);
  return true;
}

const EVENTS = Object.keys(clientEvents) as ClientEventName[];

describe.each(EVENTS)("%s schemas under fuzzing", (event) => {
  const { payload, ack } = clientEvents[event];

  it("knows a valid value for every field of the payload", () => {
    expect(fieldsOf(payload).filter((name) => VALID_FIELD[name] === undefined)).toEqual([]);
  });

  it("parses anything to a valid value that re-parses to itself, or to zod issues", () => {
    fc.assert(
      fc.property(anything, (input) => {
        checkParse(payload, input, "payload");
        checkParse(ack, input, "ack");
      }),
      RUNS,
    );
  });

  it("parses values built from the payload's shape the same way, and accepts some of them", () => {
    let accepted = 0;
    fc.assert(
      fc.property(shaped(payload), (input) => {
        if (checkParse(payload, input, "payload")) accepted += 1;
      }),
      RUNS,
    );
    expect(accepted).toBeGreaterThan(0);
  });

  it("parses values built from the ack's shape the same way", () => {
    fc.assert(
      fc.property(shaped(ack), (input) => {
        checkParse(ack, input, "ack");
      }),
      RUNS,
    );
  });
});

// Near every edge a quick parse and its schema must agree on: padding trim() removes (or not),
// lengths at and past each limit, characters either side of each pattern.
const padding = fc.constantFrom("", " ", "\t", "\n", "\u00a0", "\u3000", "\ufeff", "\u200b", "\u0085");
const padded = (core: fc.Arbitrary<string>) => fc.tuple(padding, core, padding).map(([before, middle, after]) => before + middle + after);
const lengths = (min: number, max: number) => fc.constantFrom(min - 1, min, max, max + 1).filter((n) => n >= 0);
const made = (chars: fc.Arbitrary<string>, min: number, max: number) => fc.tuple(lengths(min, max), chars).map(([n, char]) => char.repeat(n));
const room = fc.oneof(
  padded(fc.constantFrom("lobby", "team-1", "ロビー", "a.b", "_a", "-a", "a b", "a/b", "é", "e\u0301", "٣")),
  padded(made(fc.constantFrom("r", "é", "_"), 1, MAX_ROOM_LENGTH)),
  hostileString,
);
const text = fc.oneof(fc.constantFrom(...(VALID_FIELD.text ?? [])), made(fc.constantFrom("x", "\u{1F600}"), 1, MAX_TEXT_LENGTH), hostileString);
const clientId = fc.oneof(
  fc.constantFrom(...(VALID_FIELD.clientId ?? []), "abcdefg!", "abcdefgh ", " abcdefgh", "abcdéfgh"),
  made(fc.constantFrom("a", "Z", "9", "_", "-", "+", "="), 8, 64),
  hostileString,
);
const seq = fc.oneof(fc.constantFrom(0, 1, -0, -1, 0.5, 2 ** 53 - 1, 2 ** 53, Number.NaN, Infinity, "7"), fc.integer(), fc.double());

// The relay takes a chat or an ack through its quick parse first, and through the schema only
// when that says undefined: it must never accept what the schema refuses, nor give another value.
const quickParses: [string, (input: unknown) => unknown, z.ZodType, fc.Arbitrary<unknown>][] = [
  ["quickChatPayload", quickChatPayload, ChatPayload, fc.record({ room, text, clientId }, { requiredKeys: ["room", "text"] })],
  ["quickAckPayload", quickAckPayload, AckPayload, fc.record({ room, seq }, { requiredKeys: [] })],
];
describe.each(quickParses)("%s under fuzzing", (_name, quick, schema, near) => {
  it("accepts only what its schema accepts, as the schema gives it", () => {
    let accepted = 0;
    fc.assert(
      fc.property(fc.oneof(anything, shaped(schema), near, hostileString), (input) => {
        const fast: unknown = quick(input);
        if (fast === undefined) return;
        const parsed = schema.safeParse(input);
        expect(parsed.success).toBe(true);
        expect(fast).toStrictEqual(parsed.data);
        accepted += 1;
      }),
      { ...RUNS, numRuns: 2_000 },
    );
    expect(accepted).toBeGreaterThan(0);
  });
});
