/**
 * The middle of some numbers (the lower middle of an even count; NaN for none).
 *
 * @example
 * middle([3, 1, 2]); // 2
 */
export function middle(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)] ?? Number.NaN;
}
