// Preloaded (`node --expose-gc --import gc-hook.js`) into every server the harness starts,
// Pigeon and baselines alike; it changes nothing in the server itself:
// - on SIGUSR2 it forces a full GC (releasing free pages) and prints `BENCH_MEMORY {rss, heapUsed, ...}` on stderr,
//   so idle memory is measured after GC in every server the same way;
// - when stdin closes (the harness exited, even by SIGKILL) it exits, so no server outlives it.

const MEMORY_MARK = "BENCH_MEMORY ";

process.on("SIGUSR2", () => {
  const collect: unknown = Reflect.get(globalThis, "gc");
  if (typeof collect === "function") {
    // V8's "last resort" collection (what a low-memory notification does): full GCs until
    // nothing more dies, then the young generation shrunk and free pages handed back, so RSS
    // is read at once instead of whenever V8's memory reducer gets round to it.
    (collect as (options: object) => void)({ type: "major", execution: "sync", flavor: "last-resort" });
  }
  const { rss, heapUsed, external, arrayBuffers } = process.memoryUsage();
  process.stderr.write(`${MEMORY_MARK}${JSON.stringify({ rss, heapUsed, external, arrayBuffers })}\n`);
});

process.stdin.on("end", () => process.exit(0));
process.stdin.on("error", () => process.exit(0));
process.stdin.resume();
