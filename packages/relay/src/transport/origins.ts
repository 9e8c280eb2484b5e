import type { IncomingMessage } from "node:http";

/** Why a handshake's Origin is refused, or undefined when it may connect. */
export type OriginCheck = (request: IncomingMessage) => string | undefined;

/**
 * Which browser pages may open a connection. Browsers always send an Origin header on a
 * WebSocket and on a cross-origin request, and a page cannot forge it; a handshake whose
 * Origin is present and neither listed nor the relay's own is refused, for polling and
 * WebSocket alike (CORS alone would not stop a WebSocket, nor a polling handshake: it only
 * hides the answer from the page).
 *
 * A request without Origin is admitted: it does not come from a web page (Node clients, the
 * CLI, the tutorial's scripts send none), and a non-browser client could send any Origin it
 * liked anyway. The check protects users' browsers from hostile pages, not the relay from
 * scripts; the rate limits do that.
 *
 * The relay's own origin always passes: it serves the web client, whose WebSocket carries
 * that origin. It is recognised by the Origin's host:port equalling the request's Host (so a
 * TLS proxy in front, which makes the scheme https, changes nothing).
 *
 * `allowed` undefined: every origin may connect, as before the setting existed.
 *
 * @example
 * const check = originCheck(["https://chat.example.org"]);
 * check(request); // "origin https://evil.example is not allowed ..." or undefined
 */
export function originCheck(allowed: readonly string[] | undefined): OriginCheck {
  if (allowed === undefined) return () => undefined;
  const listed = new Set(allowed);
  return (request) => {
    const origin = request.headers.origin;
    if (origin === undefined || listed.has(origin) || sameOrigin(origin, request.headers.host)) return undefined;
    return `origin ${origin.slice(0, 200)} is not allowed to connect to this relay (see allowedOrigins)`;
  };
}

function sameOrigin(origin: string, host: string | undefined): boolean {
  if (host === undefined) return false;
  try {
    return new URL(origin).host === new URL(`http://${host}`).host;
  } catch {
    return false;
  }
}
