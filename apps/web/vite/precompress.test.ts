import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { afterEach, describe, expect, it } from "vitest";
import { precompressDir } from "./precompress.js";

let dir = "";
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("precompressDir", () => {
  it("writes brotli and gzip copies of text files that decode to the file, and none that would not be smaller", async () => {
    dir = await mkdtemp(join(tmpdir(), "pigeon-precompress-"));
    await mkdir(join(dir, "assets"));
    const script = `export const greeting = ${JSON.stringify("hello ".repeat(500))};`;
    await writeFile(join(dir, "assets", "app-abc.js"), script);
    await writeFile(join(dir, "index.html"), `<!doctype html><title>Pigeon</title>${"<p>padding</p>".repeat(50)}`);
    await writeFile(join(dir, "assets", "empty-def.js"), "");
    await writeFile(join(dir, "photo.png"), Buffer.alloc(2_000, 7));

    const sizes = await precompressDir(dir);
    expect(brotliDecompressSync(await readFile(join(dir, "assets", "app-abc.js.br"))).toString()).toBe(script);
    expect(gunzipSync(await readFile(join(dir, "assets", "app-abc.js.gz"))).toString()).toBe(script);
    expect(sizes[join("assets", "app-abc.js")]?.br).toBeLessThan(script.length);
    expect(await readdir(dir)).toEqual(expect.arrayContaining(["index.html.br", "index.html.gz"]));
    // An empty file compresses to more than nothing; a PNG is compressed already.
    expect(await readdir(join(dir, "assets"))).not.toEqual(expect.arrayContaining(["empty-def.js.gz"]));
    expect(await readdir(join(dir, "assets"))).not.toContain("empty-def.js.br");
    expect(await readdir(dir)).not.toContain("photo.png.br");
  });
});
