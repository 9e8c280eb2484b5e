import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { filesUnder, ROOT } from "./source-files.js";

// Turbo builds every workspace this package depends on before its tests run.
const BUILT = ["packages/protocol", "packages/crypto", "packages/client", "packages/relay", "apps/server", "apps/cli", "apps/web"];
const TEST_CODE = /\bvitest\b|@pigeon\/testing/;

describe.each(BUILT)("the build of %s", (workspace) => {
  const dist = join(workspace, "dist");

  it("exists", () => {
    expect(existsSync(join(ROOT, dist))).toBe(true);
  });

  it("holds no test file and no import of vitest or the test harness", () => {
    const files = filesUnder(dist, (name) => /\.(m?js|d\.ts)$/.test(name));
    expect(files.filter((file) => /\.test(-d)?\./.test(file))).toEqual([]);
    expect(files.filter((file) => TEST_CODE.test(readFileSync(join(ROOT, file), "utf8")))).toEqual([]);
  });
});
