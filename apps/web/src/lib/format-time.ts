// Building an Intl.DateTimeFormat is what costs (toLocaleTimeString with options builds one on
// every call); a timeline renders a time per message, so each format is built once and reused.
const formats = new Map<string, Intl.DateTimeFormat>();

function format(locale: string | undefined, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale ?? ""}|${JSON.stringify(options)}`;
  let found = formats.get(key);
  if (found === undefined) {
    found = new Intl.DateTimeFormat(locale, options);
    formats.set(key, found);
  }
  return found;
}

const TIME: Intl.DateTimeFormatOptions = { hour: "2-digit", minute: "2-digit" };
const WEEKDAY: Intl.DateTimeFormatOptions = { weekday: "short" };
const DAY: Intl.DateTimeFormatOptions = { day: "numeric", month: "short" };
const FULL: Intl.DateTimeFormatOptions = { dateStyle: "long", timeStyle: "medium" };

/**
 * A message's time as shown beside it: "14:05" today, "Mon 14:05" within a week, else a date.
 *
 * @example
 * formatTime(Date.now(), Date.now()) // "14:05"
 */
export function formatTime(at: number, now: number, locale?: string): string {
  const date = new Date(at);
  const time = format(locale, TIME).format(date);
  const today = new Date(now);
  if (date.toDateString() === today.toDateString()) return time;
  const ageMs = now - at;
  if (ageMs >= 0 && ageMs < 6 * 86_400_000) return `${format(locale, WEEKDAY).format(date)} ${time}`;
  return `${format(locale, DAY).format(date)} ${time}`;
}

/**
 * The full date and time, for a tooltip.
 *
 * @example
 * formatFullTime(message.sentAt) // "27 November 2025, 14:05:09"
 */
export function formatFullTime(at: number, locale?: string): string {
  return format(locale, FULL).format(new Date(at));
}

const DATE: Intl.DateTimeFormatOptions = { weekday: "long", day: "numeric", month: "long" };
const DATE_WITH_YEAR: Intl.DateTimeFormatOptions = { weekday: "long", day: "numeric", month: "long", year: "numeric" };

/**
 * The day of a timeline's day line: "Today", "Yesterday", else the date ("Friday 4 December",
 * with the year when it is not this one).
 *
 * @example
 * formatDay(Date.now(), Date.now()) // "Today"
 */
export function formatDay(at: number, now: number, locale?: string): string {
  const date = new Date(at);
  const today = new Date(now);
  if (date.toDateString() === today.toDateString()) return "Today";
  const yesterday = new Date(today.getFullYear(), today.getMonth(), today.getDate() - 1);
  if (date.toDateString() === yesterday.toDateString()) return "Yesterday";
  return format(locale, date.getFullYear() === today.getFullYear() ? DATE : DATE_WITH_YEAR).format(date);
}
