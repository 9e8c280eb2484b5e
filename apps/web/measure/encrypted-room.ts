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
import { runFromSource } from "./run-from-source.js";

await runFromSource(import.meta.url, async () => (await import("./main.js")).main);
