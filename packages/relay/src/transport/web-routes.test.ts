import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from "node:zlib";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useRelay } from "@pigeon/testing";

const INDEX = `<!doctype html><title>Pigeon</title>${"<!-- padding that compresses -->".repeat(20)}`;
const APP = `console.log(${JSON.stringify("hi ".repeat(200))});`;
const TINY = "export{};";

let root = "";
let webDir = "";
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "pigeon-web-"));
  webDir = join(root, "dist");
  await mkdir(join(webDir, "assets"), { recursive: true });
  await writeFile(join(root, "secret.txt"), "root:x:0:0 outside the build");
  await writeFile(join(webDir, ".env"), "SECRET=dotfile");
  const withCopies = async (path: string, text: string) => {
    await writeFile(path, text);
    await writeFile(`${path}.br`, brotliCompressSync(text));
    await writeFile(`${path}.gz`, gzipSync(text));
  };
  await withCopies(join(webDir, "index.html"), INDEX);
  await withCopies(join(webDir, "assets", "app-1a2b3c.js"), APP);
  await writeFile(join(webDir, "assets", "tiny-4d5e6f.js"), TINY);
  await writeFile(join(webDir, "favicon.svg"), "<svg xmlns='http://www.w3.org/2000/svg'/>");
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** A raw request, so paths like /../ reach the server unnormalised. */
function fetchRaw(url: string, path: string, options: { method?: string; headers?: Record<string, string> } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, { path, method: options.method ?? "GET", headers: options.headers ?? {} }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () => {
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) });
      });
    });
    req.on("error", reject);
    req.end();
  });
}

/** The body as the browser would read it: decoded by its Content-Encoding. */
function decoded(reply: Reply): string {
  const coding = reply.headers["content-encoding"];
  if (coding === "br") return brotliDecompressSync(reply.body).toString();
  if (coding === "gzip") return gunzipSync(reply.body).toString();
  return reply.body.toString();
}

describe("web client routes", () => {
  it("serves the build at / with a strict content security policy, revalidated on each load", async () => {
    const server = await useRelay({ webDir });
    const page = await fetchRaw(server.url, "/");
    expect(page.status).toBe(200);
    expect(page.body.toString()).toBe(INDEX);
    expect(page.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(page.headers["content-length"]).toBe(String(Buffer.byteLength(INDEX)));
    expect(page.headers["content-encoding"]).toBeUndefined();
    expect(page.headers["content-security-policy"]).toContain("default-src 'self'");
    expect(page.headers["cache-control"]).toBe("no-cache");
    expect(page.headers.vary).toBe("Accept-Encoding");
  });

  it("sends the brotli copy to a browser that accepts it, and gzip to one that accepts only gzip", async () => {
    const server = await useRelay({ webDir });
    const brotli = await fetchRaw(server.url, "/assets/app-1a2b3c.js", { headers: { "accept-encoding": "gzip, deflate, br, zstd" } });
    expect(brotli.headers["content-encoding"]).toBe("br");
    expect(brotli.headers["content-type"]).toBe("text/javascript; charset=utf-8");
    expect(brotli.headers["content-length"]).toBe(String(brotli.body.length));
    expect(brotli.body.length).toBeLessThan(Buffer.byteLength(APP));
    expect(decoded(brotli)).toBe(APP);
    expect(brotli.headers.vary).toBe("Accept-Encoding");

    const gzip = await fetchRaw(server.url, "/", { headers: { "accept-encoding": "gzip" } });
    expect(gzip.headers["content-encoding"]).toBe("gzip");
    expect(gzip.headers["content-length"]).toBe(String(gzip.body.length));
    expect(decoded(gzip)).toBe(INDEX);
  });

  it("follows Accept-Encoding's q-values and identity", async () => {
    const server = await useRelay({ webDir });
    const codingFor = async (acceptEncoding: string) => {
      const reply = await fetchRaw(server.url, "/assets/app-1a2b3c.js", { headers: { "accept-encoding": acceptEncoding } });
      expect(reply.status === 406 || decoded(reply) === APP).toBe(true);
      return reply.status === 406 ? 406 : (reply.headers["content-encoding"] ?? "identity");
    };
    expect(await codingFor("br;q=0.5, gzip")).toBe("gzip");
    expect(await codingFor("br;q=0, gzip;q=0")).toBe("identity");
    expect(await codingFor("identity;q=0, gzip")).toBe("gzip");
    expect(await codingFor("*")).toBe("br");
    expect(await codingFor("*;q=0")).toBe(406);
    expect(await codingFor("identity;q=0")).toBe(406);
  });

  it("sends a file without compressed copies as it is, with no Vary", async () => {
    const server = await useRelay({ webDir });
    const tiny = await fetchRaw(server.url, "/assets/tiny-4d5e6f.js", { headers: { "accept-encoding": "br, gzip" } });
    expect(tiny.status).toBe(200);
    expect(tiny.headers["content-encoding"]).toBeUndefined();
    expect(tiny.headers.vary).toBeUndefined();
    expect(tiny.body.toString()).toBe(TINY);
  });

  it("caches hashed assets for good and everything else never without revalidating", async () => {
    const server = await useRelay({ webDir });
    const asset = await fetchRaw(server.url, "/assets/app-1a2b3c.js", { headers: { "accept-encoding": "br" } });
    expect(asset.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    expect((await fetchRaw(server.url, "/favicon.svg")).headers["cache-control"]).toBe("no-cache");
    expect((await fetchRaw(server.url, "/favicon.svg")).headers["content-type"]).toBe("image/svg+xml");
    // The app's routes get index.html, never cached as immutable.
    const route = await fetchRaw(server.url, "/rooms/lobby");
    expect(route.body.toString()).toBe(INDEX);
    expect(route.headers["cache-control"]).toBe("no-cache");
  });

  it("answers 404 for missing files and missing assets rather than the app", async () => {
    const server = await useRelay({ webDir });
    for (const path of ["/missing.js", "/assets/gone-123456.js", "/assets/gone"]) {
      const reply = await fetchRaw(server.url, path);
      expect(reply.status, path).toBe(404);
      expect(reply.body.toString(), path).not.toContain("Pigeon</title>");
    }
    expect((await fetchRaw(server.url, "/healthz")).headers["content-type"]).toBe("application/json");
  });

  it("answers HEAD with the headers GET would have and no body", async () => {
    const server = await useRelay({ webDir });
    const head = await fetchRaw(server.url, "/assets/app-1a2b3c.js", { method: "HEAD", headers: { "accept-encoding": "br" } });
    const get = await fetchRaw(server.url, "/assets/app-1a2b3c.js", { headers: { "accept-encoding": "br" } });
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
    for (const name of ["content-length", "content-type", "content-encoding", "etag", "vary", "cache-control"]) {
      expect(head.headers[name], name).toBe(get.headers[name]);
    }
  });

  it("answers 304 to a matching If-None-Match, per coding", async () => {
    const server = await useRelay({ webDir });
    const first = await fetchRaw(server.url, "/", { headers: { "accept-encoding": "br" } });
    const etag = String(first.headers.etag);
    expect(etag).toMatch(/^"[\w-]+"$/u);
    const again = await fetchRaw(server.url, "/", { headers: { "accept-encoding": "br", "if-none-match": `"other", W/${etag}` } });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
    expect(again.headers.etag).toBe(etag);
    expect(again.headers["cache-control"]).toBe("no-cache");
    expect(again.headers.vary).toBe("Accept-Encoding");
    // The gzip copy is another representation, with its own ETag: the brotli one does not match it.
    const gzip = await fetchRaw(server.url, "/", { headers: { "accept-encoding": "gzip", "if-none-match": etag } });
    expect(gzip.status).toBe(200);
    expect(gzip.headers.etag).not.toBe(etag);
    expect(decoded(gzip)).toBe(INDEX);
    const stale = await fetchRaw(server.url, "/", { headers: { "accept-encoding": "br", "if-none-match": '"stale"' } });
    expect(stale.status).toBe(200);
  });

  it("never serves files outside the build, dotfiles, or the compressed copies by name", async () => {
    const server = await useRelay({ webDir });
    const paths = [
      "/../secret.txt",
      "/%2e%2e/secret.txt",
      "/assets/..%2f..%2fsecret.txt",
      "/..%5csecret.txt",
      "/.env",
      "/index.html.br",
      "/assets/app-1a2b3c.js.gz",
      "/%E0%A4%A",
    ];
    for (const path of paths) {
      const reply = await fetchRaw(server.url, path);
      expect(reply.status, path).toBe(404);
      expect(reply.body.toString(), path).not.toMatch(/root:|SECRET/u);
    }
    // A path without an extension is one of the app's routes: the app, never the file.
    const passwd = await fetchRaw(server.url, "/../../../../etc/passwd");
    expect(passwd.body.toString()).toBe(INDEX);
  });

  it("says how to build the web client when it is missing", async () => {
    const server = await useRelay({ webDir: join(webDir, "nowhere") });
    const page = await fetchRaw(server.url, "/");
    expect(page.status).toBe(200);
    expect(page.body.toString()).toContain("pnpm build");
  });
});
