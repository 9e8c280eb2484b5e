import { execFile } from "node:child_process";
import { placement } from "./placement.js";

// A 1 ms timer loop: the longest gap between ticks is how long the core was taken away
// (by the hypervisor, other work, or the kernel). Latency tails cannot be better than this.
const PROBE_SCRIPT = `
let last = performance.now(), max = 0;
const end = last + Number(process.argv[1]);
const tick = () => { const now = performance.now(); max = Math.max(max, now - last); last = now;
  if (now < end) setTimeout(tick, 1); else console.log(max.toFixed(1)); };
tick();`;

/**
 * The longest timer stall on each core over `durationMs`, with the machine otherwise idle:
 * context for latency tails on a shared or virtual machine.
 *
 * @example
 * const stalls = await timerStalls(1_000); // { "0": 4.2, "1": 51.0 }
 */
export async function timerStalls(durationMs: number): Promise<Record<string, number>> {
  const { pinned, serverCore, clientCore } = placement();
  const cores = pinned ? [serverCore, clientCore] : [undefined];
  const results = await Promise.all(
    cores.map(
      (core) =>
        new Promise<number>((resolve) => {
          const nodeArgs = ["-e", PROBE_SCRIPT, String(durationMs)];
          const pin = core === undefined ? [] : placement().pinArgs(core);
          const file = pin[0] ?? process.execPath;
          const args = pin.length > 0 ? [...pin.slice(1), process.execPath, ...nodeArgs] : nodeArgs;
          execFile(file, args, { encoding: "utf8" }, (error, stdout) => {
            resolve(error ? Number.NaN : Number(stdout.trim()));
          });
        }),
    ),
  );
  return Object.fromEntries(cores.map((core, index) => [core === undefined ? "any" : String(core), results[index] ?? Number.NaN]));
}
