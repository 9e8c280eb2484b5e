import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { placement } from "../machine/placement.js";
import { RESULT_MARK, type MlsClientResult, type MlsClientSettings } from "../mls/client-result.js";
import { baseNodeFlags, FROM_SOURCE, harnessModule, REPO_ROOT } from "../servers/process.js";

// Growing a room of 1,000 by external joins takes minutes on a slow core; a bound, not a target.
const TIMEOUT_MS = 20 * 60_000;

/**
 * MLS client cost: runs mls/client-main.ts as its own process, pinned to the server core like
 * every server (the harness keeps the other), with nothing else running, and returns what it
 * measured: external joins at each room size and application messages in a room, on the
 * default (WebCrypto) and node:crypto providers side by side, and CPU profiles of both.
 *
 * @example
 * const result = await runMlsClient({ joinSizes: [10, 100], joinRepetitions: 5, ... }, console.error);
 */
export async function runMlsClient(settings: MlsClientSettings, log: (line: string) => void): Promise<MlsClientResult> {
  const where = placement();
  const conditions = FROM_SOURCE ? ["--conditions=@source"] : [];
  const command = [...where.pinArgs(where.serverCore), process.execPath, ...baseNodeFlags(), ...conditions, harnessModule("../mls/client-main.ts"), JSON.stringify(settings)];
  const [file, ...args] = command;
  if (file === undefined) throw new Error("mls: nothing to run");
  // stdin stays open: the gc-hook preload ends the child when the harness goes.
  const child = spawn(file, args, { cwd: REPO_ROOT, env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: process.env.HOME ?? "/tmp" }, stdio: ["pipe", "pipe", "pipe"] });
  let result: MlsClientResult | undefined;
  const errors: string[] = [];
  createInterface({ input: child.stdout }).on("line", (line) => {
    if (line.startsWith(RESULT_MARK)) result = JSON.parse(line.slice(RESULT_MARK.length)) as MlsClientResult;
  });
  createInterface({ input: child.stderr }).on("line", (line) => {
    if (line.startsWith("mls")) log(line);
    else errors.push(line);
  });
  const timer = setTimeout(() => child.kill("SIGKILL"), TIMEOUT_MS);
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  clearTimeout(timer);
  if (code !== 0 || result === undefined) throw new Error(`mls client measurement failed (exit ${String(code)}):\n${errors.slice(-20).join("\n")}`);
  return result;
}
