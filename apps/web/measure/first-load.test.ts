import { existsSync } from "node:fs";
import { readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { CHROMIUM_PATH } from "../test/browser/harness/chromium.js";
import { main } from "./first-load-main.js";

const skipReason = existsSync(CHROMIUM_PATH) ? "" : `no Chromium at ${CHROMIUM_PATH} (apt-get install -y chromium)`;
if (skipReason !== "" && process.env.CI === "true") throw new Error(`the first-load measurement's smoke test needs Chromium in CI: ${skipReason}`);

// One cold load per condition, so that the script does not rot; no timing is asserted.
describe.skipIf(skipReason !== "")(`the first-load measurement${skipReason === "" ? "" : ` (skipped: ${skipReason})`}`, () => {
  it("loads the app cold, finds it interactive, and sees scripts and styles come compressed", async () => {
    const out = join(tmpdir(), `pigeon-first-load-smoke-${process.pid}.json`);
    onTestFinished(() => rm(out, { force: true }));
    expect(await main(["--runs", "1", "--out", out])).toBe(0);
    const results = JSON.parse(await readFile(out, "utf8")) as {
      summaries: { conditions: { label: string }; ttiMs: number; fieldReadyMs: number; total: { transferred: number; uncompressed: number } }[];
      runs: Record<string, { resources: { path: string; type: string; encoding: string }[] }[]>;
    };
    expect(results.summaries.map((summary) => summary.conditions.label)).toEqual(["unthrottled", "1.6Mbps-150ms-4xCPU"]);
    for (const summary of results.summaries) {
      expect(summary.ttiMs).toBeGreaterThanOrEqual(summary.fieldReadyMs);
      expect(summary.total.transferred).toBeLessThan(summary.total.uncompressed / 2);
    }
    const resources = Object.values(results.runs).flat().flatMap((run) => run.resources);
    const big = resources.filter((resource) => resource.type === "Script" || resource.type === "Stylesheet");
    expect(big.length).toBeGreaterThan(1);
    expect(big.filter((resource) => resource.encoding !== "br" && resource.path.includes("index-"))).toEqual([]);
  });
});
