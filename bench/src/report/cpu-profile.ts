import { readFileSync } from "node:fs";
import type { MonotonicWindow } from "../measure/cpu.js";

/** The parts of a V8 .cpuprofile (what `node --cpu-prof` writes) that a summary needs. */
export interface CpuProfile {
  readonly startTime: number;
  readonly nodes: readonly {
    readonly id: number;
    readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
    readonly children?: readonly number[];
  }[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/** Self time of one function (or of one code area). */
export interface SelfTime {
  readonly name: string;
  readonly selfMs: number;
  /** Share of all non-idle samples. */
  readonly share: number;
}

/** Where a profile's CPU went: by function and by code area. */
export interface ProfileSummary {
  readonly totalMs: number;
  readonly idleMs: number;
  readonly functions: readonly SelfTime[];
  readonly areas: readonly SelfTime[];
  /** The lens's own functions by inclusive time (everything they call): the cost of each. */
  readonly inclusive: readonly SelfTime[];
}

/** How to read a profile: which code areas to sum self time into, and whose functions to rank. */
export interface ProfileLens {
  /** Code areas by where a function's source lives; the first match wins. */
  readonly areas: readonly (readonly [string, RegExp])[];
  /** Native frames (no source) in one area of this name; by their own names when absent. */
  readonly nativeArea?: string;
  /** Functions ranked by inclusive time: those whose source matches. */
  readonly inclusive: RegExp;
  /** Leave anonymous functions out of the inclusive ranking (codecs made of closures). */
  readonly namedInclusiveOnly?: boolean;
  /** The inclusive table's heading. */
  readonly inclusiveTitle: string;
}

/** Pigeon's server: its own code (server, relay, protocol, MLS framing) against its libraries. */
export const PIGEON_LENS: ProfileLens = {
  areas: [
    ["Pigeon server", /apps\/server\//],
    ["Pigeon relay", /packages\/relay\//],
    ["Pigeon protocol (schemas)", /packages\/protocol\//],
    ["Pigeon MLS framing", /packages\/mls-framing\//],
    ["ts-mls (decoders the framing uses)", /\/ts-mls\//],
    ["zod", /\/zod\//],
    ["socket.io-parser", /\/socket\.io-parser\//],
    ["socket.io-adapter", /\/socket\.io-adapter\//],
    ["socket.io", /\/socket\.io\//],
    ["engine.io", /\/engine\.io\//],
    ["ws", /\/ws\//],
    ["pino", /\/(pino|sonic-boom|thread-stream)/],
    ["node internals", /^node:|^internal\//],
  ],
  inclusive: /(apps\/server|packages\/(relay|protocol|mls-framing))\//,
  inclusiveTitle: "Pigeon function",
};

/**
 * Summarises a .cpuprofile: self time per function (name and source location) and per code area
 * (Pigeon, zod, socket.io, engine.io, ws, node, GC, ...), idle time left out of the shares.
 * With a window (on the monotonic clock V8 profiles use), only samples inside it count.
 *
 * @example
 * const summary = summariseCpuProfile(JSON.parse(readFileSync(file, "utf8")) as CpuProfile, 25);
 */
export function summariseCpuProfile(profile: CpuProfile, limit: number, window?: MonotonicWindow, lens: ProfileLens = PIGEON_LENS): ProfileSummary {
  const selfMicros = new Map<number, number>();
  let at = profile.startTime;
  profile.samples.forEach((id, index) => {
    const delta = profile.timeDeltas[index] ?? 0;
    at += delta;
    if (window && (at < window.startMicros || at > window.endMicros)) return;
    selfMicros.set(id, (selfMicros.get(id) ?? 0) + delta);
  });
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
  const inclusive = new Map<string, number>();
  const byFunction = new Map<string, number>();
  const byArea = new Map<string, number>();
  let idleMicros = 0;
  let totalMicros = 0;
  for (const node of profile.nodes) {
    const micros = selfMicros.get(node.id) ?? 0;
    if (micros === 0) continue;
    totalMicros += micros;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === "(idle)") {
      idleMicros += micros;
      continue;
    }
    const name = functionLabel(functionName, url, lineNumber);
    byFunction.set(name, (byFunction.get(name) ?? 0) + micros);
    const area = areaOf(lens, functionName, url);
    byArea.set(area, (byArea.get(area) ?? 0) + micros);
    // Every ranked function on this sample's stack, each once (recursion counts once).
    const seen = new Set<string>();
    for (let id: number | undefined = node.id; id !== undefined; id = parentOf.get(id)) {
      const frame = nodes.get(id)?.callFrame;
      if (!frame || !lens.inclusive.test(frame.url) || (lens.namedInclusiveOnly === true && frame.functionName === "")) continue;
      seen.add(functionLabel(frame.functionName, frame.url, frame.lineNumber));
    }
    for (const label of seen) inclusive.set(label, (inclusive.get(label) ?? 0) + micros);
  }
  const busy = Math.max(1, totalMicros - idleMicros);
  const ranked = (totals: Map<string, number>, count: number) =>
    [...totals]
      .sort((a, b) => b[1] - a[1])
      .slice(0, count)
      .map(([name, micros]) => ({ name, selfMs: micros / 1000, share: micros / busy }));
  return {
    totalMs: totalMicros / 1000,
    idleMs: idleMicros / 1000,
    functions: ranked(byFunction, limit),
    areas: ranked(byArea, lens.areas.length + 8),
    inclusive: ranked(inclusive, limit),
  };
}

function areaOf(lens: ProfileLens, functionName: string, url: string): string {
  if (url === "") return functionName.startsWith("(") || lens.nativeArea === undefined ? functionName : lens.nativeArea;
  return lens.areas.find(([, pattern]) => pattern.test(url))?.[0] ?? "other JavaScript";
}

function functionLabel(functionName: string, url: string, lineNumber: number): string {
  const name = functionName || "(anonymous)";
  if (url === "") return name;
  const file = url
    .replace(/^file:\/\//, "")
    .replace(/^.*node_modules\/\.pnpm\/[^/]+\/node_modules\//, "")
    .replace(/^.*\/(apps|packages)\//, "$1/")
    .replace(/^ts-mls\/dist\/src\//, "ts-mls/");
  return `${name} ${file}:${String(lineNumber + 1)}`;
}

/** Reads and summarises a .cpuprofile file. */
export function summariseCpuProfileFile(path: string, limit: number, window?: MonotonicWindow): ProfileSummary {
  return summariseCpuProfile(JSON.parse(readFileSync(path, "utf8")) as CpuProfile, limit, window);
}

/** A summary as markdown: the code areas, then the top functions by self time. */
export function profileMarkdown(title: string, summary: ProfileSummary, lens: ProfileLens = PIGEON_LENS): string {
  const line = ({ name, selfMs, share }: SelfTime) => `| ${name.replace(/\|/g, "\\|")} | ${selfMs.toFixed(0)} | ${(share * 100).toFixed(1)}% |`;
  return [
    `#### ${title}`,
    "",
    `${(summary.totalMs / 1000).toFixed(2)} s sampled, ${(summary.idleMs / 1000).toFixed(2)} s idle; shares are of the busy time.`,
    "",
    "| code area | self ms | share |",
    "| --- | --- | --- |",
    ...summary.areas.map(line),
    "",
    "| function | self ms | share |",
    "| --- | --- | --- |",
    ...summary.functions.map(line),
    "",
    `| ${lens.inclusiveTitle} | inclusive ms | share |`,
    "| --- | --- | --- |",
    ...summary.inclusive.map(line),
  ].join("\n");
}
