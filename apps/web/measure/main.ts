import { execFile } from "node:child_process";
import { rmSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { cpus, totalmem } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs, promisify } from "node:util";
import { startTestServer } from "@pigeon/testing";
import type { Page } from "playwright-core";
import { createProfile, pageProblems, VIEWPORTS, type BrowserProfile } from "../test/browser/harness/chromium.js";
import { summarizeProfile, type ProfileSummary } from "./cpu-profile.js";
import { runBacklog, type BacklogResult } from "./backlog.js";
import { joinMembers, type Members } from "./members.js";
import { joinRawSenders } from "./raw-sender.js";
import { delay, installProbe, longTasksSupported, readLongTasks, waitForMarks, type Marks } from "./page-probe.js";
import { runPhase, settleMainThread, type PhaseResult } from "./phase.js";
import { formatResults, median, type ReopenRun, type Results, type Target } from "./report.js";
import { buildWeb } from "./web-build.js";

const ENCRYPTED_ROOM = "big";
const PLAIN_ROOM = "big-plain";
const BROWSER_NAME = "walker";
/** No main-thread task over this long while messages arrive. */
const LONG_TASK_TARGET_MS = 50;
/** A returning member takes in this many held messages... */
const BACKLOG_TARGET_MESSAGES = 10_000;
/** ...in under this long (reported, not part of the exit code). */
const BACKLOG_TARGET_MS = 5_000;
const UI_WAIT_MS = 60_000;

/** What a run is asked for (command-line flags). */
export interface Settings {
  readonly roomSize: number;
  readonly senders: number;
  readonly rate: number;
  readonly seconds: number;
  readonly reopens: number;
  readonly profileSeconds: number;
  readonly backlog: number;
  readonly backlogProfile: boolean;
  readonly out: string;
  readonly budgetMs: number;
}

const HELP = `Measures an encrypted room of ROOM_SIZE in real Chromium: page open -> room usable for a known
profile, and the main thread while RATE messages/s arrive (encrypted, and plain for reference).
Prints tables and writes JSON. Exits 1 if a main-thread task over ${LONG_TASK_TARGET_MS} ms was seen while
messages arrived in the encrypted room, 2 if the run failed or its figures cannot be trusted.

  pnpm --filter @pigeon/web measure [-- options]

  --room-size N      members of the room, the browser included (default 100)
  --senders N        members that send, protocol-level (default 5)
  --rate N           messages per second, all senders together (default 50)
  --seconds N        length of each message phase (default 20)
  --reopens N        times the known profile is opened and measured (default 3)
  --profile-seconds N  an extra encrypted phase this long, with a CPU profile and a Chrome
                     trace (not counted for the target); 0 for none (default 10)
  --backlog N        after the encrypted phases, close the browser, have the senders put N
                     encrypted messages into the room, reopen it and measure until the page
                     shows the last one (target, reported only: ${BACKLOG_TARGET_MESSAGES} in < ${BACKLOG_TARGET_MS / 1_000} s); 0 to skip
                     (default 0; 50 with --smoke)
  --backlog-profile  take a CPU profile of the backlog's drain (it slows the page a little)
  --out PATH         where the JSON goes (default measure/results/latest.json)
  --budget-minutes N the whole run is stopped (and cleaned up) after this long (default 20)
  --smoke            tiny scale (4 members, 2 s, 1 reopen, 2 s profile, backlog 50), JSON to the temp dir
`;

/** The settings of `pnpm measure` with these flags (`--` first or not); undefined for `--help`. */
export function settingsFrom(argv: readonly string[]): Settings | undefined {
  const { values } = parseArgs({
    // `pnpm measure -- --seconds 5` passes the "--" on.
    args: argv[0] === "--" ? argv.slice(1) : [...argv],
    options: {
      "room-size": { type: "string" },
      senders: { type: "string" },
      rate: { type: "string" },
      seconds: { type: "string" },
      reopens: { type: "string" },
      "profile-seconds": { type: "string" },
      backlog: { type: "string" },
      "backlog-profile": { type: "boolean" },
      out: { type: "string" },
      "budget-minutes": { type: "string" },
      smoke: { type: "boolean" },
      help: { type: "boolean" },
    },
    strict: true,
  });
  if (values.help === true) return undefined;
  const smoke = values.smoke === true;
  const number = (value: string | undefined, fallback: number, least: number) => {
    const parsed = value === undefined ? fallback : Number(value);
    if (!Number.isFinite(parsed) || parsed < least) throw new Error(`expected a number of at least ${least}, got ${String(value)}`);
    return parsed;
  };
  const roomSize = number(values["room-size"], smoke ? 4 : 100, 3);
  // At least one SDK member: it creates the group.
  const senders = Math.min(number(values.senders, smoke ? 2 : 5, 1), roomSize - 2);
  const defaultOut = smoke ? join(process.env.TMPDIR ?? "/tmp", "pigeon-measure-smoke.json") : fileURLToPath(new URL("results/latest.json", import.meta.url));
  return {
    roomSize,
    senders,
    rate: number(values.rate, 50, 1),
    seconds: number(values.seconds, smoke ? 2 : 20, 1),
    reopens: number(values.reopens, smoke ? 1 : 3, 1),
    profileSeconds: number(values["profile-seconds"], smoke ? 2 : 10, 0),
    backlog: Math.floor(number(values.backlog, smoke ? 50 : 0, 0)),
    backlogProfile: values["backlog-profile"] === true,
    out: resolve(values.out ?? defaultOut),
    budgetMs: number(values["budget-minutes"], 20, 0.1) * 60_000,
  };
}

/**
 * What the run's relay is configured with besides the build it serves. A room holds at most
 * maxRoomEntries messages (default 10,000) and maxRoomBytes: room for the backlog on top of what
 * the phases leave there, so that none of it is dropped. And the rate limits are lifted: they are
 * for people (600 messages a minute per identity, 100 events a second per connection), while the
 * few senders here stand in for a whole room's traffic and put the backlog in within a second.
 */
export function relayConfigFor(settings: Pick<Settings, "backlog">): Parameters<typeof startTestServer>[0] {
  const unlimited = 1_000_000_000;
  return {
    messagesPerMinute: unlimited,
    eventsPerSecond: unlimited,
    eventBurst: unlimited,
    ...(settings.backlog > 0 ? { maxRoomEntries: 10_000 + settings.backlog, maxRoomBytes: 16 * 2 ** 20 + settings.backlog * 4_096 } : {}),
  };
}

const log = (line: string) => {
  process.stderr.write(`[measure ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
};

/** Runs the measurement; resolves with the exit code. Cleans up everything it started, whatever happens. */
export async function main(argv: readonly string[]): Promise<number> {
  const settings = settingsFrom(argv);
  if (settings === undefined) {
    process.stdout.write(HELP);
    return 0;
  }
  const cleanups: { name: string; run: () => Promise<unknown> }[] = [];
  let cleaning: Promise<void> | undefined;
  const cleanup = (): Promise<void> => {
    cleaning ??= (async () => {
      for (const { name, run } of cleanups.splice(0).reverse()) {
        // Each step bounded: a stuck browser or relay must not keep the run alive.
        const tooLong = delay(15_000).then(() => {
          log(`cleanup: ${name} took too long, going on`);
        });
        await Promise.race([run(), tooLong]).catch((error: unknown) => {
          log(`cleanup: ${name} failed: ${String(error)}`);
        });
      }
    })();
    return cleaning;
  };
  const stop = (why: string, code: number) => {
    log(`${why}: cleaning up`);
    void cleanup().finally(() => process.exit(code));
  };
  const onSignal = (signal: NodeJS.Signals) => {
    stop(`got ${signal}`, 130);
  };
  // Playwright ends the process itself on SIGINT (once it has closed the browser), cutting the
  // cleanup above short: the temporary directories go on exit, whatever ends the process.
  const tempDirs = new Set<string>();
  const removeTempDirs = () => {
    for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  };
  process.on("exit", removeTempDirs);
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  const budget = setTimeout(() => {
    stop(`the run took longer than its budget (${settings.budgetMs / 60_000} min)`, 2);
  }, settings.budgetMs);
  budget.unref();
  try {
    const results = await measure(settings, (name, run, dir) => {
      cleanups.push({ name, run });
      if (dir !== undefined) tempDirs.add(dir);
    });
    await mkdir(dirname(settings.out), { recursive: true });
    await writeFile(settings.out, `${JSON.stringify(results, null, 2)}\n`);
    process.stdout.write(`${formatResults(results)}\n\nJSON: ${settings.out}\n`);
    const missed = results.targets.filter((target) => !target.met);
    for (const target of missed) process.stderr.write(`target missed: ${target.name}: ${target.detail}\n`);
    if (results.invalid.length > 0) process.stderr.write(`the run is not valid: ${results.invalid.join("; ")}\n`);
    return missed.length > 0 ? 1 : results.invalid.length > 0 ? 2 : 0;
  } catch (error) {
    process.stderr.write(`measurement failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return 2;
  } finally {
    clearTimeout(budget);
    await cleanup();
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    removeTempDirs();
    process.off("exit", removeTempDirs);
  }
}

/** `onCleanup(name, run, dir)`: `run` undoes a step at the end; `dir` is a temporary directory to remove even on an abrupt exit. */
async function measure(settings: Settings, onCleanup: (name: string, run: () => Promise<unknown>, dir?: string) => void): Promise<Results> {
  const source = await sourceState();
  log("building the web client (Vite, production)");
  const web = await buildWeb();
  onCleanup("build dir", () => web.remove(), web.dir);
  log(`built in ${web.buildMs} ms`);

  const relay = await startTestServer({ webDir: web.dir, ...relayConfigFor(settings) });
  onCleanup("relay", () => relay.close());
  log(`relay at ${relay.url}`);

  // The room: SDK members (they create the group and grow it by external commits, then go
  // offline), the senders (protocol-level members, see raw-sender.ts), and last the browser.
  const nodeMembers = settings.roomSize - 1;
  const sdkMembers = nodeMembers - settings.senders;
  log(`joining ${sdkMembers} Node SDK members to #${ENCRYPTED_ROOM} (encrypted) and #${PLAIN_ROOM} (plain), one at a time`);
  const started = performance.now();
  const members: Members = await joinMembers({
    url: relay.url,
    count: sdkMembers,
    online: 0,
    encryptedRoom: ENCRYPTED_ROOM,
    plainRoom: PLAIN_ROOM,
    progress: (joined, ms) => {
      if (joined % 10 === 0 || joined === sdkMembers) log(`  ${joined}/${sdkMembers} joined (last took ${Math.round(ms)} ms)`);
    },
  });
  onCleanup("Node members", () => members.close());
  log(`joining ${settings.senders} senders`);
  const senderNames = Array.from({ length: settings.senders }, (_, index) => `sender${index + 1}`);
  const senders = await joinRawSenders(relay.url, senderNames, ENCRYPTED_ROOM, PLAIN_ROOM);
  onCleanup("senders", () => Promise.allSettled(senders.map((sender) => sender.close())));
  const joinTotalS = (performance.now() - started) / 1_000;

  const profile: BrowserProfile = await createProfile();
  onCleanup("browser profile", () => profile.remove(), profile.dir);
  const url = relay.url;

  // First visit: sign in, join the encrypted room (the 100th member), send a first message.
  log("first visit: signing in and joining through the UI");
  let page = await profile.open(VIEWPORTS.desktop);
  await installProbe(page, { heading: `#${ENCRYPTED_ROOM}`, sentText: "hello from the browser" });
  await page.goto(`${url}/`);
  if (!(await longTasksSupported(page))) throw new Error("this Chromium does not report long tasks");
  await page.getByLabel("Name").fill(BROWSER_NAME);
  await page.getByRole("button", { name: "Start chatting" }).click();
  const roomField = page.getByLabel("Room", { exact: true });
  await roomField.waitFor({ timeout: UI_WAIT_MS });
  await roomField.fill(ENCRYPTED_ROOM);
  await roomField.press("Enter");
  const joined = await waitForMarks(page, ["enter:Room", "heading", "badge"], UI_WAIT_MS);
  await sendFromPage(page, "hello from the browser");
  const firstSent = await waitForMarks(page, ["enter:Message", "sent"], UI_WAIT_MS);
  const firstJoin = {
    headingMs: at(joined, "heading") - at(joined, "enter:Room"),
    badgeMs: at(joined, "badge") - at(joined, "enter:Room"),
    firstSendMs: at(firstSent, "sent") - at(firstSent, "enter:Message"),
    sentMs: at(firstSent, "sent") - at(joined, "enter:Room"),
  };
  log(`first join: heading after ${Math.round(firstJoin.headingMs)} ms, first message sent after ${Math.round(firstJoin.firstSendMs)} ms`);
  const problems = [...(pageProblems.get(page) ?? [])];
  await profile.close();

  // The known profile, opened again: navigation start -> "#big" -> a message "Sent".
  const runs: ReopenRun[] = [];
  for (let run = 1; run <= settings.reopens; run += 1) {
    const launchStarted = performance.now();
    page = await profile.open(VIEWPORTS.desktop);
    const launchMs = performance.now() - launchStarted;
    const text = `back again, opening ${run}`;
    await installProbe(page, { heading: `#${ENCRYPTED_ROOM}`, sentText: text });
    await page.goto(`${url}/`, { waitUntil: "commit" });
    await waitForMarks(page, ["heading"], UI_WAIT_MS, 5);
    await sendFromPage(page, text);
    const marks = await waitForMarks(page, ["heading", "badge", "field", "enter:Message", "shown", "sent"], UI_WAIT_MS);
    const navigation = await page.evaluate(() => {
      const [entry] = performance.getEntriesByType("navigation") as PerformanceNavigationTiming[];
      return { responseEnd: entry?.responseEnd ?? Number.NaN, domContentLoaded: entry?.domContentLoadedEventEnd ?? Number.NaN, load: entry?.loadEventEnd ?? Number.NaN };
    });
    const sentMs = at(marks, "sent");
    const longTasks = (await readLongTasks(page)).filter((task) => task.start <= sentMs);
    runs.push({
      launchMs,
      headingMs: at(marks, "heading"),
      badgeMs: at(marks, "badge"),
      fieldMs: at(marks, "field"),
      enterMs: at(marks, "enter:Message"),
      shownMs: at(marks, "shown"),
      sentMs,
      responseEndMs: navigation.responseEnd,
      domContentLoadedMs: navigation.domContentLoaded,
      loadMs: navigation.load,
      longTasks,
    });
    log(`opening ${run}: "#${ENCRYPTED_ROOM}" at ${Math.round(at(marks, "heading"))} ms, "Sent" at ${Math.round(sentMs)} ms from navigation start`);
    problems.push(...(pageProblems.get(page) ?? []));
    if (run < settings.reopens) await profile.close();
  }
  const medianOf = (key: Exclude<keyof ReopenRun, "longTasks">) => median(runs.map((run) => run[key]));
  const reopenMedian = {
    launchMs: medianOf("launchMs"),
    headingMs: medianOf("headingMs"),
    badgeMs: medianOf("badgeMs"),
    fieldMs: medianOf("fieldMs"),
    enterMs: medianOf("enterMs"),
    shownMs: medianOf("shownMs"),
    sentMs: medianOf("sentMs"),
    responseEndMs: medianOf("responseEndMs"),
    domContentLoadedMs: medianOf("domContentLoadedMs"),
    loadMs: medianOf("loadMs"),
  };

  // 50 messages/s: the page stays open on the encrypted room, then on a plain one.
  let cdp = await page.context().newCDPSession(page);
  await cdp.send("Performance.enable");
  const chromium = await cdp
    .send("Browser.getVersion")
    .then(({ product }) => product)
    .catch(() => "unknown");
  const phase = (label: string, room: string, mode: "encrypted" | "plain", seconds: number, profiled = false) => {
    log(`${mode}${profiled ? " (profiled)" : ""} phase: ${settings.rate} messages/s for ${seconds} s into #${room}`);
    return runPhase({ label, page, cdp, profileDir: profile.dir, senders, room, mode, rate: settings.rate, seconds, profile: profiled });
  };
  const phases: PhaseResult[] = [];
  const errors: string[] = [];
  // A phase that fails (the page too busy to answer, say) is reported; the others still run.
  const attempt = async (what: string, step: () => Promise<void>) => {
    try {
      await step();
    } catch (error) {
      const message = error instanceof Error ? error.message.split("\n")[0] ?? error.message : String(error);
      errors.push(`${what}: ${message}`);
      log(`${what} failed: ${message}`);
    }
  };
  await attempt("encrypted phase", async () => {
    phases.push(await phase("enc", ENCRYPTED_ROOM, "encrypted", settings.seconds));
  });
  // The profiled phase right after, in the same room: no room switch while the page may be busy.
  let profileSummary: ProfileSummary | undefined;
  if (settings.profileSeconds > 0) {
    await attempt("profiled encrypted phase", async () => {
      const profiled = await phase("prof", ENCRYPTED_ROOM, "encrypted", settings.profileSeconds, true);
      if (profiled.profile !== undefined) profileSummary = await summarizeProfile(profiled.profile, (name) => web.mapFor(name));
      phases.push({ ...profiled, profile: undefined });
    });
  }
  // The backlog: the browser closed, N messages held for it, the profile opened again.
  let backlog: BacklogResult | undefined;
  if (settings.backlog > 0) {
    await attempt("backlog", async () => {
      problems.push(...(pageProblems.get(page) ?? []));
      const drained = await runBacklog({
        profile,
        viewport: VIEWPORTS.desktop,
        url,
        room: ENCRYPTED_ROOM,
        senders,
        messages: settings.backlog,
        timeoutMs: 300_000,
        log,
        ...(settings.backlogProfile ? { cpuProfile: (name: string) => web.mapFor(name) } : {}),
      });
      backlog = drained.result;
      page = drained.page;
      cdp = await page.context().newCDPSession(page);
      await cdp.send("Performance.enable");
    });
  }
  await attempt("plain phase", async () => {
    await settleMainThread(cdp);
    log(`joining #${PLAIN_ROOM} through the UI, plain`);
    await page.getByLabel("Plain room (not encrypted)").check({ timeout: UI_WAIT_MS });
    await roomFieldOf(page).fill(PLAIN_ROOM, { timeout: UI_WAIT_MS });
    await roomFieldOf(page).press("Enter", { timeout: UI_WAIT_MS });
    await page.getByRole("heading", { name: `#${PLAIN_ROOM}`, exact: true }).waitFor({ timeout: UI_WAIT_MS });
    await page.getByTestId("room-mode").filter({ hasText: "Not encrypted" }).waitFor({ timeout: UI_WAIT_MS });
    phases.push(await phase("plain", PLAIN_ROOM, "plain", settings.seconds));
  });
  problems.push(...(pageProblems.get(page) ?? []));

  const measured = phases.filter((result) => !result.profiled);
  // The target is the encrypted room's; the plain phase is the reference that shows the crypto's share.
  const targets: Target[] = measured.filter((result) => result.mode === "encrypted").map((result) => ({
    name: `no main-thread task over ${LONG_TASK_TARGET_MS} ms while ${settings.rate} messages/s arrive (${result.mode} room of ${settings.roomSize})`,
    met: result.longTasks.count === 0,
    detail:
      result.longTasks.count === 0
        ? `no long task in ${result.windowSeconds.toFixed(1)} s`
        : `${result.longTasks.count} long tasks in ${result.windowSeconds.toFixed(1)} s, longest ${Math.round(result.longTasks.longestMs)} ms`,
  }));
  const backlogTarget =
    backlog === undefined
      ? undefined
      : {
          name: `a returning member takes in ${BACKLOG_TARGET_MESSAGES} held messages in < ${BACKLOG_TARGET_MS / 1_000} s (encrypted room of ${settings.roomSize}; reported only, not in the exit code)`,
          applies: backlog.fill.accepted >= BACKLOG_TARGET_MESSAGES,
          met: backlog.fill.accepted >= BACKLOG_TARGET_MESSAGES && backlog.lastShownMs < BACKLOG_TARGET_MS,
          detail: `${backlog.fill.accepted} held messages: the last shown ${(backlog.lastShownMs / 1_000).toFixed(2)} s after navigation start`,
        };
  const invalid: string[] = [...errors];
  if (backlog !== undefined) {
    if (backlog.fill.failed > 0) invalid.push(`backlog: ${backlog.fill.failed} sends failed (${backlog.fill.errors.join("; ")})`);
    if (!backlog.delivery.shownInOrder) invalid.push(`backlog: the page shows ${backlog.delivery.kept} of the latest ${backlog.delivery.expectedKept} backlog messages, or out of order`);
  }
  for (const result of phases) {
    const name = `${result.mode}${result.profiled ? " (profiled)" : ""} phase`;
    if (result.sending.failed > 0) invalid.push(`${name}: ${result.sending.failed} sends failed or went unanswered`);
    if (!result.delivery.caughtUp) invalid.push(`${name}: the page had not shown the last message ${Math.round(result.delivery.behindMs / 1_000)} s after it was sent`);
    else if (!result.delivery.shownInOrder) invalid.push(`${name}: the page shows ${result.delivery.kept} of the latest ${result.delivery.expectedKept} messages, or out of order`);
    if (!result.settle.quiet) invalid.push(`${name}: the page was still busy when it began (not quiet after ${Math.round(result.settle.ms / 1_000)} s)`);
    if (result.sending.achievedRate < settings.rate * 0.9) invalid.push(`${name}: sent ${result.sending.achievedRate.toFixed(1)} messages/s, not ${settings.rate}`);
  }

  const joinMs = members.joinMs;
  return {
    measuredAt: new Date().toISOString(),
    source,
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? "unknown",
      memoryGiB: Math.round(totalmem() / 2 ** 30),
      node: process.version,
      chromium,
      platform: `${process.platform} ${process.arch}`,
    },
    settings: {
      roomSize: settings.roomSize,
      nodeMembers,
      sdkMembers,
      senders: senders.length,
      rate: settings.rate,
      seconds: settings.seconds,
      reopens: settings.reopens,
      profileSeconds: settings.profileSeconds,
      backlog: settings.backlog,
      backlogProfile: settings.backlogProfile,
      viewport: VIEWPORTS.desktop,
      relayStore: "memory",
    },
    buildMs: web.buildMs,
    members: {
      count: nodeMembers,
      joinMedianMs: median(joinMs),
      joinMaxMs: Math.max(...joinMs),
      joinTotalS,
      sdkWarnings: members.warnings().length,
      senderFailures: senders.flatMap((sender) => sender.failures),
    },
    firstJoin,
    reopen: { runs, median: reopenMedian },
    phases,
    ...(profileSummary === undefined ? {} : { profile: profileSummary }),
    ...(backlog === undefined || backlogTarget === undefined ? {} : { backlog: { ...backlog, target: backlogTarget } }),
    pageProblems: [...new Set(problems)],
    targets,
    invalid,
  };
}

/** The commit measured, and the files of the app and packages that differed from it (uncommitted edits are built too). */
async function sourceState(): Promise<{ commit: string; uncommitted: string[] }> {
  const git = async (...args: string[]) => (await promisify(execFile)("git", args, { cwd: fileURLToPath(new URL(".", import.meta.url)) })).stdout.trim();
  try {
    const commit = await git("rev-parse", "HEAD");
    const status = await git("status", "--porcelain", "--", "../src", "../index.html", "../vite.config.ts", "../../../packages");
    return { commit, uncommitted: status === "" ? [] : status.split("\n").map((line) => line.slice(3)) };
  } catch {
    return { commit: "unknown", uncommitted: [] };
  }
}

function roomFieldOf(page: Page) {
  return page.getByLabel("Room", { exact: true });
}

/** Types `text` in the Message field and presses Enter, as a person would. */
async function sendFromPage(page: Page, text: string): Promise<void> {
  const field = page.getByLabel("Message", { exact: true });
  await field.fill(text, { timeout: UI_WAIT_MS });
  await field.press("Enter", { timeout: UI_WAIT_MS });
}

function at(marks: Marks, name: keyof Marks): number {
  const value = marks[name];
  if (value === undefined) throw new Error(`no ${name} mark`);
  return value;
}
