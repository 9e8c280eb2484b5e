/**
 * The relay this page talks to: `?server=http://host:port` when given (tests point a built
 * page at a relay elsewhere), otherwise the page's own origin, which serves the build.
 *
 * @example
 * serverUrl(new URL("http://localhost:3000/?server=http://127.0.0.1:4000")) // "http://127.0.0.1:4000"
 */
export function serverUrl(location: URL): string {
  const given = location.searchParams.get("server");
  if (given !== null) {
    try {
      const url = new URL(given);
      if (url.protocol === "http:" || url.protocol === "https:") return url.origin;
    } catch {
      // Not a URL: fall back to the page's own origin.
    }
  }
  return location.origin;
}
