import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { constants } from "node:os";
import { fileURLToPath, pathToFileURL } from "node:url";

/**
 * The workspace packages are used from their TypeScript sources (the "@source" export
 * condition), as the tests and the dev scripts do; nothing needs building first. `tsx` alone
 * does not set the condition.
 */
function sourceConditionActive(): boolean {
  const flags = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? "").split(/\s+/u)].join(" ");
  return /(?:--conditions|-C)[= ]@source\b/u.test(flags);
}

/**
 * Runs `main` (loaded by `load`) with the "@source" condition: directly when it is set, else by
 * running the script at `entryUrl` again in a child Node that sets it, passing signals on and
 * exiting with its code.
 *
 * @example
 * await runFromSource(import.meta.url, async () => (await import("./main.js")).main);
 */
export async function runFromSource(entryUrl: string, load: () => Promise<(argv: readonly string[]) => Promise<number>>): Promise<void> {
  if (sourceConditionActive()) {
    const main = await load();
    process.exit(await main(process.argv.slice(2)));
  }
  const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
  const child = spawn(process.execPath, ["--conditions=@source", "--import", tsxLoader, fileURLToPath(entryUrl), ...process.argv.slice(2)], {
    stdio: "inherit",
  });
  // The child cleans up on SIGINT/SIGTERM; pass them on and wait for it.
  const forward = (signal: NodeJS.Signals) => {
    child.kill(signal);
  };
  process.on("SIGINT", forward);
  process.on("SIGTERM", forward);
  child.on("exit", (code, signal) => {
    process.exit(code ?? 128 + (signal === null ? 1 : constants.signals[signal]));
  });
}
