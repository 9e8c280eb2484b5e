/**
 * A message's time as shown beside it: "14:05" today, "Mon 14:05" within a week, else a date.
 *
 * @example
 * formatTime(Date.now(), Date.now()) // "14:05"
 */
export function formatTime(at: number, now: number, locale?: string): string {
  const date = new Date(at);
  const time = date.toLocaleTimeString(locale, { hour: "2-digit", minute: "2-digit" });
  const today = new Date(now);
  if (date.toDateString() === today.toDateString()) return time;
  const ageMs = now - at;
  if (ageMs >= 0 && ageMs < 6 * 86_400_000) return `${date.toLocaleDateString(locale, { weekday: "short" })} ${time}`;
  return `${date.toLocaleDateString(locale, { day: "numeric", month: "short" })} ${time}`;
}

/**
 * The full date and time, for a tooltip.
 *
 * @example
 * formatFullTime(message.sentAt) // "27 November 2025, 14:05:09"
 */
export function formatFullTime(at: number, locale?: string): string {
  return new Date(at).toLocaleString(locale, { dateStyle: "long", timeStyle: "medium" });
}
