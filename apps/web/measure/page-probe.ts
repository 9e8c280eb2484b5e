import type { Page } from "playwright-core";

/** What the probe watches for on one page load. */
export interface ProbeTargets {
  /** The open room's heading, e.g. "#big". */
  readonly heading: string;
  /** The text of the message the script sends on this load; its status is watched. */
  readonly sentText: string;
}

/** A long task the page's PerformanceObserver saw, in ms since the page's navigation start. */
export interface LongTask {
  readonly start: number;
  readonly duration: number;
}

/**
 * What the probe recorded, in ms since the page's navigation start (`performance.now()`):
 * - `heading`: the room's heading shows;
 * - `badge`: the room's mode badge says "Encrypted" while the heading shows;
 * - `field`: the Message field is there and enabled;
 * - `enter:Room`, `enter:Message`: Enter was first pressed in that field;
 * - `shown`: the sent message shows in the timeline (any status);
 * - `sent`: its status reads "Sent" (or already "Delivered…": the server has it).
 */
export type Marks = Partial<Record<"heading" | "badge" | "field" | "enter:Room" | "enter:Message" | "shown" | "sent", number>>;

interface ProbeState {
  readonly marks: Record<string, number>;
  readonly longTasks: LongTask[];
}

/**
 * Runs in the page before any of its scripts (page.addInitScript): collects long tasks
 * (buffered, so none before it was installed are missed) and, with a MutationObserver that
 * disconnects once it has seen everything, the moments the room became shown and usable.
 * Self-contained: Playwright sends its source text to the page.
 */
function probe(targets: ProbeTargets): void {
  const state: ProbeState = { marks: {}, longTasks: [] };
  (window as unknown as { __pigeonMeasure: ProbeState }).__pigeonMeasure = state;
  try {
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) state.longTasks.push({ start: entry.startTime, duration: entry.duration });
    }).observe({ type: "longtask", buffered: true });
  } catch {
    // No Long Tasks API: the report says none were collected (it checks the API exists).
  }
  const mark = (name: string): void => {
    state.marks[name] ??= performance.now();
  };
  const labelOf = (element: Element | null): string | undefined => {
    const labels = element instanceof HTMLInputElement || element instanceof HTMLTextAreaElement ? element.labels : null;
    return labels?.[0]?.textContent.trim();
  };
  document.addEventListener(
    "keydown",
    (event) => {
      if (event.key !== "Enter") return;
      const label = labelOf(event.target as Element | null);
      if (label === "Room" || label === "Message") mark(`enter:${label}`);
    },
    { capture: true },
  );
  const everything = ["heading", "badge", "field", "shown", "sent"];
  const check = (): void => {
    const marks = state.marks;
    const headingShown = Array.from(document.querySelectorAll("h1")).some((heading) => heading.textContent === targets.heading);
    if (headingShown) mark("heading");
    if (headingShown && marks.badge === undefined && document.querySelector('[data-testid="room-mode"]')?.textContent.startsWith("Encrypted") === true) mark("badge");
    if (marks.field === undefined) {
      for (const label of Array.from(document.querySelectorAll("label"))) {
        const control = label.control;
        if (label.textContent.trim() === "Message" && control !== null && !(control as HTMLInputElement).disabled) mark("field");
      }
    }
    if (marks.sent === undefined) {
      for (const text of Array.from(document.querySelectorAll(".message-text"))) {
        if (text.textContent !== targets.sentText) continue;
        mark("shown");
        const status = text.closest('[data-testid="message"]')?.querySelector(".status-label")?.textContent ?? "";
        if (/^(Sent|Delivered)/u.test(status)) mark("sent");
      }
    }
    if (everything.every((name) => marks[name] !== undefined)) observer.disconnect();
  };
  const observer = new MutationObserver(check);
  observer.observe(document, { subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ["disabled"] });
}

/**
 * Installs the probe for every load of `page` (before its own scripts run). It goes as source
 * text with a `__name` stand-in: tsx (esbuild's keepNames) wraps named functions in `__name()`
 * calls, a helper that exists in this process but not in the page.
 */
export async function installProbe(page: Page, targets: ProbeTargets): Promise<void> {
  await page.addInitScript({ content: `(() => { const __name = (target) => target; (${probe.toString()})(${JSON.stringify(targets)}); })();` });
}

/** The marks so far, or undefined before the probe ran on the current document. */
export async function readMarks(page: Page): Promise<Marks | undefined> {
  return await page.evaluate(() => (window as unknown as { __pigeonMeasure?: ProbeState }).__pigeonMeasure?.marks);
}

/** Long tasks the page saw so far. */
export async function readLongTasks(page: Page): Promise<LongTask[]> {
  return await page.evaluate(() => (window as unknown as { __pigeonMeasure?: ProbeState }).__pigeonMeasure?.longTasks ?? []);
}

/** Whether the page's browser reports long tasks at all (else a zero count means nothing). */
/**
 * Long tasks as the results report them: how many, the longest, their total, and each.
 *
 * @example
 * const longTasks = summarizeLongTasks(await readLongTasks(page));
 */
export function summarizeLongTasks(tasks: readonly LongTask[]): { count: number; longestMs: number; totalMs: number; tasks: readonly LongTask[] } {
  return {
    count: tasks.length,
    longestMs: tasks.reduce((longest, task) => Math.max(longest, task.duration), 0),
    totalMs: tasks.reduce((sum, task) => sum + task.duration, 0),
    tasks,
  };
}

export async function longTasksSupported(page: Page): Promise<boolean> {
  return await page.evaluate(() => PerformanceObserver.supportedEntryTypes.includes("longtask"));
}

/** The page's clock: ms since its navigation start. */
export async function pageNow(page: Page): Promise<number> {
  return await page.evaluate(() => performance.now());
}

/**
 * Polls the probe until `names` are all marked; resolves with the marks. Polling from Node
 * (every `everyMs`) costs the page one tiny evaluate each time; the marks themselves are taken
 * in the page, so the poll interval does not blur them.
 */
export async function waitForMarks(page: Page, names: readonly (keyof Marks)[], timeoutMs: number, everyMs = 20): Promise<Marks> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const marks = await readMarks(page).catch(() => undefined);
    if (marks !== undefined && names.every((name) => marks[name] !== undefined)) return marks;
    if (Date.now() > deadline) {
      throw new Error(`the page did not show ${names.filter((name) => marks?.[name] === undefined).join(", ")} within ${timeoutMs} ms (marks so far: ${JSON.stringify(marks ?? {})})`);
    }
    await delay(everyMs);
  }
}

/** Resolves after `ms`. */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
