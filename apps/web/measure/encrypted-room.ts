// Issue 13: how an encrypted room of 100 behaves in real Chromium. A measurement, not a test:
// speed targets are checked here, never by timed assertions in tests. Run it by hand with
//   pnpm --filter @pigeon/web measure             (about 1.5 minutes on two cores)
//   pnpm --filter @pigeon/web measure -- --help   (scale, length, output)
//   pnpm --filter @pigeon/web measure -- --smoke  (tiny scale: checks the pieces work)
// It builds the app (Vite, production) into a temp dir, starts a relay on 127.0.0.1 serving
// it, fills an encrypted room: 94 Node SDK members (then offline) and 5 protocol-level senders
// (raw-sender.ts says why not the SDK), and drives the machine's Chromium through the UI as
// the 100th member: first visit (sign in, join), then the known profile opened again
// (navigation start -> "#big" -> a message "Sent"), then 50 messages/s into the open room,
// encrypted and, for reference, plain: long tasks, main-thread time (CDP), CPU, and a CPU
// profile and trace of an extra encrypted phase; with --backlog N, the browser closed while the
// senders put N encrypted messages into the room, then reopened: navigation start -> the last of
// them shown (target, reported only: 10,000 in < 5 s). It prints tables, writes
// measure/results/latest.json, and exits 1 if a main-thread task over 50 ms was seen while
// messages arrived in the encrypted room (2 if the run failed or its figures cannot be trusted).
// Everything it starts (relay, clients, Chromium, temp dirs) is stopped and removed, on failure
// and on SIGINT/SIGTERM too; the whole run is bounded (--budget-minutes, default 20).
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { constants } from "node:os";
import { fileURLToPath, pathToFileURL } from "node:url";

/**
 * The workspace packages are used from their TypeScript sources (the "@source" export
 * condition), as the tests and the dev scripts do; nothing needs building first. `tsx` alone
 * does not set the condition, so without it this script runs itself again with it.
 */
function sourceConditionActive(): boolean {
  const flags = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? "").split(/\s+/u)].join(" ");
  return /(?:--conditions|-C)[= ]@source\b/u.test(flags);
}

if (sourceConditionActive()) {
  const { main } = await import("./main.js");
  process.exit(await main(process.argv.slice(2)));
} else {
  const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
  const child = spawn(process.execPath, ["--conditions=@source", "--import", tsxLoader, fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
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
