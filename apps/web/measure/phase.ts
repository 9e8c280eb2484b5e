import { loadavg } from "node:os";
import type { CDPSession, Page } from "playwright-core";
import { MAX_ROOM_ENTRIES } from "../src/state/room.js";
import type { CpuProfile } from "./cpu-profile.js";
import { sendBurst } from "./members.js";
import { delay, pageNow, readLongTasks, summarizeLongTasks, type LongTask } from "./page-probe.js";
import { chromiumCpuSeconds } from "./processes.js";
import type { Sender } from "./raw-sender.js";
import { startTrace, type TraceRecording, type TraceSummary } from "./trace.js";

/**
 * The main-thread metrics of CDP's Performance domain that the report reads (seconds,
 * cumulative): wall time in tasks, in script, layout and style, in "other" task work, the main
 * thread's CPU time (ThreadTime), compiling, and serving DevTools (this script's own polls).
 */
const METRICS = [
  "TaskDuration",
  "ScriptDuration",
  "LayoutDuration",
  "RecalcStyleDuration",
  "TaskOtherDuration",
  "V8CompileDuration",
  "ThreadTime",
  "DevToolsCommandDuration",
] as const;
type MetricName = (typeof METRICS)[number];

/** What one message phase measured. */
export interface PhaseResult {
  readonly label: string;
  readonly room: string;
  readonly mode: "encrypted" | "plain";
  readonly profiled: boolean;
  readonly planned: { readonly rate: number; readonly seconds: number; readonly messages: number; readonly senders: number };
  /** Sends: accepted by the relay, refused or unanswered, the rate achieved, how late the sender got. */
  readonly sending: {
    readonly accepted: number;
    readonly failed: number;
    /** The first few distinct errors of failed sends. */
    readonly errors: readonly string[];
    readonly achievedRate: number;
    readonly maxLagMs: number;
    readonly ackP50Ms: number;
    readonly ackMaxMs: number;
    /** Encrypting the phase's messages ahead, before the clock started, ms. */
    readonly prepareMs: number;
  };
  /** Whether the page showed what was sent: the last message (highest seq) and, of the rest, what the room keeps, in order. */
  readonly delivery: {
    /** The page showed the last message before the drain timeout (the window ends then). */
    readonly lastShownInWindow: boolean;
    /** The page showed it at all (waiting, unmeasured, past the window if need be). */
    readonly caughtUp: boolean;
    readonly shownInOrder: boolean;
    readonly kept: number;
    readonly expectedKept: number;
    /** From the first send to the page showing the last message (or giving up), ms. */
    readonly lastShownAfterMs: number;
    /** How far behind the page was: from the last send to the page showing it (or giving up), ms. */
    readonly behindMs: number;
  };
  /** How long the page took to go quiet before the phase, and whether it did (main thread under 10% busy for 2 s). */
  readonly settle: { readonly ms: number; readonly quiet: boolean };
  /** From the first send to the page showing the last message, s. */
  readonly windowSeconds: number;
  /** Main-thread time over the window (CDP Performance.getMetrics deltas), ms, and per second of window. */
  readonly mainThread: Record<MetricName, { readonly ms: number; readonly msPerSecond: number }>;
  readonly longTasks: { readonly count: number; readonly longestMs: number; readonly totalMs: number; readonly tasks: readonly LongTask[] };
  /** CPU of the whole Chromium (every process) and of this Node process (relay + senders) over the window, s per s. */
  readonly cpu: { readonly chromiumPerSecond: number; readonly nodePerSecond: number; readonly loadAverage1m: number };
  /** Console warnings and errors the page logged during the phase (first few). */
  readonly consoleProblems: readonly string[];
  readonly profile?: CpuProfile;
  readonly trace?: TraceSummary;
}

async function metrics(cdp: CDPSession): Promise<Record<MetricName, number>> {
  const { metrics: all } = await cdp.send("Performance.getMetrics");
  const value = (name: MetricName) => all.find((metric) => metric.name === name)?.value ?? Number.NaN;
  return Object.fromEntries(METRICS.map((name) => [name, value(name)])) as Record<MetricName, number>;
}

/** What a phase is run with. */
export interface PhaseOptions {
  readonly label: string;
  readonly page: Page;
  readonly cdp: CDPSession;
  readonly profileDir: string;
  readonly senders: readonly Sender[];
  readonly room: string;
  readonly mode: "encrypted" | "plain";
  readonly rate: number;
  readonly seconds: number;
  /** Take a V8 CPU profile and a Chrome trace of the page over the phase (they slow the page a little). */
  readonly profile?: boolean;
  /** How long after the last send the measured window may last, waiting for the page to show it (default 90 s). */
  readonly drainTimeoutMs?: number;
  /** How much longer (unmeasured) a page that fell behind may take to show it (default 240 s). */
  readonly catchUpTimeoutMs?: number;
}

/**
 * Senders send `rate` messages a second into `room` for `seconds` while the page is open on
 * it; main-thread metrics, long tasks and CPU are taken before the first send and once the page
 * shows the last message. Then checks that the page got them: the last one (highest seq) shows,
 * and the messages of the phase it still shows (a room keeps its latest 500) are the latest
 * ones, in seq order, so the rate was really delivered.
 */
export async function runPhase(options: PhaseOptions): Promise<PhaseResult> {
  const { page, cdp, senders, room, rate, seconds } = options;
  const problems: string[] = [];
  const onConsole = (message: { type(): string; text(): string }) => {
    if ((message.type() === "warning" || message.type() === "error") && problems.length < 20) problems.push(`${message.type()}: ${message.text()}`);
  };
  const settle = await settleMainThread(cdp);
  page.on("console", onConsole);
  try {
    // The clock starts once the senders have prepared (encrypted) their messages.
    let tracing: TraceRecording | undefined;
    const clock: { before?: Record<MetricName, number>; pageStart: number; chromiumBefore: number; nodeBefore: NodeJS.CpuUsage; wallStart: number; loadAverage1m: number } = {
      pageStart: 0,
      chromiumBefore: 0,
      nodeBefore: process.cpuUsage(),
      wallStart: 0,
      loadAverage1m: Number.NaN,
    };
    const run = await sendBurst(senders, room, {
      rate,
      seconds,
      label: options.label,
      beforeStart: async () => {
        if (options.profile === true) {
          await cdp.send("Profiler.enable");
          await cdp.send("Profiler.setSamplingInterval", { interval: 500 });
          await cdp.send("Profiler.start");
          tracing = await startTrace(cdp);
        }
        clock.before = await metrics(cdp);
        clock.pageStart = await pageNow(page);
        clock.chromiumBefore = await chromiumCpuSeconds(options.profileDir);
        clock.nodeBefore = process.cpuUsage();
        clock.wallStart = performance.now();
        clock.loadAverage1m = loadavg()[0] ?? Number.NaN;
      },
    });
    const { before: start, pageStart, chromiumBefore, nodeBefore, wallStart, loadAverage1m } = clock;
    if (start === undefined) throw new Error("the phase never started");
    const accepted = run.sent.filter((entry) => entry.seq !== undefined);
    const last = accepted.reduce<(typeof accepted)[number] | undefined>((latest, entry) => ((entry.seq ?? 0) > (latest?.seq ?? -1) ? entry : latest), undefined);
    // The page shows the last message: poll gently (each poll is one small evaluate).
    const lastSentAt = wallStart + run.scheduleMs;
    const lastText = last?.text ?? "";
    const showsLast = () => page.evaluate((text) => Array.from(document.querySelectorAll(".message-text")).some((element) => element.textContent === text), lastText);
    const drainDeadline = Date.now() + (options.drainTimeoutMs ?? 90_000);
    let lastShown = last === undefined;
    while (!lastShown && Date.now() < drainDeadline) {
      lastShown = await showsLast();
      if (!lastShown) await delay(100);
    }
    const wallEnd = performance.now();
    const pageEnd = await pageNow(page);
    const after = await metrics(cdp);
    const nodeCpu = process.cpuUsage(nodeBefore);
    const chromiumAfter = await chromiumCpuSeconds(options.profileDir);
    const profile = options.profile === true ? ((await cdp.send("Profiler.stop")).profile as CpuProfile) : undefined;
    if (options.profile === true) await cdp.send("Profiler.disable");
    const trace = await tracing?.stop();

    const windowSeconds = (pageEnd - pageStart) / 1_000;
    const mainThread = Object.fromEntries(
      METRICS.map((name) => {
        const ms = (after[name] - start[name]) * 1_000;
        return [name, { ms, msPerSecond: ms / windowSeconds }];
      }),
    ) as PhaseResult["mainThread"];
    const tasks = (await readLongTasks(page)).filter((task) => task.start >= pageStart && task.start <= pageEnd);

    // A page that fell too far behind: the window ends at the drain timeout (so the figures
    // above cover the phase and that long after it); wait, unmeasured, for it to catch up, so
    // that delivery is still checked.
    let caughtUpAt = lastShown ? wallEnd : undefined;
    const catchUpDeadline = Date.now() + (options.catchUpTimeoutMs ?? 240_000);
    while (caughtUpAt === undefined && Date.now() < catchUpDeadline) {
      if (await showsLast().catch(() => false)) caughtUpAt = performance.now();
      else await delay(500);
    }

    // What the page shows of this phase, in order, against the accepted messages in seq order.
    const shown = (await page.evaluate(() => Array.from(document.querySelectorAll(".message-text"), (element) => element.textContent))).filter((text) =>
      text.startsWith(`${options.label} `),
    );
    const bySeq = [...accepted].sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0)).map((entry) => entry.text);
    // A room keeps its latest MAX_ROOM_ENTRIES entries: that many of the phase, or all of them.
    const expectedKept = Math.min(bySeq.length, MAX_ROOM_ENTRIES);
    const tail = bySeq.slice(bySeq.length - expectedKept);
    const shownInOrder = shown.length === expectedKept && shown.every((text, index) => text === tail[index]);
    const ackTimes = accepted.map((entry) => entry.ackMs ?? 0).sort((a, b) => a - b);

    return {
      label: options.label,
      room,
      mode: options.mode,
      profiled: options.profile === true,
      planned: { rate, seconds, messages: Math.round(rate * seconds), senders: senders.length },
      sending: {
        accepted: accepted.length,
        failed: run.sent.length - accepted.length,
        errors: [...new Set(run.sent.flatMap((entry) => (entry.error === undefined ? [] : [entry.error])))].slice(0, 5),
        prepareMs: run.prepareMs,
        achievedRate: run.sent.length / (run.scheduleMs / 1_000 + 1 / rate),
        maxLagMs: run.maxLagMs,
        ackP50Ms: ackTimes[Math.floor(ackTimes.length / 2)] ?? Number.NaN,
        ackMaxMs: ackTimes.at(-1) ?? Number.NaN,
      },
      delivery: {
        lastShownInWindow: lastShown,
        caughtUp: caughtUpAt !== undefined,
        shownInOrder,
        kept: shown.length,
        expectedKept,
        lastShownAfterMs: (caughtUpAt ?? performance.now()) - wallStart,
        behindMs: (caughtUpAt ?? performance.now()) - lastSentAt,
      },
      settle,
      windowSeconds,
      mainThread,
      longTasks: summarizeLongTasks(tasks),
      cpu: {
        chromiumPerSecond: (chromiumAfter - chromiumBefore) / ((wallEnd - wallStart) / 1_000),
        nodePerSecond: (nodeCpu.user + nodeCpu.system) / 1e6 / ((wallEnd - wallStart) / 1_000),
        loadAverage1m,
      },
      consoleProblems: problems,
      ...(profile === undefined ? {} : { profile }),
      ...(trace === undefined ? {} : { trace }),
    };
  } finally {
    page.off("console", onConsole);
  }
}

/**
 * Waits (at most `timeoutMs`) until the page's main thread is quiet: under 10% busy
 * (CDP TaskDuration) over each of the last `quietSeconds` seconds, so that a phase does not
 * measure what the one before left behind.
 */
export async function settleMainThread(cdp: CDPSession, { quietSeconds = 2, timeoutMs = 90_000 } = {}): Promise<{ ms: number; quiet: boolean }> {
  const started = performance.now();
  let quietFor = 0;
  let previous = (await metrics(cdp)).TaskDuration;
  while (performance.now() - started < timeoutMs) {
    await delay(1_000);
    const current = (await metrics(cdp)).TaskDuration;
    quietFor = current - previous < 0.1 ? quietFor + 1 : 0;
    previous = current;
    if (quietFor >= quietSeconds) return { ms: performance.now() - started, quiet: true };
  }
  return { ms: performance.now() - started, quiet: false };
}
