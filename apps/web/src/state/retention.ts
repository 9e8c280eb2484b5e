import type { RetentionPolicy } from "@pigeon/protocol";

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;

/**
 * A duration in the largest whole unit that reads well: "14 days", "1 hour", "90 minutes".
 *
 * @example
 * formatDuration(1_209_600_000) // "14 days"
 */
export function formatDuration(ms: number): string {
  const plural = (count: number, unit: string) => `${count} ${unit}${count === 1 ? "" : "s"}`;
  if (ms >= DAY_MS && ms % DAY_MS === 0) return plural(ms / DAY_MS, "day");
  if (ms >= DAY_MS * 2) return plural(Math.round(ms / DAY_MS), "day");
  if (ms >= HOUR_MS && ms % HOUR_MS === 0) return plural(ms / HOUR_MS, "hour");
  if (ms >= HOUR_MS * 2) return plural(Math.round(ms / HOUR_MS), "hour");
  if (ms >= MINUTE_MS) return plural(Math.round(ms / MINUTE_MS), "minute");
  return plural(Math.max(1, Math.round(ms / 1000)), "second");
}

/**
 * The server's promise in one sentence.
 *
 * @example
 * retentionSummary(hello.retention)
 * // "Messages are deleted from the server once delivered; undelivered ones are kept 14 days."
 */
export function retentionSummary(retention: RetentionPolicy): string {
  return `Messages are deleted from the server once delivered; undelivered ones are kept ${formatDuration(retention.messageTtlMs)}.`;
}

/**
 * The details behind {@link retentionSummary}, one sentence each.
 *
 * @example
 * retentionDetails(hello.retention)[0] // "A room holds at most 10,000 messages (16 MiB) for people who are away, each sender at most half of it; past that the sender's own oldest go first."
 */
export function retentionDetails(retention: RetentionPolicy): string[] {
  const entries = retention.maxRoomEntries.toLocaleString("en-US");
  return [
    `A room holds at most ${entries} messages (${formatBytes(retention.maxRoomBytes)}) for people who are away, each sender at most half of it; past that the sender's own oldest go first.`,
    `Members away longer than ${formatDuration(retention.memberTtlMs)} leave their rooms, and their name is free again.`,
    retention.store === "memory"
      ? "This server keeps what it holds in memory: a restart loses undelivered messages."
      : "This server keeps what it holds in Redis, so undelivered messages survive a restart.",
    "Your key stays in this browser; there is no password and no account.",
  ];
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes.toLocaleString("en-US")} bytes`;
}
