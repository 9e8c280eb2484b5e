import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CostsFileError, loadCosts } from "./costs-file.js";
import { runCapacity } from "./main.js";
import { costsFile } from "./test-costs.js";
import { Bytes, Duration, FlagError, parseTraffic, Rate } from "./traffic.js";

describe("traffic flags", () => {
  it("reads rates, durations and byte amounts as people write them", () => {
    expect(Rate.parse("1/min")).toBeCloseTo(1 / 60, 12);
    expect(Rate.parse("36/h")).toBeCloseTo(0.01, 12);
    expect(Duration.parse("14d")).toBe(1_209_600);
    expect(Bytes.parse("4GiB")).toBe(4 * 1024 ** 3);
  });

  it("refuses bad flags with a message that names each flag as typed and says why", () => {
    expect(() => parseTraffic({})).toThrow(new FlagError("--users is required"));
    expect(() => parseTraffic({ users: "10", rate: "fast" })).toThrow(/--rate: "fast" is not a rate: say COUNT\/UNIT/);
    expect(() => parseTraffic({ users: "10", online: "1.5" })).toThrow(/--online: .*1/);
    expect(() => parseTraffic({ users: "10", roomSize: "0" })).toThrow(/--room-size: /);
    expect(() => parseTraffic({ users: "-3" })).toThrow(/--users: /);
    expect(() => parseTraffic({ users: "10", nodeMemory: "lots" })).toThrow(/--node-memory: "lots" is not an amount of bytes/);
  });

  it("refuses an unknown flag on the command line", () => {
    const dir = mkdtempSync(join(tmpdir(), "pigeon-capacity-"));
    writeFileSync(join(dir, "run.json"), JSON.stringify(costsFile("2026-01-01T00:00:00Z")));
    expect(() => runCapacity(["--users", "10", "--colour", "red", "--results", join(dir, "run.json")])).toThrow(FlagError);
    expect(() => runCapacity(["--users", "10", "--colour", "red"])).toThrow(/--colour/);
    expect(runCapacity(["--users", "10", "--results", join(dir, "run.json")])).toMatch(/tier: one node, memory store/);
  });
});

describe("loadCosts", () => {
  it("takes the newest results file that has unit costs, and says which", () => {
    const dir = mkdtempSync(join(tmpdir(), "pigeon-capacity-"));
    writeFileSync(join(dir, "old.json"), JSON.stringify(costsFile("2026-01-01T00:00:00Z")));
    writeFileSync(join(dir, "new.json"), JSON.stringify(costsFile("2026-02-01T00:00:00Z")));
    writeFileSync(join(dir, "other.json"), JSON.stringify({ startedAt: "2027-01-01T00:00:00Z", fanout: [] }));
    expect(loadCosts(undefined, dir).path).toBe(join(dir, "new.json"));
  });

  it("refuses a results file whose costs are missing or malformed, naming what is wrong", () => {
    const dir = mkdtempSync(join(tmpdir(), "pigeon-capacity-"));
    const broken = costsFile("2026-01-01T00:00:00Z");
    writeFileSync(join(dir, "broken.json"), JSON.stringify({ ...broken, costs: { ...broken.costs, stores: [{ store: "memory" }] } }));
    expect(() => loadCosts(join(dir, "broken.json"))).toThrow(CostsFileError);
    expect(() => loadCosts(join(dir, "broken.json"))).toThrow(/costs\.stores\.0\.units/);
    expect(() => loadCosts(undefined, join(dir, "nowhere"))).toThrow(/no results JSON with unit costs/);
  });
});
