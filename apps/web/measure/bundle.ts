// Issue 16: the web client's scripts by package (bundle-sources.ts), for the first load's bytes.
//   pnpm --filter @pigeon/web measure:bundle [-- --label NAME]   -> measure/results/bundle-NAME.json
import { runFromSource } from "./run-from-source.js";

await runFromSource(import.meta.url, async () => (await import("./bundle-main.js")).main);
