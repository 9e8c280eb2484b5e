// Property-based fuzzing of the framing readers (issue 14): the relay reads every `mls` and
// `createGroup` payload with them, so any throw other than FramingError would reach a client
// as INTERNAL. Valid messages and GroupInfos are mutated (bytes flipped, cut, inserted,
// removed) so the decoders get past the first byte. FUZZ_SEED=<n> replays a run.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FramingError } from "./errors.js";
import { applicationMessage, emptyCommit, groupInfoObject, groupInfoOf, joinExternally, newGroup, signer } from "./groups.fixture.js";
import { readGroupInfo } from "./read-group-info.js";
import { readMlsMessage } from "./read-message.js";

const SEED = Number(process.env.FUZZ_SEED ?? 14_2026);
const SCALE = Number(process.env.FUZZ_RUNS ?? 1);
const RUNS = { seed: SEED, numRuns: 1_000 * SCALE } as const;

const alice = signer("alice");
const bob = signer("bob");
const state = await newGroup("pigeon/inc/team", alice);
const joined = await joinExternally(await groupInfoObject(state), bob);
const samples = {
  "an application message": await applicationMessage(state, "hello"),
  "an external commit": joined.commit,
  "a member's public commit": await emptyCommit(joined.state, true),
  "a GroupInfo": await groupInfoOf(joined.state),
  "a GroupInfo without its tree": await groupInfoOf(joined.state, false),
};

type Edit = { kind: "set" | "insert"; at: number; byte: number } | { kind: "remove" | "cut"; at: number };

const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ kind: fc.constantFrom("set" as const, "insert" as const), at: fc.nat(), byte: fc.oneof(fc.constantFrom(0, 1, 0x40, 0x7f, 0x80, 0xff), fc.nat(255)) }),
  fc.record({ kind: fc.constantFrom("remove" as const, "cut" as const), at: fc.nat() }),
);

function mutate(original: Uint8Array, edits: readonly Edit[]): Uint8Array {
  const bytes = [...original];
  for (const change of edits) {
    const at = bytes.length === 0 ? 0 : change.at % bytes.length;
    if (change.kind === "set") bytes[at] = change.byte;
    else if (change.kind === "insert") bytes.splice(at, 0, change.byte);
    else if (change.kind === "remove") bytes.splice(at, 1);
    else bytes.length = at;
  }
  return Uint8Array.from(bytes);
}

/** Reads `bytes`: a value or a FramingError, nothing else. */
function readsOrRefuses(read: (bytes: Uint8Array) => unknown, bytes: Uint8Array): void {
  try {
    read(bytes);
  } catch (error) {
    expect(error, String(error)).toBeInstanceOf(FramingError);
  }
}

describe.each(Object.entries(samples))("framing readers on mutations of %s", (_label, sample) => {
  it("read it or refuse it with a FramingError, never another throw", () => {
    fc.assert(
      fc.property(fc.array(edit, { minLength: 1, maxLength: 4 }), (edits) => {
        const bytes = mutate(sample, edits);
        readsOrRefuses(readMlsMessage, bytes);
        readsOrRefuses(readGroupInfo, bytes);
      }),
      RUNS,
    );
  }, 30_000 * SCALE);
});
