import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { waitUntil } from "@pigeon/testing";
import { describe, expect, it, onTestFinished } from "vitest";

const ROOT = fileURLToPath(new URL("../../..", import.meta.url));

/** pnpm as the test runs under it (npx's copy in CI), else the one on PATH. */
function pnpmCommand(): [string, string[]] {
  const execPath = process.env.npm_execpath;
  return execPath !== undefined && /pnpm\.c?js$/.test(execPath) ? [process.execPath, [execPath]] : ["pnpm", []];
}

async function reachable(url: string): Promise<boolean> {
  try {
    await fetch(url, { signal: AbortSignal.timeout(1_000) });
    return true;
  } catch {
    return false;
  }
}

/** Starts `command` and resolves with the port the relay it starts reports on stdout. */
async function listeningPort(child: ChildProcessWithoutNullStreams): Promise<number> {
  for await (const line of createInterface({ input: child.stdout })) {
    const match = /"port":(\d+)/.exec(line);
    if (match?.[1] !== undefined && line.includes("Pigeon listening")) return Number(match[1]);
  }
  throw new Error("the command ended before the relay listened");
}

// npx, like pnpm, exits on SIGTERM and passes it on to nobody.
const NPX_LIKE = `const [command, ...args] = process.argv.slice(1);
require("node:child_process").spawn(command, args, { stdio: "inherit" });
process.on("SIGTERM", () => process.exit(143));`;

describe("pnpm start", () => {
  const env = { ...process.env, PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "info" };

  /** Sends `launcher` SIGTERM and waits until the relay on `port` no longer answers. */
  async function stopAndExpectGone(launcher: ChildProcessWithoutNullStreams, port: number): Promise<void> {
    const healthz = `http://127.0.0.1:${port}/healthz`;
    expect(await reachable(healthz)).toBe(true);
    const exited = once(launcher, "exit");
    launcher.kill("SIGTERM");
    await exited;
    await waitUntil(async () => !(await reachable(healthz)), `the relay still answers on port ${port} after its launcher was stopped`, 15_000);
  }

  it("takes the relay down with it when pnpm itself gets SIGTERM (pnpm does not pass it on)", { timeout: 180_000 }, async () => {
    const [command, prefix] = pnpmCommand();
    const pnpm = spawn(command, [...prefix, "start"], { cwd: ROOT, env });
    onTestFinished(() => {
      pnpm.kill("SIGKILL");
    });
    await stopAndExpectGone(pnpm, await listeningPort(pnpm));
  });

  it("takes the relay down when what started pnpm (npx in the README) gets SIGTERM", { timeout: 180_000 }, async () => {
    const [command, prefix] = pnpmCommand();
    const npx = spawn(process.execPath, ["-e", NPX_LIKE, command, ...prefix, "start"], { cwd: ROOT, env });
    onTestFinished(() => {
      npx.kill("SIGKILL");
    });
    await stopAndExpectGone(npx, await listeningPort(npx));
  });
});
