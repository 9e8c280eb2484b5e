import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ExitCode } from "../src/exit-codes.js";
import { closedPortUrl } from "../test/fixtures.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "../../..");

interface Ended {
  code: number | null;
  stdout: string;
  stderr: string;
}

let configDir = "";
beforeEach(async () => {
  configDir = await mkdtemp(join(tmpdir(), "pigeon-bin-"));
});
afterEach(async () => {
  await rm(configDir, { recursive: true, force: true });
});

// `pnpm pigeon` from the repository root, as the README has people type it.
function pnpmPigeon(args: readonly string[]): Promise<Ended> {
  const child = spawn("pnpm", ["pigeon", ...args], {
    cwd: ROOT,
    env: { ...process.env, PIGEON_SERVER: undefined, PIGEON_CONFIG_DIR: configDir, FORCE_COLOR: "0" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => {
      resolve({ code, stdout, stderr });
    });
  });
}

describe("pnpm pigeon", () => {
  it("prints the built CLI's help and nothing of pnpm's", async () => {
    const { code, stdout, stderr } = await pnpmPigeon(["--help"]);
    expect(code).toBe(ExitCode.OK);
    expect(stdout).toMatch(/^Usage: pigeon /u);
    expect(stderr).toBe("");
  });

  it("passes the CLI's exit code on, with only the CLI's own lines on stderr", async () => {
    const server = await closedPortUrl();
    const { code, stdout, stderr } = await pnpmPigeon(["send", "--guest", "--name", "alice", "--room", "lobby", "--server", server, "--connect-timeout", "1", "hi"]);
    expect(code).toBe(ExitCode.UNREACHABLE);
    expect(stdout).toBe("");
    // No "$ node …" echo before, no "[ELIFECYCLE] Command failed" after.
    expect(stderr.split("\n")).toEqual([`connecting to ${server}…`, expect.stringMatching(/^pigeon: cannot reach /u), ""]);
  });

  it("passes a usage error's exit code on", async () => {
    const { code, stdout, stderr } = await pnpmPigeon(["send", "--room", "lobby", "hi"]);
    expect(code).toBe(ExitCode.USAGE);
    expect(stdout).toBe("");
    expect(stderr).toBe("pigeon: required option '--name <name>' not specified (see --help)\n");
  });
});
