import { describe, expect, it } from "vitest";
import { fanoutChart } from "./chart.js";
import { fanoutResult, latencyResult, maxRateResult, memoryResult, mlsClientResult, storeResult } from "./test-fixtures.js";
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

describe("toMarkdown with the keyed maximum rate, the Redis store and the scaling rows", () => {
  const bigRoom = [fanoutResult("pigeon", "guest", 10_000, 40_000), fanoutResult("socketio", "guest", 10_000, 50_000)];
  const idle = (server: "pigeon" | "socketio", rss: number) => ({
    server,
    target: 50_000,
    reached: 19_700,
    stoppedBecause: "open-files limit (server 20000, harness 20000)",
    rssPerConnectionBytes: rss,
    heapPerConnectionBytes: rss / 2,
    rampSeconds: 20,
    serverCpuMsPerConnection: 0.9,
    openFilesLimit: { server: 20_000, harness: 20_000 },
    sourceAddresses: ["127.0.0.1"],
  });
  const withRows: BenchReport = {
    ...report,
    oneToOne: { maxRate: [maxRateResult("pigeon", "guest", 40_000), maxRateResult("pigeon", "keyed", 30_000), maxRateResult("socketio", "guest", 35_000)], ratePerSecond: 17_500, latency: [] },
    store: storeResult(0.8),
    scaling: { bigRoom, idle: [idle("pigeon", 15_000), idle("socketio", 16_000)] },
  };

  it("puts the keyed maximum rate next to the guests'", () => {
    const markdown = toMarkdown(withRows);
    expect(markdown).toContain("Pigeon 40.0k msg/s");
    expect(markdown).toContain("Pigeon (keyed members) 30.0k msg/s");
    expect(markdown).toContain("it carries 0.86x of bare socket.io's guests' rate");
  });

  it("sets the Redis store beside the memory store with Redis's CPU counted", () => {
    const markdown = toMarkdown(withRows);
    expect(markdown).toContain("#### One node on Redis (PIGEON_STORE=redis) against the memory store");
    expect(markdown).toContain("| fan-out 10 × 100 | redis | 40.0k | 40.0k | 0.80x |");
    expect(markdown).toContain("| 1:1 maximum rate, closed loop | redis | 48.0k | 48.0k | 0.80x |");
    // Redis's CPU per delivery, and the ratio it alone would allow: 0.2 CPU-s over 1,000
    // deliveries against 20 µs each on memory; 0.4 CPU-s over 192,000 against 16.7 µs.
    expect(markdown).toMatch(/\| fan-out 10 × 100 \| redis \|( [^|]+ \|){6} 200\.0 \| 0\.09x \|/);
    expect(markdown).toMatch(/\| 1:1 maximum rate, closed loop \| redis \|( [^|]+ \|){6} 2\.1 \| 0\.89x \|/);
    expect(markdown).toMatch(/\| fan-out 10 × 100 \| memory \|( [^|]+ \|){6} – \| – \|/);
  });

  it("shows the big room and where the idle ramp stopped, and says the rows are full-profile only", () => {
    const markdown = toMarkdown(withRows);
    expect(markdown).toContain("#### One room of 10000");
    expect(markdown).toContain("| bare socket.io | guests | 50.0k | 1.00x |");
    expect(markdown).toContain("| Pigeon | 19700 from 1 source address | 14.6 KiB | 0.94x |");
    expect(markdown).toContain("open-files limit (server 20000, harness 20000)");
    expect(toMarkdown({ ...withRows, scaling: { skipped: "full profile only" } })).toContain("Skipped: full profile only");
  });

  it("keeps a big-room case that failed as a row saying why, beside the ones that ran", () => {
    const failed = { server: "pigeon", mode: "keyed", failure: "connect timed out after 20000 ms" } as const;
    const markdown = toMarkdown({ ...withRows, scaling: { bigRoom: [...bigRoom, failed], idle: [] } });
    expect(markdown).toContain("| bare socket.io | guests | 50.0k | 1.00x |");
    expect(markdown).toContain("| Pigeon | keyed | failed: connect timed out after 20000 ms | – |");
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
