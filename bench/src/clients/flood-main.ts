// A flood in a process of its own (started by workloads/floods.ts): reads its settings from
// argv, says when it starts, floods until its count or time is spent, prints what the relay
// made of it, and exits. It also exits when the harness goes (its stdin closes).
import { FLOOD_RESULT_MARK, FLOOD_STARTED_MARK, runFlood, type FloodSettings } from "./flooders.js";

process.stdin.on("end", () => process.exit(1));
process.stdin.on("error", () => process.exit(1));
process.stdin.resume();
const settings = JSON.parse(process.argv[2] ?? "{}") as FloodSettings;
process.stdout.write(`${FLOOD_STARTED_MARK}\n`);
const outcome = await runFlood(settings);
process.stdout.write(`${FLOOD_RESULT_MARK}${JSON.stringify(outcome)}\n`);
process.exit(0);
