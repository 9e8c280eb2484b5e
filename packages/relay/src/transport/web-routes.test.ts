import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useRelay } from "@pigeon/testing";

let webDir = "";
beforeAll(async () => {
  webDir = await mkdtemp(join(tmpdir(), "pigeon-web-"));
  await mkdir(join(webDir, "assets"));
  await writeFile(join(webDir, "index.html"), "<!doctype html><title>Pigeon</title>");
  await writeFile(join(webDir, "assets", "app-1a2b3c.js"), "console.log('hi')");
});
afterAll(async () => {
  await rm(webDir, { recursive: true, force: true });
});

/** A raw GET, so paths like /../ reach the server unnormalised. */
function get(url: string, path: string): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, { path }, (response) => {
      let body = "";
      response.on("data", (chunk: Buffer) => (body += chunk.toString()));
      response.on("end", () => {
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body });
      });
    });
    req.on("error", reject);
    req.end();
  });
}

describe("web client routes", () => {
  it("serves the build at / with a strict content security policy", async () => {
    const server = await useRelay({ webDir });
    const page = await get(server.url, "/");
    expect(page.status).toBe(200);
    expect(page.body).toContain("<title>Pigeon</title>");
    expect(page.headers["content-security-policy"]).toContain("default-src 'self'");
    expect(page.headers["cache-control"]).toBe("no-cache");
  });

  it("caches hashed assets for good and falls back to index.html for app paths", async () => {
    const server = await useRelay({ webDir });
    const asset = await get(server.url, "/assets/app-1a2b3c.js");
    expect(asset.headers["cache-control"]).toContain("immutable");
    expect((await get(server.url, "/rooms/lobby")).body).toContain("<title>Pigeon</title>");
    expect((await get(server.url, "/healthz")).headers["content-type"]).toBe("application/json");
  });

  it("never serves files outside the build", async () => {
    const server = await useRelay({ webDir });
    const escape = await get(server.url, "/../../../../etc/passwd");
    expect(escape.body).not.toContain("root:");
  });

  it("says how to build the web client when it is missing", async () => {
    const server = await useRelay({ webDir: join(webDir, "nowhere") });
    const page = await get(server.url, "/");
    expect(page.status).toBe(200);
    expect(page.body).toContain("pnpm build");
  });
});
