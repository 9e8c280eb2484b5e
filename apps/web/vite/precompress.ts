import { readdir, readFile, stat, writeFile } from "node:fs/promises";
import { extname, join, resolve } from "node:path";
import { promisify } from "node:util";
import { brotliCompress, constants, gzip } from "node:zlib";
import type { Plugin } from "vite";

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

/** What compresses: text. Images like PNG are compressed already; SVG is text. */
const COMPRESSIBLE = new Set([".html", ".js", ".mjs", ".css", ".svg", ".json", ".webmanifest", ".txt", ".map", ".wasm"]);

/** A file's size and, where written, its compressed copies' sizes, bytes. */
export interface CompressedSizes {
  original: number;
  br?: number;
  gz?: number;
}

/** The copies written beside a file, as the relay looks for them (packages/relay/src/transport/web-files.ts). */
async function compressFile(path: string): Promise<CompressedSizes> {
  const bytes = await readFile(path);
  const [br, gz] = await Promise.all([
    brotli(bytes, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
        [constants.BROTLI_PARAM_MODE]: extname(path) === ".wasm" ? constants.BROTLI_MODE_GENERIC : constants.BROTLI_MODE_TEXT,
        [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
      },
    }),
    gzipAsync(bytes, { level: constants.Z_BEST_COMPRESSION }),
  ]);
  // A copy that is not smaller would only cost the relay a file and the browser a decode.
  const sizes: CompressedSizes = { original: bytes.length };
  if (br.length < bytes.length) {
    await writeFile(`${path}.br`, br);
    sizes.br = br.length;
  }
  if (gz.length < bytes.length) {
    await writeFile(`${path}.gz`, gz);
    sizes.gz = gz.length;
  }
  return sizes;
}

/**
 * Writes `.br` and `.gz` copies of each text file under `dir` (see {@link precompress});
 * resolves with the sizes, by path relative to `dir`.
 *
 * @example
 * await precompressDir("dist");
 */
export async function precompressDir(dir: string): Promise<Record<string, CompressedSizes>> {
  const names = (await readdir(dir, { recursive: true, encoding: "utf8" })).filter((name) => COMPRESSIBLE.has(extname(name)));
  const files = (await Promise.all(names.map(async (name) => ((await stat(join(dir, name))).isFile() ? name : undefined)))).filter((name) => name !== undefined);
  const sizes = await Promise.all(files.map((name) => compressFile(join(dir, name))));
  return Object.fromEntries(files.map((name, index) => [name, sizes[index] ?? { original: 0 }]));
}

/**
 * Writes a brotli (`.br`, quality 11) and a gzip (`.gz`, level 9) copy of every text file of
 * the build, index.html and public/ included, once it is written, so the relay sends the
 * smallest one a browser accepts without compressing on each request. A copy is kept only when
 * it is smaller than the file.
 *
 * @example
 * export default defineConfig({ plugins: [react(), precompress()] });
 */
export function precompress(): Plugin {
  let outDir = "";
  return {
    name: "pigeon:precompress",
    apply: "build",
    configResolved(config) {
      outDir = resolve(config.root, config.build.outDir);
    },
    async closeBundle() {
      await precompressDir(outDir);
    },
  };
}
