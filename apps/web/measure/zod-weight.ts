// Issue 16: what zod costs the browser bundle, zod ("classic") against zod/mini, for the same
// schemas (zod-weight/*.ts use the features @pigeon/protocol uses). Run with
//   pnpm --filter @pigeon/web exec tsx measure/zod-weight.ts
// Each fixture is bundled alone (Vite library build, minified, for the browser); prints bytes
// minified and brotli-compressed (quality 11).
import { fileURLToPath } from "node:url";
import { brotliCompressSync, constants } from "node:zlib";
import { build } from "vite";

const FIXTURES = ["classic", "mini", "one-string"] as const;

for (const name of FIXTURES) {
  const built = await build({
    configFile: false,
    logLevel: "silent",
    build: { write: false, minify: true, target: "es2022", lib: { entry: fileURLToPath(new URL(`zod-weight/${name}.ts`, import.meta.url)), formats: ["es"] } },
  });
  if (!("output" in built) && !Array.isArray(built)) throw new Error("expected a build, not a watcher");
  const code = [built].flat().flatMap((result) => result.output).flatMap((chunk) => (chunk.type === "chunk" ? [chunk.code] : [])).join("");
  const brotli = brotliCompressSync(code, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
  process.stdout.write(`${name.padEnd(11)} ${(Buffer.byteLength(code) / 1_000).toFixed(1).padStart(6)} kB minified  ${(brotli / 1_000).toFixed(1).padStart(5)} kB brotli\n`);
}
