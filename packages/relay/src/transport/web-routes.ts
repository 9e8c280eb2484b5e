import { existsSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { join } from "node:path";
import sirv from "sirv";

// The web client talks only to this origin and loads nothing from elsewhere.
const SECURITY_HEADERS = {
  "content-security-policy":
    "default-src 'self'; connect-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; " +
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  "referrer-policy": "no-referrer",
  "x-content-type-options": "nosniff",
};

/** Serves a request, or says it is not one of its paths. */
export type Route = (request: IncomingMessage, response: ServerResponse, next: () => void) => void;

/**
 * The web client's production build, served at `/` with long caching for hashed assets and
 * a strict Content-Security-Policy. Undefined when the build is not there (the relay still
 * runs; `/` then says how to build it).
 *
 * @example
 * const web = webRoutes(config.webDir);
 */
export function webRoutes(webDir: string | undefined): Route | undefined {
  if (webDir === undefined || !existsSync(join(webDir, "index.html"))) return undefined;
  const serve = sirv(webDir, {
    single: true,
    etag: true,
    setHeaders(response, pathname) {
      for (const [name, value] of Object.entries(SECURITY_HEADERS)) response.setHeader(name, value);
      // Vite puts content hashes in asset names, so those never change; index.html must.
      const immutable = pathname.startsWith("/assets/");
      response.setHeader("cache-control", immutable ? "public, max-age=31536000, immutable" : "no-cache");
    },
  });
  return (request, response, next) => {
    serve(request, response, next);
  };
}
