import { spawn } from "node:child_process";
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

describe("pnpm start", () => {
  it("takes the relay down with it when pnpm itself gets SIGTERM (pnpm does not pass it on)", { timeout: 180_000 }, async () => {
    const [command, prefix] = pnpmCommand();
    const pnpm = spawn(command, [...prefix, "start"], { cwd: ROOT, env: { ...process.env, PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "info" } });
    onTestFinished(() => {
      pnpm.kill("SIGKILL");
    });
    let port: number | undefined;
    for await (const line of createInterface({ input: pnpm.stdout })) {
      const match = /"port":(\d+)/.exec(line);
      if (match?.[1] !== undefined && line.includes("Pigeon listening")) {
        port = Number(match[1]);
        break;
      }
    }
    if (port === undefined) throw new Error("pnpm start ended before the relay listened");
    const healthz = `http://127.0.0.1:${port}/healthz`;
    expect(await reachable(healthz)).toBe(true);

    const exited = once(pnpm, "exit");
    pnpm.kill("SIGTERM");
    await exited;
    await waitUntil(async () => !(await reachable(healthz)), `the relay still answers on port ${port} after pnpm start was stopped`, 15_000);
  });
});
