import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { cpus, loadavg, release, totalmem } from "node:os";
import { dirname, join } from "node:path";
import { REPO_ROOT } from "../servers/process.js";
import { placement } from "./placement.js";

/** The machine a run happened on. */
export interface MachineInfo {
  readonly cpuModel: string;
  readonly cores: number;
  readonly memoryBytes: number;
  readonly kernel: string;
  /** 1-minute load average when the run started: other work on the machine skews numbers. */
  readonly loadAverage: number;
  /** 1-minute load average when the run ended. */
  readonly loadAverageAtEnd?: number;
  readonly placement: string;
}

/** Versions of what was measured. */
export interface Versions {
  readonly node: string;
  readonly socketIo: string;
  readonly engineIo: string;
  /** ws as the raw-ws baseline loads it. */
  readonly ws: string;
  /** ws as socket.io's engine.io loads it (should equal `ws`). */
  readonly wsInSocketIo: string;
  readonly pigeon: string;
  readonly commit: string;
}

/** Describes this machine. */
export function machineInfo(): MachineInfo {
  const [first] = cpus();
  return {
    cpuModel: first?.model.trim() ?? "unknown",
    cores: placement().cores,
    memoryBytes: totalmem(),
    kernel: release(),
    loadAverage: loadavg()[0] ?? 0,
    placement: placement().note,
  };
}

/** The versions of Node, socket.io, engine.io, ws and Pigeon (with the git commit) in use. */
export function versions(): Versions {
  const require = createRequire(import.meta.url);
  const socketIoRequire = createRequire(require.resolve("socket.io"));
  const engineIoRequire = createRequire(socketIoRequire.resolve("engine.io"));
  return {
    node: process.version,
    socketIo: packageVersion(require.resolve("socket.io")),
    engineIo: packageVersion(socketIoRequire.resolve("engine.io")),
    ws: packageVersion(require.resolve("ws")),
    wsInSocketIo: packageVersion(engineIoRequire.resolve("ws")),
    pigeon: readVersion(join(REPO_ROOT, "apps/server/package.json")),
    commit: gitCommit(),
  };
}

// The package.json nearest above a resolved entry point.
function packageVersion(entry: string): string {
  for (let dir = dirname(entry); dir !== dirname(dir); dir = dirname(dir)) {
    try {
      return readVersion(join(dir, "package.json"));
    } catch {
      // not here; look further up
    }
  }
  return "unknown";
}

function readVersion(file: string): string {
  const parsed: unknown = JSON.parse(readFileSync(file, "utf8"));
  if (typeof parsed === "object" && parsed !== null && "version" in parsed && typeof parsed.version === "string") {
    return parsed.version;
  }
  throw new Error(`no version in ${file}`);
}

function gitCommit(): string {
  try {
    const git = (args: string[]) => execFileSync("git", args, { cwd: REPO_ROOT, encoding: "utf8" }).trim();
    const commit = git(["rev-parse", "--short", "HEAD"]);
    return git(["status", "--porcelain"]) === "" ? commit : `${commit} + uncommitted changes`;
  } catch {
    return "unknown";
  }
}
