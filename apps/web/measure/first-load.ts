// Issue 16: the web client's first load, cold, in real Chromium: bytes by resource type and time
// to interactive, unthrottled and on a slow phone network. A measurement, not a test. Run with
//   pnpm --filter @pigeon/web measure:load -- --label before   (about 3 minutes)
//   pnpm --filter @pigeon/web measure:load -- --help
// It builds the app (Vite, production, with its precompressed files) into a temp dir, starts a
// relay on 127.0.0.1 serving it, and writes measure/results/first-load-<label>.json.
import { runFromSource } from "./run-from-source.js";

await runFromSource(import.meta.url, async () => (await import("./first-load-main.js")).main);
