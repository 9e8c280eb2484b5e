import type { MlsClientResult, MlsProfile } from "../mls/client-result.js";
import { PROVIDER_LABELS, PROVIDERS } from "../mls/suites.js";
import type { FanoutResult } from "../workloads/fanout.js";
import type { SelfTime } from "./cpu-profile.js";
import { formatBytes, formatMs, formatRate, formatRatio } from "./format.js";
import { section } from "./table.js";

/**
 * Encrypted rooms against plain keyed rooms, same sizes and offered load, Pigeon only: the
 * relay does no crypto, so what is left is the bigger frame and reading the MLS framing.
 *
 * @example
 * encryptedFanout(report.fanout) // "" when no encrypted case ran
 */
export function encryptedFanout(results: readonly FanoutResult[]): string {
  const pairs = results
    .filter((result) => result.server === "pigeon" && result.mode === "encrypted")
    .sort((a, b) => a.roomSize - b.roomSize)
    .map((encrypted) => ({ encrypted, keyed: results.find((result) => result.server === "pigeon" && result.mode === "keyed" && result.roomSize === encrypted.roomSize) }));
  if (pairs.length === 0) return "";
  const both = (keyed: FanoutResult | undefined, encrypted: FanoutResult, format: (result: FanoutResult) => string) =>
    `${keyed ? format(keyed) : "–"} / ${format(encrypted)}`;
  const cpuMicrosPerDelivery = (result: FanoutResult) => ((result.serverCpuSeconds / Math.max(1, result.delivered)) * 1e6).toFixed(2);
  const throughput = (result: FanoutResult) => formatRate(result.delivered / result.wallSeconds);
  return section(
    "#### Encrypted rooms against plain keyed rooms (Pigeon, same rooms and offered load)",
    [
      "room size × rooms",
      "deliveries per server CPU-s (plain / encrypted)",
      "encrypted vs plain",
      "server CPU µs per delivery (plain / encrypted)",
      "deliveries/s (plain / encrypted)",
      "server CPU use (plain / encrypted)",
      "bytes per delivery (plain / encrypted)",
      "probe latency p50 / p99 ms (plain; encrypted)",
      "delivered (encrypted)",
    ],
    pairs.map(({ encrypted, keyed }) => [
      `${String(encrypted.roomSize)} × ${String(encrypted.rooms)}`,
      both(keyed, encrypted, (result) => formatRate(result.deliveriesPerCpuSecond)),
      keyed ? formatRatio(encrypted.deliveriesPerCpuSecond / keyed.deliveriesPerCpuSecond) : "–",
      both(keyed, encrypted, cpuMicrosPerDelivery),
      both(keyed, encrypted, throughput),
      both(keyed, encrypted, (result) => result.serverUtilization.toFixed(2)),
      both(keyed, encrypted, (result) => `${result.bytesPerDelivery.toFixed(0)} B`),
      `${keyed ? `${formatMs(keyed.latency.p50Ms)} / ${formatMs(keyed.latency.p99Ms)}` : "–"}; ${formatMs(encrypted.latency.p50Ms)} / ${formatMs(encrypted.latency.p99Ms)}`,
      `${String(encrypted.delivered)}/${String(encrypted.expected)}`,
    ]),
    "Each encrypted room's first member creates the room's MLS group (a real one) and uploads its GroupInfo; senders then send real application messages it made in epoch 0 " +
      "(64-character texts, padded by MLS), which the relay checks by their framing only; receivers count frames and ack, as keyed members do in plain rooms.",
  );
}

/**
 * The MLS client measurement: messages, joins, and where the CPU goes, both providers side by side.
 *
 * @example
 * mlsClient(report.mlsClient) // "" when it did not run
 */
export function mlsClient(result: MlsClientResult | undefined): string {
  if (!result) return "";
  const messages = section(
    `#### MLS client: application messages in a room of ${String(result.messages[0]?.roomSize ?? "?")} (one process, pinned)`,
    ["provider", "encrypted per CPU-s", "decrypted per CPU-s", "held messages decrypted by a returning member", "on the wire"],
    result.messages.map((entry) => [
      PROVIDER_LABELS[entry.provider],
      formatRate(entry.encryptPerCpuSecond),
      formatRate(entry.decryptPerCpuSecond),
      `${String(entry.held)} in ${entry.heldSeconds.toFixed(2)} s`,
      `${String(entry.ciphertextBytes)} B for ${String(entry.plaintextChars)} characters`,
    ]),
    "CPU is the whole process's (process.cpuUsage: WebCrypto's worker threads included); the process is alone on its core.",
  );
  const sizes = [...new Set(result.joins.map((join) => join.members))].sort((a, b) => a - b);
  const joinOf = (members: number, provider: (typeof PROVIDERS)[number]) => result.joins.find((join) => join.members === members && join.provider === provider);
  const perProvider = (members: number, pick: (join: NonNullable<ReturnType<typeof joinOf>>) => number) =>
    PROVIDERS.map((provider) => {
      const join = joinOf(members, provider);
      return join ? `${pick(join).toFixed(0)} ms` : "–";
    }).join(" / ");
  const providers = PROVIDERS.map((provider) => PROVIDER_LABELS[provider].replace(/ \(.*/, "")).join(" / ");
  const joins = section(
    "#### MLS client: a newcomer joins by external commit",
    ["members", `newcomer's join (${providers})`, `a member processes it (${providers})`, "GroupInfo", "external commit", "newcomers (median)"],
    sizes.map((members) => {
      const any = result.joins.find((join) => join.members === members);
      return [
        String(members),
        perProvider(members, (join) => join.newcomerMs),
        perProvider(members, (join) => join.processMs),
        any ? formatBytes(any.groupInfoBytes) : "–",
        any ? formatBytes(any.commitBytes) : "–",
        String(any?.repetitions ?? 0),
      ];
    }),
    `Rooms grown by external joins, as Pigeon rooms grow (${result.buildSeconds.toFixed(0)} s with the node provider, not measured). ` +
      "The newcomer's join includes checking the GroupInfo's tree and making the commit and the next GroupInfo; every member pays the second column for every join.",
  );
  return [messages, joins, profiles(result.profiles)].filter((part) => part !== "").join("\n\n");
}

const PROFILE_ROWS = 8;

function profiles(list: readonly MlsProfile[]): string {
  if (list.length === 0) return "";
  const head = ["", ...list.map((profile) => `${profile.phase}, ${profile.provider}`)];
  const areaNames = [...new Set(list.flatMap((profile) => profile.summary.areas.filter((area) => area.share >= 0.01).map((area) => area.name)))];
  const share = (entries: readonly SelfTime[], name: string) => {
    const entry = entries.find((candidate) => candidate.name === name);
    return entry ? `${(entry.share * 100).toFixed(0)}%` : "–";
  };
  const ranked = (pick: (profile: MlsProfile) => readonly SelfTime[]) =>
    Array.from({ length: PROFILE_ROWS }, (_, rank) => [
      String(rank + 1),
      ...list.map((profile) => {
        const entry = pick(profile)[rank];
        return entry ? `${entry.name.replace(/\|/g, "\\|")} ${(entry.share * 100).toFixed(0)}%` : "";
      }),
    ]);
  const details = list.map((profile) => `${profile.phase}, ${profile.provider}: ${profile.detail}`).join("; ");
  return [
    section(
      "#### MLS client: where the CPU goes (V8 CPU profiles, shares of busy samples)",
      ["code area", ...head.slice(1)],
      areaNames.map((name) => [name, ...list.map((profile) => share(profile.summary.areas, name))]),
      `Profiled: ${details}. Native frames are node:crypto's and V8's C++ (for WebCrypto, each call is a job handed to a worker thread and back).`,
    ),
    section("##### ts-mls functions by inclusive time", ["#", ...head.slice(1)], ranked((profile) => profile.summary.inclusive)),
    section("##### Functions by self time", ["#", ...head.slice(1)], ranked((profile) => profile.summary.functions)),
  ].join("\n\n");
}
