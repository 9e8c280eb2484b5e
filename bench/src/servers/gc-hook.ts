// Preloaded (`node --expose-gc --import gc-hook.js`) into every server the harness starts,
// Pigeon and baselines alike; it changes nothing in the server itself:
// - on SIGUSR2 it forces full GCs (the last one releasing free pages) and prints `BENCH_MEMORY {rss, heapUsed, ...}` on stderr,
//   so idle memory is measured after GC in every server the same way;
// - when stdin closes (the harness exited, even by SIGKILL) it exits, so no server outlives it.

const MEMORY_MARK = "BENCH_MEMORY ";

process.on("SIGUSR2", () => {
  void collectAndReport();
});

async function collectAndReport(): Promise<void> {
  const collect: unknown = Reflect.get(globalThis, "gc");
  if (typeof collect === "function") {
    const gc = collect as (options: object) => Promise<void> | undefined;
    // A full GC that V8 runs as a task of its own, as it runs its own GCs, not from inside
    // this handler. A GC called from JavaScript, last-resort or not, kept garbage that such a
    // GC frees at once: at 10,000 idle connections 3-15 MB in bare socket.io and 19-40 MB in
    // Pigeon, a different amount in every run (in Pigeon, gone when V8's memory reducer ran).
    // That was the heap figure's swing of a kilobyte or more per connection between runs.
    // After this one, heap used is what a heap snapshot counts (live objects only).
    await gc({ type: "major", execution: "async" });
    // Then V8's "last resort" collection (what a low-memory notification does): full GCs until
    // nothing more dies, then the young generation shrunk and free pages handed back, so RSS
    // is read at once instead of whenever V8's memory reducer gets round to it.
    await gc({ type: "major", execution: "sync", flavor: "last-resort" });
  }
  const { rss, heapUsed, external, arrayBuffers } = process.memoryUsage();
  process.stderr.write(`${MEMORY_MARK}${JSON.stringify({ rss, heapUsed, external, arrayBuffers })}\n`);
}

process.stdin.on("end", () => process.exit(0));
process.stdin.on("error", () => process.exit(0));
process.stdin.resume();
