import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { extname, join, relative, sep } from "node:path";
import type { ContentCoding } from "./accept-encoding.js";

/** One way a file can be sent: as it is, or a compressed copy made at build time. */
export interface Representation {
  readonly path: string;
  readonly size: number;
  /** Strong and distinct per representation, since their bytes differ (RFC 9110 §8.8.3). */
  readonly etag: string;
}

/** A file of the build, by its URL path, with the compressed copies that exist beside it. */
export interface WebFile {
  readonly contentType: string;
  readonly codings: Partial<Record<ContentCoding, Representation>> & { readonly identity: Representation };
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".json": "application/json",
  ".webmanifest": "application/manifest+json",
  ".map": "application/json",
  ".txt": "text/plain; charset=utf-8",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".webp": "image/webp",
  ".woff2": "font/woff2",
  ".wasm": "application/wasm",
};

/** The suffix of each compressed copy (`index-abc.js.br`), as vite-precompress.ts writes them. */
const SUFFIXES: readonly [Exclude<ContentCoding, "identity">, string][] = [
  ["br", ".br"],
  ["gzip", ".gz"],
];

function represent(path: string): Representation {
  const bytes = readFileSync(path);
  const hash = createHash("sha256").update(bytes).digest("base64url").slice(0, 22);
  return { path, size: bytes.length, etag: `"${hash}"` };
}

/**
 * Every file under `dir` by URL path (`/assets/index-abc.js`), read once at startup: a request
 * can only ever name one of these, so no path leads outside the build. Dotfiles are left out,
 * and so are the compressed copies themselves (they are reached through their original).
 * Serving a rebuilt client takes a restart, as the hashes in index.html change anyway.
 *
 * @example
 * const files = indexWebBuild("apps/web/dist");
 * files.get("/index.html")?.codings.br;
 */
export function indexWebBuild(dir: string): ReadonlyMap<string, WebFile> {
  const files = new Map<string, WebFile>();
  const names = readdirSync(dir, { recursive: true, encoding: "utf8" });
  const present = new Set(names);
  for (const name of names) {
    if (name.split(sep).some((part) => part.startsWith("."))) continue;
    if (SUFFIXES.some(([, suffix]) => name.endsWith(suffix) && present.has(name.slice(0, -suffix.length)))) continue;
    const path = join(dir, name);
    if (!statSync(path).isFile()) continue;
    const codings: { -readonly [coding in ContentCoding]?: Representation } = {};
    for (const [coding, suffix] of SUFFIXES) if (present.has(name + suffix)) codings[coding] = represent(path + suffix);
    const urlPath = `/${relative(dir, path).split(sep).join("/")}`;
    files.set(urlPath, {
      contentType: CONTENT_TYPES[extname(name).toLowerCase()] ?? "application/octet-stream",
      codings: { ...codings, identity: represent(path) },
    });
  }
  return files;
}
