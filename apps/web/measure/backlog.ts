import type { Page } from "playwright-core";
import { MAX_ROOM_ENTRIES } from "../src/state/room.js";
import type { BrowserProfile } from "../test/browser/harness/chromium.js";
import { summarizeProfile, type CpuProfile, type ProfileSummary } from "./cpu-profile.js";
import { installProbe, readLongTasks, summarizeLongTasks, waitForMarks, type LongTask } from "./page-probe.js";
import { settleMainThread } from "./phase.js";
import type { RawSender } from "./raw-sender.js";

/** Messages each sender keeps in flight while filling the backlog (under the relay's maxPendingEvents, 256). */
const IN_FLIGHT_PER_SENDER = 64;

/** The Performance.getMetrics values the backlog reads (seconds, cumulative). */
const METRICS = ["TaskDuration", "ScriptDuration", "LayoutDuration", "RecalcStyleDuration", "ThreadTime"] as const;
type MetricName = (typeof METRICS)[number];

/** What the backlog measurement found: a returning member taking in N messages held for it. */
export interface BacklogResult {
  readonly messages: number;
  readonly senders: number;
  /** Putting the backlog on the relay while the browser was closed: encrypting it ahead, then sending (as fast as the relay took it). */
  readonly fill: { readonly prepareMs: number; readonly sendMs: number; readonly accepted: number; readonly failed: number; readonly errors: readonly string[] };
  /** Launching Chromium with the profile (not part of the figures below). */
  readonly launchMs: number;
  /** ms from navigation start: the room's heading, and the last (highest seq) backlog message shown in the timeline. */
  readonly headingMs: number;
  readonly lastShownMs: number;
  /** After the last message showed, how long until the main thread was quiet (under 10% busy for 2 s), and whether it was within 90 s. */
  readonly quietAfterMs: number;
  readonly quiet: boolean;
  /** The latest backlog messages the page shows (it keeps MAX_ROOM_ENTRIES), and whether they are the expected ones, in order. */
  readonly delivery: { readonly kept: number; readonly expectedKept: number; readonly shownInOrder: boolean };
  /** Main-thread time from just before navigation to the last message shown (CDP Performance.getMetrics), ms. */
  readonly mainThread: Record<MetricName, number>;
  /** Long tasks from navigation start to the last message shown. */
  readonly longTasks: { readonly count: number; readonly longestMs: number; readonly totalMs: number; readonly tasks: readonly LongTask[] };
  /** Page console warnings and errors during the drain (first few). */
  readonly consoleProblems: readonly string[];
  /** With `profile`: a V8 CPU profile of the drain, from the navigation's commit to the last message shown (it slows the page a little). */
  readonly profile?: ProfileSummary;
}

export interface BacklogOptions {
  readonly profile: BrowserProfile;
  readonly viewport: { readonly width: number; readonly height: number };
  readonly url: string;
  readonly room: string;
  readonly senders: readonly RawSender[];
  readonly messages: number;
  readonly timeoutMs: number;
  readonly log: (line: string) => void;
  /** Take a CPU profile of the drain; finds its scripts' source maps. */
  readonly cpuProfile?: (scriptName: string) => string | undefined;
}

/**
 * The browser is closed (its profile kept); the senders put `messages` encrypted messages into
 * `room` (round robin, encrypted ahead, each sender keeping a few dozen in flight); then the
 * profile is opened again and the page measured from navigation start until it shows the last
 * of them. Resolves with the figures and the page, open on the room.
 */
export async function runBacklog(options: BacklogOptions): Promise<{ result: BacklogResult; page: Page }> {
  const { profile, senders, room, messages } = options;
  await profile.close();
  const texts = Array.from({ length: messages }, (_, index) => `backlog ${index + 1}`);
  const perSender = senders.map((_, index) => texts.filter((__, textIndex) => textIndex % senders.length === index));
  options.log(`backlog: the browser is closed; ${senders.length} senders encrypt ${messages} messages for #${room}`);
  let started = performance.now();
  for (const [index, sender] of senders.entries()) await sender.prepare(room, perSender[index] ?? []);
  const prepareMs = performance.now() - started;
  options.log(`backlog: encrypted in ${Math.round(prepareMs)} ms; sending`);
  started = performance.now();
  const sent: { text: string; seq?: number; error?: string }[] = [];
  await Promise.all(
    senders.map(async (sender, index) => {
      const queue = [...(perSender[index] ?? [])];
      const worker = async () => {
        for (let text = queue.shift(); text !== undefined; text = queue.shift()) {
          try {
            sent.push({ text, seq: await sender.send(room, text) });
          } catch (error) {
            sent.push({ text, error: error instanceof Error ? error.message : String(error) });
          }
        }
      };
      await Promise.all(Array.from({ length: IN_FLIGHT_PER_SENDER }, worker));
    }),
  );
  const sendMs = performance.now() - started;
  const accepted = sent.filter((entry) => entry.seq !== undefined).sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0));
  const failed = sent.length - accepted.length;
  options.log(`backlog: ${accepted.length} accepted (${failed} failed) in ${Math.round(sendMs)} ms; opening the profile again`);
  const last = accepted.at(-1);
  if (last === undefined) throw new Error("the relay accepted none of the backlog");

  const launchStarted = performance.now();
  const page = await profile.open(options.viewport);
  const launchMs = performance.now() - launchStarted;
  const problems: string[] = [];
  page.on("console", (message) => {
    if ((message.type() === "warning" || message.type() === "error") && problems.length < 20) problems.push(`${message.type()}: ${message.text()}`);
  });
  // The probe's "shown" mark: the last backlog message in the timeline.
  await installProbe(page, { heading: `#${room}`, sentText: last.text });
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Performance.enable");
  const read = async () => {
    const { metrics: all } = await cdp.send("Performance.getMetrics");
    return Object.fromEntries(METRICS.map((name) => [name, all.find((metric) => metric.name === name)?.value ?? Number.NaN])) as Record<MetricName, number>;
  };
  const before = await read();
  await page.goto(`${options.url}/`, { waitUntil: "commit" });
  if (options.cpuProfile !== undefined) {
    // Started once the navigation committed (a new renderer process would not keep it): the first few ms are missed.
    await cdp.send("Profiler.enable");
    await cdp.send("Profiler.setSamplingInterval", { interval: 500 });
    await cdp.send("Profiler.start");
  }
  // Polled every 100 ms: each poll is a small evaluate the busy page has to answer.
  const marks = await waitForMarks(page, ["heading", "shown"], options.timeoutMs, 100);
  const after = await read();
  const cpuProfile = options.cpuProfile === undefined ? undefined : ((await cdp.send("Profiler.stop")).profile as CpuProfile);
  const lastShownMs = marks.shown ?? Number.NaN;
  options.log(`backlog: the last of ${accepted.length} messages shown ${Math.round(lastShownMs)} ms after navigation start`);
  // A navigation to another renderer process starts the counters again: then the "after" values are the whole.
  const mainThread = Object.fromEntries(
    METRICS.map((name) => [name, (after[name] >= before[name] ? after[name] - before[name] : after[name]) * 1_000]),
  ) as Record<MetricName, number>;
  const tasks = (await readLongTasks(page)).filter((task) => task.start <= lastShownMs);
  const settle = await settleMainThread(cdp);
  await cdp.detach().catch(() => undefined);

  const shown = (await page.evaluate(() => Array.from(document.querySelectorAll(".message-text"), (element) => element.textContent))).filter((text) =>
    text.startsWith("backlog "),
  );
  const expectedKept = Math.min(accepted.length, MAX_ROOM_ENTRIES);
  const tail = accepted.slice(accepted.length - expectedKept).map((entry) => entry.text);
  return {
    page,
    result: {
      messages,
      senders: senders.length,
      fill: {
        prepareMs,
        sendMs,
        accepted: accepted.length,
        failed,
        errors: [...new Set(sent.flatMap((entry) => (entry.error === undefined ? [] : [entry.error])))].slice(0, 5),
      },
      launchMs,
      headingMs: marks.heading ?? Number.NaN,
      lastShownMs,
      quietAfterMs: settle.ms,
      quiet: settle.quiet,
      delivery: { kept: shown.length, expectedKept, shownInOrder: shown.length === expectedKept && shown.every((text, index) => text === tail[index]) },
      mainThread,
      longTasks: summarizeLongTasks(tasks),
      consoleProblems: problems,
      ...(cpuProfile === undefined || options.cpuProfile === undefined ? {} : { profile: await summarizeProfile(cpuProfile, options.cpuProfile) }),
    },
  };
}
