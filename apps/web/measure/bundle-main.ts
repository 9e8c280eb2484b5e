import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { brotliCompressSync, constants } from "node:zlib";
import { bundleSources } from "./bundle-sources.js";
import { buildWeb } from "./web-build.js";

/** Builds the client, attributes its scripts' bytes to packages, prints and writes the JSON. */
export async function main(argv: readonly string[]): Promise<number> {
  const { values } = parseArgs({ args: argv[0] === "--" ? argv.slice(1) : [...argv], options: { label: { type: "string" } }, strict: true });
  const label = values.label ?? "latest";
  if (!/^[\w.-]+$/u.test(label)) throw new Error(`--label must be letters, digits, _ . -; got ${label}`);
  const web = await buildWeb();
  try {
    const scripts = await bundleSources(web.dir);
    const totals: Record<string, number> = {};
    for (const script of scripts) for (const [name, bytes] of Object.entries(script.byPackage)) totals[name] = (totals[name] ?? 0) + bytes;
    const brotli = async (file: string) =>
      brotliCompressSync(await readFile(join(web.dir, "assets", file)), { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
    const results = {
      label,
      date: new Date().toISOString(),
      scripts: await Promise.all(scripts.map(async (script) => ({ ...script, brotli: await brotli(script.file) }))),
      byPackage: Object.fromEntries(Object.entries(totals).sort((a, b) => b[1] - a[1])),
    };
    const out = fileURLToPath(new URL(`results/bundle-${label}.json`, import.meta.url));
    await mkdir(dirname(out), { recursive: true });
    await writeFile(out, `${JSON.stringify(results, null, 2)}\n`);
    const total = scripts.reduce((sum, script) => sum + script.bytes, 0);
    for (const [name, bytes] of Object.entries(results.byPackage).slice(0, 20)) {
      process.stdout.write(`${name.padEnd(28)} ${(bytes / 1_000).toFixed(1).padStart(7)} kB  ${((bytes / total) * 100).toFixed(1).padStart(5)}%\n`);
    }
    process.stdout.write(`${"all scripts".padEnd(28)} ${(total / 1_000).toFixed(1).padStart(7)} kB\nJSON: ${out}\n`);
    return 0;
  } finally {
    await web.remove();
  }
}
