import { readdir, readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const srcDir = dirname(fileURLToPath(import.meta.url));

describe("the main entry", () => {
  it("imports no Node built-ins, so it runs in browsers (node: modules stay behind @pigeon/crypto/node)", async () => {
    // Everything but node.ts and src/node/, in every folder.
    const files = (await readdir(srcDir, { recursive: true }))
      .filter((file) => file.endsWith(".ts") && !file.endsWith(".test.ts") && file !== "node.ts" && !file.startsWith("node/"));
    expect(files).toContain("index.ts");
    expect(files).toContain("mls/group.ts");
    for (const file of files) {
      const source = await readFile(join(srcDir, file), "utf8");
      expect(source, file).not.toMatch(/from "(node:|fs|path|crypto|os)[/"]/u);
      expect(source, file).not.toMatch(/from "\.\/node[/.]/u);
    }
  });
});
