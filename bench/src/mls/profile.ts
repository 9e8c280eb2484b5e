import { Session, type Profiler } from "node:inspector/promises";
import type { CpuProfile, ProfileLens } from "../report/cpu-profile.js";

/**
 * How to read an MLS client's profile: ts-mls by part (tree hashing, its TLS codec, the key
 * schedule, its crypto wrappers), the primitives' libraries, Pigeon's crypto package, and
 * native code (node:crypto's C++ and V8 builtins) in one area.
 */
export const MLS_LENS: ProfileLens = {
  areas: [
    ["ts-mls: tree hash and parent hash", /ts-mls\/dist\/src\/(treeHash|parentHash)\.js/],
    ["ts-mls: TLS codec (encode, decode)", /ts-mls\/dist\/src\/codec\//],
    ["ts-mls: enum lookups", /ts-mls\/dist\/src\/util\/enumHelpers\.js/],
    ["ts-mls: key schedule and secret tree", /ts-mls\/dist\/src\/(keySchedule|secretTree|epochReceiverData)\.js/],
    ["ts-mls: crypto wrappers", /ts-mls\/dist\/src\/crypto\//],
    ["ts-mls: other", /ts-mls\//],
    ["@hpke (HPKE)", /@hpke\//],
    ["@noble/curves (X25519, Ed25519)", /@noble\/curves\//],
    ["@noble/hashes (SHA-256, HMAC, HKDF)", /@noble\/hashes\//],
    ["@noble/ciphers (AES-GCM)", /@noble\/ciphers\//],
    ["Pigeon crypto (MlsGroup, node provider)", /packages\/crypto\//],
    ["node internals (crypto, WebCrypto)", /^node:|^internal\//],
  ],
  nativeArea: "native (node:crypto C++, V8 builtins)",
  inclusive: /ts-mls\//,
  namedInclusiveOnly: true,
  inclusiveTitle: "ts-mls function",
};

// Finer than V8's default 1 ms: a join at 100 members is about 100 ms.
const SAMPLING_INTERVAL_MICROS = 200;

/**
 * Runs `work` under V8's sampling profiler (node:inspector, this process) and returns the
 * profile: only `work`, none of the setup around it.
 *
 * @example
 * const profile = await cpuProfileOf(() => decryptAll(receiver, held));
 */
export async function cpuProfileOf(work: () => Promise<void>): Promise<CpuProfile> {
  const session = new Session();
  session.connect();
  let profile: Profiler.Profile;
  try {
    await session.post("Profiler.enable");
    await session.post("Profiler.setSamplingInterval", { interval: SAMPLING_INTERVAL_MICROS });
    await session.post("Profiler.start");
    try {
      await work();
    } finally {
      profile = (await session.post("Profiler.stop")).profile;
      await session.post("Profiler.disable");
    }
    return { ...profile, samples: profile.samples ?? [], timeDeltas: profile.timeDeltas ?? [] };
  } finally {
    session.disconnect();
  }
}
