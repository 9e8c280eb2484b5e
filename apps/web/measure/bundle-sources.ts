// Issue 16: what the web client's scripts are made of, by package, from the production build's
// source maps: which libraries the bytes (minified, and their share) come from. Run with
//   pnpm --filter @pigeon/web measure:bundle [-- --label NAME]
// It writes measure/results/bundle-<label>.json (default label: latest).
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { decodeMappings, shortSource } from "./cpu-profile.js";

/** Minified bytes of one script, by the package (or workspace folder) they came from. */
export interface ScriptSources {
  readonly file: string;
  readonly bytes: number;
  readonly byPackage: Record<string, number>;
}

/** `zod/v4/core/schemas.js` -> `zod`, `packages/protocol/src/x.ts` -> `@pigeon/protocol`, `apps/web/src/..` -> `apps/web`. */
export function packageOf(source: string): string {
  const short = shortSource(source);
  const workspace = /^(packages|apps)\/([^/]+)\//u.exec(short);
  if (workspace !== null) return workspace[1] === "packages" ? `@pigeon/${workspace[2] ?? "?"}` : `apps/${workspace[2] ?? "?"}`;
  const scoped = /^(@[^/]+\/[^/]+)\//u.exec(short);
  if (scoped?.[1] !== undefined) return scoped[1];
  return short.split("/")[0] ?? short;
}

/**
 * Attributes each byte of the script to the source its source-map segment points at (a segment
 * covers the bytes up to the next one); bytes no segment covers are "(unmapped)".
 */
export function attribute(code: string, map: { mappings: string; sources: readonly string[] }): Record<string, number> {
  const lines = code.split("\n");
  const decoded = decodeMappings(map.mappings);
  const byPackage: Record<string, number> = {};
  const add = (name: string, bytes: number) => {
    if (bytes > 0) byPackage[name] = (byPackage[name] ?? 0) + bytes;
  };
  for (const [index, line] of lines.entries()) {
    const segments = decoded[index] ?? [];
    // Columns count UTF-16 units, not bytes: the build is ASCII but for a few strings, close enough for shares.
    const length = line.length + (index < lines.length - 1 ? 1 : 0);
    add("(unmapped)", segments[0]?.[0] ?? length);
    for (const [position, segment] of segments.entries()) {
      const start = segment[0] ?? 0;
      const end = segments[position + 1]?.[0] ?? length;
      const source = segment.length >= 4 ? map.sources[segment[1] ?? 0] : undefined;
      add(source === undefined ? "(unmapped)" : packageOf(source), end - start);
    }
  }
  return byPackage;
}

/** Every script of a build (with its hidden source map beside it) by package. */
export async function bundleSources(buildDir: string): Promise<ScriptSources[]> {
  const assets = join(buildDir, "assets");
  const names = (await readdir(assets)).filter((name) => name.endsWith(".js"));
  const scripts: ScriptSources[] = [];
  for (const name of names) {
    const code = await readFile(join(assets, name), "utf8");
    const raw = await readFile(join(assets, `${name}.map`), "utf8").catch(() => undefined);
    const byPackage = raw === undefined ? { "(no map)": Buffer.byteLength(code) } : attribute(code, JSON.parse(raw) as { mappings: string; sources: string[] });
    scripts.push({ file: name, bytes: Buffer.byteLength(code), byPackage });
  }
  return scripts.sort((a, b) => b.bytes - a.bytes);
}
