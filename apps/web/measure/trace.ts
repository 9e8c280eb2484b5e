import type { CDPSession } from "playwright-core";

/** The timeline categories: top-level tasks, DevTools' timeline events (paint, layout, parse, …), V8 execution. */
const CATEGORIES = ["toplevel", "devtools.timeline", "disabled-by-default-devtools.timeline", "v8.execute", "v8"];

interface TraceEvent {
  readonly name: string;
  readonly ph: string;
  readonly pid: number;
  readonly tid: number;
  readonly ts: number;
  readonly dur?: number;
  readonly args?: { readonly name?: string };
}

/** Self time of one kind of trace event on the page's main thread. */
export interface TraceEntry {
  readonly name: string;
  readonly selfMs: number;
  /** Share of the main thread's time inside top-level tasks, %. */
  readonly share: number;
}

/** Where the page's main thread spent its task time, by trace event (self time, children excluded). */
export interface TraceSummary {
  readonly tracedMs: number;
  /** Time inside top-level tasks on the main thread. */
  readonly taskMs: number;
  readonly top: readonly TraceEntry[];
}

/** A trace being recorded through `cdp` (the page's session). */
export interface TraceRecording {
  stop(): Promise<TraceSummary>;
}

/**
 * Starts recording a Chrome trace of the page (timeline categories only), to break the main
 * thread's task time down by what the browser did (script, layout, paint, IndexedDB, parsing
 * messages, …): the part of TaskDuration a JS profile shows only as "(program)".
 */
export async function startTrace(cdp: CDPSession): Promise<TraceRecording> {
  const events: TraceEvent[] = [];
  const onData = ({ value }: { value: object[] }) => {
    events.push(...(value as TraceEvent[]));
  };
  cdp.on("Tracing.dataCollected", onData);
  await cdp.send("Tracing.start", { traceConfig: { includedCategories: CATEGORIES, excludedCategories: ["*"] }, transferMode: "ReportEvents" });
  const started = performance.now();
  return {
    async stop() {
      const complete = new Promise<void>((resolve) => {
        cdp.once("Tracing.tracingComplete", () => {
          resolve();
        });
      });
      await cdp.send("Tracing.end");
      await Promise.race([complete, new Promise((resolve) => setTimeout(resolve, 30_000))]);
      cdp.off("Tracing.dataCollected", onData);
      return summarizeTrace(events, performance.now() - started);
    },
  };
}

/** Self times of the renderer main thread's complete ("X") events, nested by time. */
function summarizeTrace(events: readonly TraceEvent[], tracedMs: number, topCount = 15): TraceSummary {
  const main = events.find((event) => event.ph === "M" && event.name === "thread_name" && event.args?.name === "CrRendererMain");
  if (main === undefined) return { tracedMs, taskMs: 0, top: [] };
  const onMain = events
    .filter((event) => event.pid === main.pid && event.tid === main.tid && event.ph === "X" && event.dur !== undefined)
    .sort((a, b) => a.ts - b.ts || (b.dur ?? 0) - (a.dur ?? 0));
  const self = new Map<string, number>();
  const open: { end: number; name: string; childDur: number; dur: number }[] = [];
  let taskMs = 0;
  const close = (until: number) => {
    while (open.length > 0 && (open.at(-1)?.end ?? 0) <= until) {
      const done = open.pop();
      if (done === undefined) break;
      self.set(done.name, (self.get(done.name) ?? 0) + Math.max(0, done.dur - done.childDur) / 1_000);
    }
  };
  for (const event of onMain) {
    const dur = event.dur ?? 0;
    close(event.ts);
    const parent = open.at(-1);
    if (parent === undefined) taskMs += dur / 1_000;
    else parent.childDur += dur;
    open.push({ end: event.ts + dur, name: event.name, childDur: 0, dur });
  }
  close(Number.POSITIVE_INFINITY);
  const top = [...self.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, topCount)
    .map(([name, selfMs]) => ({ name, selfMs, share: taskMs > 0 ? (100 * selfMs) / taskMs : 0 }));
  return { tracedMs, taskMs, top };
}
