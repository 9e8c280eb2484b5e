/** A seeded random source: the same seed gives the same sequence, so a failing run can be replayed. */
export interface Random {
  /** A number in [0, 1). */
  next(): number;
  /** An integer in [0, below). */
  int(below: number): number;
  /** One of `items`. */
  pick<T>(items: readonly T[]): T;
}

/**
 * A small seeded PRNG (mulberry32) for randomised tests, here and in tests/e2e (through
 * `@pigeon/client/testing`, a source-only export for tests).
 *
 * @example
 * const random = seededRandom(Number(process.env.CHAOS_SEED ?? 1));
 * const room = random.pick(["alpha", "beta"]);
 */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const int = (below: number): number => Math.floor(next() * below);
  const pick = <T>(items: readonly T[]): T => {
    const item = items[int(items.length)];
    if (item === undefined) throw new RangeError("pick from an empty list");
    return item;
  };
  return { next, int, pick };
}
