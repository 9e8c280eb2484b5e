import { readFile } from "node:fs/promises";

/** The parts of a V8 CPU profile (CDP `Profiler.stop`) that the summary reads. */
export interface CpuProfile {
  readonly nodes: readonly {
    readonly id: number;
    readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number; readonly columnNumber: number };
  }[];
  readonly startTime: number;
  readonly endTime: number;
  readonly samples?: readonly number[];
  readonly timeDeltas?: readonly number[];
}

/** Self time of one function (or of one area), over the profile. */
export interface ProfileEntry {
  readonly name: string;
  /** The source file and line (from the build's source map), or the script URL. */
  readonly where: string;
  readonly selfMs: number;
  /** Share of the profile's busy time (idle excluded), %. */
  readonly share: number;
}

/** What a profile says about the main thread. */
export interface ProfileSummary {
  readonly profiledMs: number;
  readonly busyMs: number;
  readonly idleMs: number;
  /** The functions with the most self time. */
  readonly top: readonly ProfileEntry[];
  /** Self time by area: ts-mls, @noble, React, the SDK, the app, socket.io, GC, … */
  readonly areas: readonly ProfileEntry[];
  /** The crypto libraries together (ts-mls, @noble, @hpke, @pigeon/crypto): their JS on the main thread. */
  readonly crypto: ProfileEntry;
}

/** The areas whose time is the crypto's. */
const CRYPTO_AREAS = new Set(["ts-mls (MLS)", "@noble (signatures, hashes)", "@hpke (HPKE)", "@pigeon/crypto", "WebCrypto calls (main-thread part)"]);

/** Native functions that are WebCrypto's (crypto.subtle.*, getRandomValues): their main-thread part. */
const WEBCRYPTO = new Set(["digest", "sign", "verify", "encrypt", "decrypt", "importKey", "exportKey", "deriveBits", "deriveKey", "generateKey", "getRandomValues"]);

/** Where a position of the built script came from. */
interface Origin {
  readonly source: string;
  readonly line: number;
  readonly name: string | undefined;
}

/** A decoded source map v3: per generated line, its segments (column, source, line, name). */
class SourceMap {
  readonly #lines: (readonly (readonly number[])[])[];
  readonly #sources: readonly string[];
  readonly #names: readonly string[];

  constructor(raw: { mappings: string; sources: readonly string[]; names?: readonly string[] }) {
    this.#sources = raw.sources;
    this.#names = raw.names ?? [];
    this.#lines = decodeMappings(raw.mappings);
  }

  /** The origin of the generated (0-based) line and column: the last segment at or before it. */
  originOf(line: number, column: number): Origin | undefined {
    const segments = this.#lines[line];
    if (segments === undefined) return undefined;
    let found: readonly number[] | undefined;
    for (const segment of segments) {
      if ((segment[0] ?? 0) > column) break;
      if (segment.length >= 4) found = segment;
    }
    if (found === undefined) return undefined;
    const [, source = 0, originalLine = 0, , name] = found;
    return { source: this.#sources[source] ?? "?", line: originalLine + 1, name: name === undefined ? undefined : this.#names[name] };
  }
}

const BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/** Decodes a source map's VLQ `mappings` into absolute [column, source, line, column, name?] segments. */
export function decodeMappings(mappings: string): number[][][] {
  const lines: number[][][] = [];
  const state = [0, 0, 0, 0, 0];
  for (const lineText of mappings.split(";")) {
    const segments: number[][] = [];
    state[0] = 0;
    for (const segmentText of lineText.split(",")) {
      if (segmentText === "") continue;
      const fields: number[] = [];
      let value = 0;
      let shift = 0;
      for (const char of segmentText) {
        const digit = BASE64.indexOf(char);
        value += (digit & 31) << shift;
        if (digit & 32) {
          shift += 5;
          continue;
        }
        fields.push(value & 1 ? -(value >>> 1) : value >>> 1);
        value = 0;
        shift = 0;
      }
      const absolute = fields.map((field, index) => {
        state[index] = (state[index] ?? 0) + field;
        return state[index] ?? 0;
      });
      segments.push(absolute);
    }
    lines.push(segments);
  }
  return lines;
}

/** A source path shortened to the package (or app folder) and file, e.g. `ts-mls/dist/src/treeHash.js`. */
export function shortSource(source: string): string {
  const pnpm = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+\/.*)$/u.exec(source);
  if (pnpm?.[1] !== undefined) return pnpm[1];
  const workspace = /(?:^|\/)((?:packages|apps)\/.*)$/u.exec(source);
  return workspace?.[1] ?? source;
}

/** The area a source file belongs to, for the summary by area. */
function areaOf(source: string): string {
  if (source.startsWith("ts-mls/")) return "ts-mls (MLS)";
  if (source.startsWith("@noble/")) return "@noble (signatures, hashes)";
  if (source.startsWith("@hpke/")) return "@hpke (HPKE)";
  if (/^(react|react-dom|scheduler)\//u.test(source)) return "React";
  if (/^(socket\.io|engine\.io)/u.test(source)) return "socket.io";
  if (source.startsWith("packages/client/")) return "SDK (@pigeon/client)";
  if (source.startsWith("packages/crypto/")) return "@pigeon/crypto";
  if (source.startsWith("packages/protocol/") || source.startsWith("zod/")) return "protocol, zod";
  if (source.startsWith("apps/web/")) return "web app";
  return "other scripts";
}

/**
 * Self time by function and by area, with positions in the built script mapped back to source
 * files through the build's source map (the production script is minified). `mapFor` finds the
 * map of a script URL's file name.
 */
export async function summarizeProfile(profile: CpuProfile, mapFor: (scriptName: string) => string | undefined, topCount = 15): Promise<ProfileSummary> {
  const maps = new Map<string, SourceMap | undefined>();
  const mapOf = async (url: string): Promise<SourceMap | undefined> => {
    const name = url.split("/").pop()?.split("?")[0] ?? "";
    if (!maps.has(name)) {
      const path = name === "" ? undefined : mapFor(name);
      maps.set(name, path === undefined ? undefined : new SourceMap(JSON.parse(await readFile(path, "utf8")) as ConstructorParameters<typeof SourceMap>[0]));
    }
    return maps.get(name);
  };
  // Each sample's duration is the delta to the next sample.
  const selfByNode = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (let index = 0; index < samples.length; index += 1) {
    const node = samples[index];
    const duration = (deltas[index + 1] ?? 0) / 1_000;
    if (node !== undefined) selfByNode.set(node, (selfByNode.get(node) ?? 0) + duration);
  }
  const byFunction = new Map<string, { name: string; where: string; area: string; selfMs: number }>();
  let idleMs = 0;
  let totalMs = 0;
  for (const node of profile.nodes) {
    const selfMs = selfByNode.get(node.id) ?? 0;
    if (selfMs === 0) continue;
    totalMs += selfMs;
    const { functionName, url, lineNumber, columnNumber } = node.callFrame;
    if (functionName === "(idle)") {
      idleMs += selfMs;
      continue;
    }
    let name = functionName === "" ? "(anonymous)" : functionName;
    let where = url === "" ? "" : `${url.split("/").pop() ?? url}:${lineNumber + 1}`;
    let area = url === "" ? (functionName.startsWith("(") ? functionName : WEBCRYPTO.has(functionName) ? "WebCrypto calls (main-thread part)" : "native (V8, browser)") : "other scripts";
    const map = url === "" ? undefined : await mapOf(url);
    const origin = map?.originOf(lineNumber, columnNumber);
    if (origin !== undefined) {
      const source = shortSource(origin.source);
      where = `${source}:${origin.line}`;
      area = areaOf(source);
      if (origin.name !== undefined && (functionName === "" || functionName.length <= 2)) name = origin.name;
    }
    const key = `${name}@${where}`;
    const entry = byFunction.get(key) ?? { name, where, area, selfMs: 0 };
    entry.selfMs += selfMs;
    byFunction.set(key, entry);
  }
  const busyMs = totalMs - idleMs;
  const share = (ms: number) => (busyMs > 0 ? (100 * ms) / busyMs : 0);
  const top = [...byFunction.values()]
    .sort((a, b) => b.selfMs - a.selfMs)
    .slice(0, topCount)
    .map(({ name, where, selfMs }) => ({ name, where, selfMs, share: share(selfMs) }));
  const areaTotals = new Map<string, number>();
  for (const { area, selfMs } of byFunction.values()) areaTotals.set(area, (areaTotals.get(area) ?? 0) + selfMs);
  const areas = [...areaTotals.entries()].sort((a, b) => b[1] - a[1]).map(([name, selfMs]) => ({ name, where: "", selfMs, share: share(selfMs) }));
  const cryptoMs = areas.filter((area) => CRYPTO_AREAS.has(area.name)).reduce((sum, area) => sum + area.selfMs, 0);
  const crypto = { name: [...CRYPTO_AREAS].join(" + "), where: "", selfMs: cryptoMs, share: share(cryptoMs) };
  return { profiledMs: (profile.endTime - profile.startTime) / 1_000, busyMs, idleMs, top, areas, crypto };
}
