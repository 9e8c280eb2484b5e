import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const WAIT_LIMIT_MS = 15_000;
const cliDir = dirname(dirname(fileURLToPath(import.meta.url)));
// The built CLI, as users run it; test/global-setup.ts rebuilds it when its sources changed.
const mainPath = join(cliDir, "dist", "main.js");

/** How a CLI process ended. */
export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * `pigeon` running as a real child process, with its output collected and helpers to wait,
 * with a bounded wait, for a line to appear or for the process to exit.
 */
export class CliProcess {
  stdout = "";
  stderr = "";
  readonly exited: Promise<Exit>;
  readonly #child: ChildProcessWithoutNullStreams;
  readonly #waiters = new Set<() => void>();

  constructor(args: readonly string[], env: NodeJS.ProcessEnv = {}) {
    this.#child = spawn(process.execPath, [mainPath, ...args], {
      cwd: cliDir,
      env: { ...process.env, PIGEON_SERVER: undefined, FORCE_COLOR: "0", ...testEnvironment, ...env },
    });
    this.#child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      this.stdout += chunk;
      this.#notify();
    });
    this.#child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      this.stderr += chunk;
      this.#notify();
    });
    this.exited = new Promise((resolve) => {
      this.#child.on("close", (code, signal) => {
        resolve({ code, signal });
        this.#notify();
      });
    });
  }

  /** Writes to the process's stdin. */
  write(text: string): void {
    this.#child.stdin.write(text);
  }

  /** Closes the process's stdin (end of input). */
  end(text?: string): void {
    this.#child.stdin.end(text);
  }

  /** Resolves with the first match of `pattern` in stdout, once it appears. */
  waitForStdout(pattern: RegExp): Promise<RegExpMatchArray> {
    return this.#waitFor("stdout", pattern);
  }

  /** Resolves with the first match of `pattern` in stderr, once it appears. */
  waitForStderr(pattern: RegExp): Promise<RegExpMatchArray> {
    return this.#waitFor("stderr", pattern);
  }

  /** Resolves with the exit, or rejects if the process is still running after the wait limit. */
  async exit(): Promise<Exit> {
    let timer: NodeJS.Timeout | undefined;
    const limit = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => {
        reject(new Error(`still running after ${WAIT_LIMIT_MS} ms\n${this.#transcript()}`));
      }, WAIT_LIMIT_MS);
    });
    try {
      return await Promise.race([this.exited, limit]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Ends the process if it still runs (test cleanup). */
  kill(): void {
    if (this.#child.exitCode === null && this.#child.signalCode === null) this.#child.kill("SIGKILL");
  }

  #waitFor(stream: "stdout" | "stderr", pattern: RegExp): Promise<RegExpMatchArray> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        const match = this[stream].match(pattern);
        if (match) finish(() => { resolve(match); });
        else if (this.#child.exitCode !== null || this.#child.signalCode !== null) {
          finish(() => { reject(new Error(`exited before ${stream} matched ${String(pattern)}\n${this.#transcript()}`)); });
        }
      };
      const timer = setTimeout(() => {
        finish(() => { reject(new Error(`${stream} did not match ${String(pattern)} within ${WAIT_LIMIT_MS} ms\n${this.#transcript()}`)); });
      }, WAIT_LIMIT_MS);
      const finish = (settle: () => void): void => {
        clearTimeout(timer);
        this.#waiters.delete(check);
        settle();
      };
      this.#waiters.add(check);
      check();
    });
  }

  #notify(): void {
    for (const waiter of [...this.#waiters]) waiter();
  }

  #transcript(): string {
    return `--- stdout\n${this.stdout}--- stderr\n${this.stderr}---`;
  }
}

let testEnvironment: NodeJS.ProcessEnv = {};

/** Environment variables every CLI process started from now on gets (e.g. its config directory). */
export function setTestEnvironment(env: NodeJS.ProcessEnv): void {
  testEnvironment = env;
}

/** Starts `pigeon` with `args`; every process started is killed by {@link killAll}. */
export function startCli(args: readonly string[], env?: NodeJS.ProcessEnv): CliProcess {
  const cli = new CliProcess(args, env);
  running.add(cli);
  return cli;
}

const running = new Set<CliProcess>();

/** Kills every CLI process still running (for afterEach). */
export function killAll(): void {
  for (const cli of running) cli.kill();
  running.clear();
}
