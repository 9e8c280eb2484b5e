/**
 * A small seeded PRNG (mulberry32): the same seed gives the same sequence, so a failing
 * randomised test can be replayed exactly.
 */
export function seededRandom(seed: number): { next: () => number; int: (below: number) => number; pick: <T>(items: readonly T[]) => T } {
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
