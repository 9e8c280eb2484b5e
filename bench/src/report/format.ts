/**
 * A rate with a thousands suffix: 12345 → "12.3k", 1234567 → "1.23M".
 *
 * @example
 * formatRate(98_500) // "98.5k"
 */
export function formatRate(value: number): string {
  if (!Number.isFinite(value)) return "–";
  if (value >= 1e6) return `${(value / 1e6).toFixed(2)}M`;
  if (value >= 1e3) return `${(value / 1e3).toFixed(1)}k`;
  return value.toFixed(0);
}

/**
 * A ratio as "0.93x".
 *
 * @example
 * formatRatio(0.934) // "0.93x"
 */
export function formatRatio(value: number): string {
  return Number.isFinite(value) ? `${value.toFixed(2)}x` : "–";
}

/**
 * Bytes in KiB or MiB.
 *
 * @example
 * formatBytes(6_400) // "6.3 KiB"
 */
export function formatBytes(bytes: number): string {
  if (Math.abs(bytes) >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(2)} GiB`;
  if (Math.abs(bytes) >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

/** Milliseconds with two decimals. */
export function formatMs(ms: number): string {
  return Number.isFinite(ms) ? ms.toFixed(2) : "–";
}
