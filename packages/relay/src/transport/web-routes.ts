import { createReadStream, existsSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { basename, join } from "node:path";
import { pipeline } from "node:stream";
import { chooseCoding, type ContentCoding } from "./accept-encoding.js";
import { indexWebBuild, type WebFile } from "./web-files.js";

// The web client talks only to this origin and loads nothing from elsewhere.
const SECURITY_HEADERS = {
  "content-security-policy":
    "default-src 'self'; connect-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; " +
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  "referrer-policy": "no-referrer",
  "x-content-type-options": "nosniff",
};

/** Vite puts content hashes in the names of what it writes here, so those never change; index.html must. */
const HASHED_PREFIX = "/assets/";
const IMMUTABLE = "public, max-age=31536000, immutable";

/** Serves a request, or says it is not one of its paths. */
export type Route = (request: IncomingMessage, response: ServerResponse, next: () => void) => void;

/** Whether an If-None-Match header names `etag` (weak comparison, RFC 9110 §13.1.2). */
function matches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (ifNoneMatch === undefined) return false;
  return ifNoneMatch.split(",").some((tag) => {
    const trimmed = tag.trim();
    return trimmed === "*" || trimmed.replace(/^W\//u, "") === etag;
  });
}

/** The URL path of a request, percent-decoded; undefined when it cannot be decoded. */
function pathOf(url: string | undefined): string | undefined {
  const raw = (url ?? "/").split(/[?#]/u)[0] ?? "/";
  try {
    return decodeURIComponent(raw);
  } catch {
    return undefined;
  }
}

/**
 * The web client's production build, served at `/` with a strict Content-Security-Policy:
 * hashed assets cached for good, index.html revalidated (ETag) on each load, and each file in
 * the smallest coding the request accepts among the brotli and gzip copies the build wrote
 * beside it. Any other path whose last segment has no dot gets index.html (the app's own routes).
 * Undefined when the build is not there (the relay still runs; `/` then says how to build it).
 *
 * @example
 * const web = webRoutes(config.webDir);
 */
export function webRoutes(webDir: string | undefined): Route | undefined {
  if (webDir === undefined || !existsSync(join(webDir, "index.html"))) return undefined;
  const files = indexWebBuild(webDir);
  const find = (path: string): [string, WebFile] | undefined => {
    const file = files.get(path);
    if (file !== undefined) return [path, file];
    if (path.startsWith(HASHED_PREFIX) || basename(path).includes(".")) return undefined;
    const index = files.get("/index.html");
    return index === undefined ? undefined : ["/index.html", index];
  };
  return (request, response, next) => {
    const path = pathOf(request.url);
    const found = path === undefined ? undefined : find(path);
    if (found === undefined) {
      next();
      return;
    }
    const [servedPath, file] = found;
    serveFile(request, response, file, servedPath.startsWith(HASHED_PREFIX) ? IMMUTABLE : "no-cache");
  };
}

function serveFile(request: IncomingMessage, response: ServerResponse, file: WebFile, cacheControl: string): void {
  const compressed = (["br", "gzip"] as const).filter((coding) => file.codings[coding] !== undefined);
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) response.setHeader(name, value);
  response.setHeader("cache-control", cacheControl);
  // Caches must keep one copy per coding of what was chosen by Accept-Encoding.
  if (compressed.length > 0) response.setHeader("vary", "Accept-Encoding");
  const coding: ContentCoding | undefined = chooseCoding(request.headers["accept-encoding"], compressed);
  const representation = coding === undefined ? undefined : file.codings[coding];
  if (coding === undefined || representation === undefined) {
    response.writeHead(406, { "content-type": "text/plain; charset=utf-8" });
    response.end("None of the codings this file exists in (br, gzip, identity) is acceptable.\n");
    return;
  }
  response.setHeader("etag", representation.etag);
  if (matches(request.headers["if-none-match"], representation.etag)) {
    response.writeHead(304);
    response.end();
    return;
  }
  response.setHeader("content-type", file.contentType);
  response.setHeader("content-length", representation.size);
  if (coding !== "identity") response.setHeader("content-encoding", coding);
  response.writeHead(200);
  if (request.method === "HEAD") {
    response.end();
    return;
  }
  pipeline(createReadStream(representation.path), response, () => {
    // A file gone since startup or a client gone mid-way: the response is already cut short.
  });
}
