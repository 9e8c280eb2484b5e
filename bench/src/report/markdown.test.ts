import { describe, expect, it } from "vitest";
import { fanoutChart } from "./chart.js";
import { fanoutResult, latencyResult, memoryResult, mlsClientResult } from "./test-fixtures.js";
import { toMarkdown } from "./markdown.js";
import { checkTargets } from "./targets.js";
import type { BenchReport } from "./types.js";

const fanout = [
  fanoutResult("pigeon", "guest", 100, 95_000),
  fanoutResult("pigeon", "keyed", 100, 70_000),
  fanoutResult("socketio", "guest", 100, 100_000),
  fanoutResult("rawws", "guest", 100, 130_000),
];

const report: BenchReport = {
  profile: "quick",
  profiled: false,
  startedAt: "2025-01-02T03:04:05.000Z",
  durationSeconds: 150,
  machine: { cpuModel: "Test CPU", cores: 2, memoryBytes: 2 ** 34, kernel: "6.1", loadAverage: 0.5, placement: "pinned" },
  timerStallsMs: { "0": 2, "1": 3 },
  versions: { node: "v20", socketIo: "4.8.4", engineIo: "6.6.13", ws: "8.23.0", wsInSocketIo: "8.23.0", pigeon: "0.1.0", commit: "abc123" },
  fanout,
  oneToOne: { maxRate: [], ratePerSecond: 20_000, latency: [latencyResult("pigeon", 5), latencyResult("socketio", 4)] },
  idleMemory: [memoryResult("pigeon", 10_000), memoryResult("socketio", 15_000)],
  drain: [],
  scaleOut: { skipped: "no Redis" },
  targets: [],
};

describe("toMarkdown", () => {
  it("has a table per workload that ran, with Pigeon's ratios to the baselines", () => {
    const markdown = toMarkdown({ ...report, targets: checkTargets({ fanout, latency: report.oneToOne?.latency ?? [], idleMemory: report.idleMemory, drain: [] }) });
    expect(markdown).toContain("#### Targets");
    expect(markdown).toContain("| 100 × 10 | guests | 95.0k | 100.0k | 130.0k | 0.95x | 0.73x |");
    expect(markdown).toContain("| 100 × 10 | keyed | 70.0k | 100.0k | 130.0k | 0.70x | 0.54x |");
    expect(markdown).toContain("| Pigeon | guests | 1.00 | 5.00 |");
    expect(markdown).toContain("0.67x");
    expect(markdown).toContain("Skipped: no Redis");
    expect(markdown).not.toContain("Offline drain");
  });
});

describe("toMarkdown with encrypted rooms and the MLS client", () => {
  const withMls: BenchReport = {
    ...report,
    fanout: [...fanout, fanoutResult("pigeon", "encrypted", 100, 63_000)],
    mlsClient: mlsClientResult(1.2, 600),
  };

  it("sets encrypted rooms beside plain keyed rooms of the same size", () => {
    const markdown = toMarkdown(withMls);
    expect(markdown).toContain("| 100 × 10 | encrypted | 63.0k | 100.0k | 130.0k | 0.63x | 0.48x |");
    expect(markdown).toContain("#### Encrypted rooms against plain keyed rooms");
    expect(markdown).toContain("| 100 × 10 | 70.0k / 63.0k | 0.90x |");
  });

  it("shows messages, joins and the profile for both providers side by side", () => {
    const markdown = toMarkdown({ ...withMls, targets: checkTargets({ fanout: withMls.fanout, latency: [], idleMemory: [], drain: [], mlsClient: withMls.mlsClient }) });
    expect(markdown).toContain("| node:crypto (CLI, Node SDK) | 10.0k | 8.3k | 10000 in 1.20 s | 326 B for 64 characters |");
    expect(markdown).toContain("| 100 | 1200 ms / 600 ms | 300 ms / 150 ms | 29.3 KiB | 0.8 KiB | 5 |");
    expect(markdown).toContain("| ts-mls: tree hash and parent hash | 60% | 60% |");
    expect(markdown).toContain("joinGroupExternal ts-mls/createCommit.js:193 90%");
    expect(markdown).toContain("| MLS, node:crypto (CLI, Node SDK): a newcomer joins a room of 100 in < 1 s | 600 ms (median of 5) | 0.600 s | yes |");
  });

  it("leaves the MLS sections out when they did not run", () => {
    expect(toMarkdown(report)).not.toContain("MLS client");
  });
});

describe("fanoutChart", () => {
  it("draws one bar per server and room size, labelled with its value", () => {
    const svg = fanoutChart(fanout, "test run");
    expect(svg.startsWith("<svg")).toBe(true);
    expect(svg.trimEnd().endsWith("</svg>")).toBe(true);
    expect(svg.match(/class="bar"/g)).toHaveLength(4);
    expect(svg).toContain("95.0k");
    expect(svg).toContain("raw ws (ceiling)");
  });
});
