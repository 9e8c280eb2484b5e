import type { CDPSession, Page } from "playwright-core";
import { delay } from "./page-probe.js";

/** The network and CPU a load runs under (CDP Network.emulateNetworkConditions, Emulation.setCPUThrottlingRate). */
export interface Conditions {
  readonly label: string;
  /** Added to each request, ms; 0 with no throttling. */
  readonly latencyMs: number;
  /** kbit/s; 0 for no limit. */
  readonly downKbps: number;
  readonly upKbps: number;
  /** CPU slowdown factor: 1 for none. */
  readonly cpuSlowdown: number;
}

export const UNTHROTTLED: Conditions = { label: "unthrottled", latencyMs: 0, downKbps: 0, upKbps: 0, cpuSlowdown: 1 };
/** A slow mobile connection on a mid-range phone: 1.6 Mbps down, 750 kbps up, 150 ms, 4x CPU. */
export const SLOW_PHONE: Conditions = { label: "1.6Mbps-150ms-4xCPU", latencyMs: 150, downKbps: 1_600, upKbps: 750, cpuSlowdown: 4 };

/** Main thread without a long task (> 50 ms) for this long, after the field is ready: TTI's quiet window (Lighthouse's). */
export const QUIET_WINDOW_MS = 5_000;

/** Bytes of one kind of resource (or all): on the wire (headers included) and once decoded. */
export interface Bytes {
  readonly requests: number;
  readonly transferred: number;
  readonly uncompressed: number;
}

/** One cold load of `/`, timings in ms since navigation start (the page's clock). */
export interface LoadRun {
  /** By CDP resource type: Document, Script, Stylesheet, Image, XHR, Fetch, Other. */
  readonly byType: Record<string, Bytes>;
  readonly total: Bytes;
  /** Each resource: path, type, Content-Encoding, transferred and uncompressed bytes. */
  readonly resources: readonly { path: string; type: string; encoding: string; transferred: number; uncompressed: number }[];
  readonly responseStartMs: number;
  readonly firstContentfulPaintMs: number;
  readonly domContentLoadedMs: number;
  readonly loadMs: number;
  /** The Name field is in the page, laid out, enabled, and has focus. */
  readonly fieldReadyMs: number;
  /** Time to interactive: see TTI in first-load.ts. */
  readonly ttiMs: number;
  readonly longTasks: readonly { start: number; duration: number }[];
  /** A key pressed in the Name field once quiet: how long the event waited for the main thread (Event Timing), ms. */
  readonly inputDelayMs: number;
  /** A fixed loop of arithmetic timed in the page once loaded, ms: shows the CPU throttling was in force. */
  readonly cpuCheckMs: number;
}

interface ProbeState {
  fieldReady?: number;
  longTasks: { start: number; duration: number }[];
  inputDelay?: number;
}

/** Runs in the page before its scripts: long tasks, the moment the Name field is usable, the first input's delay. */
function probe(): void {
  const state: ProbeState = { longTasks: [] };
  (window as unknown as { __firstLoad: ProbeState }).__firstLoad = state;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) state.longTasks.push({ start: entry.startTime, duration: entry.duration });
  }).observe({ type: "longtask", buffered: true });
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries() as PerformanceEventTiming[]) state.inputDelay ??= entry.processingStart - entry.startTime;
  }).observe({ type: "first-input", buffered: true });
  const check = (): boolean => {
    const field = document.getElementById("sign-in-name");
    if (!(field instanceof HTMLInputElement) || field.disabled || field.getClientRects().length === 0 || document.activeElement !== field) return false;
    state.fieldReady = performance.now();
    return true;
  };
  const observer = new MutationObserver(() => {
    if (check()) observer.disconnect();
  });
  observer.observe(document, { childList: true, subtree: true, attributes: true });
  // Focus moves without a mutation: look again on each frame until the field is ready.
  const frame = () => {
    if (state.fieldReady === undefined && !check()) requestAnimationFrame(frame);
    else observer.disconnect();
  };
  requestAnimationFrame(frame);
}

async function readProbe(page: Page): Promise<ProbeState | undefined> {
  return await page.evaluate(() => (window as unknown as { __firstLoad?: ProbeState }).__firstLoad);
}

/** Counts the bytes of every request of the page, from the DevTools protocol's network events. */
function countBytes(cdp: CDPSession): { resources: () => LoadRun["resources"] } {
  const requests = new Map<string, { path: string; type: string; encoding: string; transferred: number; uncompressed: number; done: boolean }>();
  cdp.on("Network.responseReceived", (event) => {
    const headers = Object.fromEntries(Object.entries(event.response.headers).map(([name, value]) => [name.toLowerCase(), value]));
    requests.set(event.requestId, {
      path: new URL(event.response.url).pathname,
      type: event.type,
      encoding: headers["content-encoding"] ?? "identity",
      transferred: 0,
      uncompressed: 0,
      done: false,
    });
  });
  cdp.on("Network.dataReceived", (event) => {
    const request = requests.get(event.requestId);
    if (request !== undefined) request.uncompressed += event.dataLength;
  });
  cdp.on("Network.loadingFinished", (event) => {
    const request = requests.get(event.requestId);
    if (request === undefined) return;
    request.transferred = event.encodedDataLength;
    request.done = true;
  });
  return { resources: () => [...requests.values()].filter((request) => request.done).map(({ done: _, ...request }) => request) };
}

function sum(resources: LoadRun["resources"]): Bytes {
  return {
    requests: resources.length,
    transferred: resources.reduce((total, resource) => total + resource.transferred, 0),
    uncompressed: resources.reduce((total, resource) => total + resource.uncompressed, 0),
  };
}

/**
 * Loads `url` once in `page` (a fresh profile: nothing cached) under `conditions`, and waits
 * until the Name field is ready and the main thread has had no long task for QUIET_WINDOW_MS.
 * The page first shows the relay's /healthz (no-store, same origin), so the throttling is set
 * on the renderer that then loads `/`.
 */
export async function measureLoad(page: Page, url: string, conditions: Conditions, timeoutMs: number): Promise<LoadRun> {
  await page.goto(`${url}/healthz`);
  await page.addInitScript({ content: `(() => { const __name = (target) => target; (${probe.toString()})(); })();` });
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.setCacheDisabled", { cacheDisabled: false });
  const throttled = conditions.latencyMs > 0 || conditions.downKbps > 0 || conditions.upKbps > 0;
  await cdp.send("Network.emulateNetworkConditions", {
    offline: false,
    latency: conditions.latencyMs,
    // bytes/s; -1 turns throttling off.
    downloadThroughput: throttled && conditions.downKbps > 0 ? (conditions.downKbps * 1_000) / 8 : -1,
    uploadThroughput: throttled && conditions.upKbps > 0 ? (conditions.upKbps * 1_000) / 8 : -1,
  });
  await cdp.send("Emulation.setCPUThrottlingRate", { rate: conditions.cpuSlowdown });
  const bytes = countBytes(cdp);
  await page.goto(`${url}/`, { waitUntil: "commit" });

  const deadline = Date.now() + timeoutMs;
  let state: ProbeState | undefined;
  let tti = Number.NaN;
  for (;;) {
    if (Date.now() > deadline) throw new Error(`the page was not interactive within ${timeoutMs} ms (probe: ${JSON.stringify(state ?? {})})`);
    await delay(250);
    state = await readProbe(page).catch(() => undefined);
    if (state?.fieldReady === undefined) continue;
    const now = await page.evaluate(() => performance.now());
    const lastTaskEnd = state.longTasks.reduce((latest, task) => Math.max(latest, task.start + task.duration), 0);
    const lastResourceEnd = await page.evaluate(() =>
      performance
        .getEntriesByType("resource")
        .filter((entry) => (entry as PerformanceResourceTiming).initiatorType !== "xmlhttprequest" && (entry as PerformanceResourceTiming).initiatorType !== "fetch")
        .reduce((latest, entry) => Math.max(latest, entry.startTime + entry.duration), 0),
    );
    const candidate = Math.max(state.fieldReady, lastTaskEnd, lastResourceEnd);
    if (now - candidate >= QUIET_WINDOW_MS) {
      tti = candidate;
      break;
    }
  }
  // The first input, once quiet: how long it waits for the main thread.
  await page.keyboard.press("a");
  await delay(200);
  const inputDelay = (await readProbe(page))?.inputDelay ?? Number.NaN;
  const cpuCheckMs = await page.evaluate(() => {
    const started = performance.now();
    let value = 0;
    for (let index = 0; index < 20_000_000; index += 1) value = (value + index * 7) % 1_000_003;
    return value >= 0 ? performance.now() - started : Number.NaN;
  });
  const timing = await page.evaluate(() => {
    const navigation = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming | undefined;
    const paint = performance.getEntriesByName("first-contentful-paint")[0];
    return {
      responseStart: navigation?.responseStart ?? Number.NaN,
      domContentLoaded: navigation?.domContentLoadedEventEnd ?? Number.NaN,
      load: navigation?.loadEventEnd ?? Number.NaN,
      fcp: paint?.startTime ?? Number.NaN,
    };
  });
  await cdp.detach().catch(() => undefined);

  const resources = bytes.resources().filter((resource) => resource.path !== "/healthz");
  const types = [...new Set(resources.map((resource) => resource.type))].sort();
  return {
    byType: Object.fromEntries(types.map((type) => [type, sum(resources.filter((resource) => resource.type === type))])),
    total: sum(resources),
    resources,
    responseStartMs: timing.responseStart,
    firstContentfulPaintMs: timing.fcp,
    domContentLoadedMs: timing.domContentLoaded,
    loadMs: timing.load,
    fieldReadyMs: state.fieldReady ?? Number.NaN,
    ttiMs: tti,
    longTasks: state.longTasks,
    inputDelayMs: inputDelay,
    cpuCheckMs,
  };
}
