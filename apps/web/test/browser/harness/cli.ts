import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";

const require = createRequire(import.meta.url);
// The CLI runs from its TypeScript sources, as `pnpm pigeon` does: tsx's loader, "@source".
const cliMain = join(dirname(require.resolve("@pigeon/cli/package.json")), "src", "main.ts");
const tsxLoader = pathToFileURL(require.resolve("tsx")).href;
const WAIT_MS = 20_000;

/** A `pigeon` process: its output so far, and waits on it. */
export interface CliRun {
  readonly stdout: () => string;
  readonly stderr: () => string;
  /** Resolves once stdout or stderr matches. */
  waitFor(stream: "stdout" | "stderr", pattern: RegExp): Promise<void>;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
  kill(): void;
}

/** A config directory (where the CLI keeps its keys) for this test's CLI runs. */
export async function cliConfigDir(): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), "pigeon-cli-"));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/**
 * Starts `pigeon ARGS` as a child process with its keys in `configDir`.
 *
 * @example
 * const run = runCli(["send", "--server", url, "--name", "carol", "--room", "lobby", "hi"], dir);
 * expect(await run.exited).toBe(0);
 */
export function runCli(args: readonly string[], configDir: string): CliRun {
  const child = spawn(process.execPath, ["--conditions=@source", "--import", tsxLoader, cliMain, ...args], {
    env: { ...process.env, PIGEON_SERVER: undefined, PIGEON_CONFIG_DIR: configDir, XDG_CONFIG_HOME: undefined, FORCE_COLOR: "0" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  const waiters = new Set<() => void>();
  const notify = () => {
    for (const waiter of [...waiters]) waiter();
  };
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk;
    notify();
  });
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
    notify();
  });
  const exited = new Promise<number | null>((resolve) => {
    child.on("close", (code) => {
      resolve(code);
      notify();
    });
  });
  return {
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    },
    waitFor: (stream, pattern) =>
      new Promise<void>((resolve, reject) => {
        const check = () => {
          if (pattern.test(stream === "stdout" ? stdout : stderr)) finish(resolve);
          else if (child.exitCode !== null) {
            finish(() => {
              reject(new Error(`pigeon exited before ${stream} matched ${String(pattern)}\n${stdout}\n${stderr}`));
            });
          }
        };
        const timer = setTimeout(() => {
          finish(() => {
            reject(new Error(`pigeon's ${stream} did not match ${String(pattern)}\n${stdout}\n${stderr}`));
          });
        }, WAIT_MS);
        const finish = (settle: () => void) => {
          clearTimeout(timer);
          waiters.delete(check);
          settle();
        };
        waiters.add(check);
        check();
      }),
  };
}
