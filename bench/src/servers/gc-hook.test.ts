// The gc-hook's memory report against a heap snapshot, in a real server process: the heap
// figure the idle-memory rows divide per connection must count live objects only.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { waitUntil } from "../measure/wait.js";
import { startServer } from "./kinds.js";
import { killAllServers } from "./process.js";

const dir = mkdtempSync(join(tmpdir(), "pigeon-gc-hook-"));

afterAll(() => {
  killAllServers();
  rmSync(dir, { recursive: true, force: true });
});

// A second preload: on SIGWINCH it takes a heap snapshot and throws it away unread. Taking one
// collects everything unreachable first (V8's heap profiler counts reachable objects only).
const SNAPSHOT_MARK = "TEST_SNAPSHOT_TAKEN";
const snapshotPreload = join(dir, "snapshot-on-sigwinch.mjs");
writeFileSync(
  snapshotPreload,
  `import { getHeapSnapshot } from "node:v8";
process.on("SIGWINCH", () => {
  getHeapSnapshot().destroy();
  process.stderr.write("${SNAPSHOT_MARK}\\n");
});
`,
);

describe("the gc-hook's memory report", () => {
  it("counts what a heap snapshot counts: taking one frees nothing more", async () => {
    // Pigeon, freshly started: its startup leaves several megabytes that a full GC called from
    // JavaScript kept (8.5 MB of 26 in the build of 2026-12-08) and any GC V8 runs by itself frees.
    const server = await startServer("pigeon", { nodeFlags: ["--import", snapshotPreload] });
    const before = await server.memoryReport();
    process.kill(server.pid, "SIGWINCH");
    expect(await waitUntil(() => server.output().includes(SNAPSHOT_MARK), 30_000)).toBe(true);
    const after = await server.memoryReport();
    // What the snapshot freed, as a share of the heap (the heap may also grow a little between
    // the two reports: the snapshot's own code is compiled, and nothing here asserts on that).
    expect((before.heapUsed - after.heapUsed) / after.heapUsed).toBeLessThan(0.02);
  });
});
