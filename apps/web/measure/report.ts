import type { BacklogResult } from "./backlog.js";
import type { ProfileSummary } from "./cpu-profile.js";
import type { PhaseResult } from "./phase.js";
import type { LongTask } from "./page-probe.js";

/** One opening of the known profile: ms from navigation start (browser launch aside). */
export interface ReopenRun {
  /** Launching Chromium with the profile, before navigating (not part of the page-open figures). */
  readonly launchMs: number;
  /** The room's heading "#big" shows. */
  readonly headingMs: number;
  /** Its badge says "Encrypted". */
  readonly badgeMs: number;
  /** The Message field is there and enabled. */
  readonly fieldMs: number;
  /** The script pressed Enter in the Message field (it typed as soon as it could). */
  readonly enterMs: number;
  /** The message shows in the timeline. */
  readonly shownMs: number;
  /** It reads "Sent": the room is usable for real. */
  readonly sentMs: number;
  /** Navigation timing of the document. */
  readonly responseEndMs: number;
  readonly domContentLoadedMs: number;
  readonly loadMs: number;
  /** Long tasks from navigation start until "Sent". */
  readonly longTasks: readonly LongTask[];
}

/** A target and whether this run met it. */
export interface Target {
  readonly name: string;
  readonly met: boolean;
  readonly detail: string;
}

/** Everything one run measured: what results/latest.json holds. */
export interface Results {
  readonly measuredAt: string;
  /** The commit built and measured, and files that differed from it then (they were built as they were). */
  readonly source: { readonly commit: string; readonly uncommitted: readonly string[] };
  readonly machine: { readonly cpus: number; readonly cpuModel: string; readonly memoryGiB: number; readonly node: string; readonly chromium: string; readonly platform: string };
  readonly settings: {
    readonly roomSize: number;
    readonly nodeMembers: number;
    /** SDK members: they join one by one (the first creates the group), then go offline. */
    readonly sdkMembers: number;
    /** Protocol-level members that send during the phases (raw-sender.ts); online throughout. */
    readonly senders: number;
    readonly rate: number;
    readonly seconds: number;
    readonly reopens: number;
    readonly profileSeconds: number;
    /** Messages held for the browser while it was closed (0: not measured). */
    readonly backlog: number;
    readonly backlogProfile: boolean;
    readonly viewport: { readonly width: number; readonly height: number };
    readonly relayStore: string;
  };
  readonly buildMs: number;
  readonly members: {
    readonly count: number;
    readonly joinMedianMs: number;
    readonly joinMaxMs: number;
    readonly joinTotalS: number;
    readonly sdkWarnings: number;
    /** Commits the senders could not process (they would be out of step). */
    readonly senderFailures: readonly string[];
  };
  /** The browser's first visit: from Enter in the Room field to the heading and badge, and its first message sent. */
  readonly firstJoin: {
    readonly headingMs: number;
    readonly badgeMs: number;
    /** Enter in the Message field -> "Sent". */
    readonly firstSendMs: number;
    /** Enter in the Room field -> the first message (typed once the badge showed) "Sent". */
    readonly sentMs: number;
  };
  readonly reopen: { readonly runs: readonly ReopenRun[]; readonly median: Omit<ReopenRun, "longTasks"> };
  readonly phases: readonly Omit<PhaseResult, "profile">[];
  readonly profile?: ProfileSummary;
  /** The returning member's backlog, and its target (reported only: it does not change the exit code; `applies` once N >= 10,000). */
  readonly backlog?: BacklogResult & { readonly target: Target & { readonly applies: boolean } };
  /** Page errors and CSP violations (from the test harness's watcher). */
  readonly pageProblems: readonly string[];
  readonly targets: readonly Target[];
  /** Reasons the figures cannot be trusted (messages not delivered, rate not reached); empty when valid. */
  readonly invalid: readonly string[];
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? Number.NaN) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

const ms = (value: number) => (Number.isFinite(value) ? `${Math.round(value)} ms` : "–");
const num = (value: number, digits = 1) => (Number.isFinite(value) ? value.toFixed(digits) : "–");

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((cell, index) => Math.max(cell.length, ...rows.map((row) => (row[index] ?? "").length)));
  const line = (cells: readonly string[]) => `| ${cells.map((cell, index) => cell.padEnd(widths[index] ?? 0)).join(" | ")} |`;
  return [line(header), line(widths.map((width) => "-".repeat(width))), ...rows.map(line)].join("\n");
}

/** The run as readable tables. */
export function formatResults(results: Results): string {
  const { settings, reopen } = results;
  const out: string[] = [];
  out.push(
    `Encrypted room of ${settings.roomSize} in Chromium (${results.machine.chromium}), ${results.machine.cpus} cores (${results.machine.cpuModel}), ${results.measuredAt}, commit ${results.source.commit.slice(0, 10)}${results.source.uncommitted.length > 0 ? ` with uncommitted changes to ${results.source.uncommitted.join(", ")}` : ""}`,
    `${settings.nodeMembers} Node members: ${settings.sdkMembers} SDK clients (node:crypto provider) that joined one by one and went offline, and ${settings.senders} protocol-level senders (MLS through @pigeon/crypto, messages encrypted ahead of each phase) that stay online; the browser joined last. Relay store: ${settings.relayStore}. Build: ${ms(results.buildMs)}; SDK members joined in ${num(results.members.joinTotalS)} s (median ${ms(results.members.joinMedianMs)}, max ${ms(results.members.joinMaxMs)}).`,
    "",
    "Page open (known profile) -> room usable, ms from navigation start:",
  );
  const runRow = (label: string, run: Omit<ReopenRun, "longTasks">, longTasks?: readonly LongTask[]) => [
    label,
    ms(run.launchMs),
    ms(run.responseEndMs),
    ms(run.domContentLoadedMs),
    ms(run.headingMs),
    ms(run.badgeMs),
    ms(run.fieldMs),
    ms(run.enterMs),
    ms(run.sentMs),
    longTasks === undefined ? "" : `${longTasks.length} (max ${ms(Math.max(0, ...longTasks.map((task) => task.duration)))})`,
  ];
  out.push(
    table(
      ["run", "launch*", "HTML", "DOMContentLoaded", "#big shown", "badge Encrypted", "field enabled", "Enter", "Sent (usable)", "long tasks"],
      [...reopen.runs.map((run, index) => runRow(String(index + 1), run, run.longTasks)), runRow("median", reopen.median)],
    ),
    "* launching Chromium with the profile, before navigation: not included in the other columns.",
    "",
    `First visit (joining the room of ${settings.roomSize} as its last member): Enter in the Room field -> "#big" shown ${ms(results.firstJoin.headingMs)}, badge "Encrypted" (in the MLS group) ${ms(results.firstJoin.badgeMs)}, a first message typed then "Sent" ${ms(results.firstJoin.sentMs)} (its own Enter -> "Sent": ${ms(results.firstJoin.firstSendMs)}).`,
    "",
    `${settings.rate} messages/s for ${settings.seconds} s from ${settings.senders} senders, page open on the room (main thread, CDP Performance.getMetrics: wall time in tasks, script, layout+style, "other" task work, and the thread's CPU time; "page behind": last send -> the page shows it):`,
  );
  out.push(
    table(
      ["phase", "window", "sent/s", "delivered", "page behind", "Task ms/s", "Script ms/s", "Layout+Style ms/s", "Other ms/s", "CPU ms/s", "long tasks", "longest", "Chromium CPU s/s", "Node CPU s/s", "load 1m"],
      results.phases.map((phase) => [
        `${phase.mode}${phase.profiled ? " (profiled)" : phase.mode === "plain" ? " (reference)" : ""}`,
        `${num(phase.windowSeconds)} s`,
        num(phase.sending.achievedRate),
        `${phase.sending.accepted}/${phase.planned.messages}${phase.delivery.caughtUp && phase.delivery.shownInOrder ? " ok" : " MISSING"}`,
        `${ms(phase.delivery.behindMs)}${phase.delivery.lastShownInWindow ? "" : "**"}`,
        num(phase.mainThread.TaskDuration.msPerSecond),
        num(phase.mainThread.ScriptDuration.msPerSecond),
        num(phase.mainThread.LayoutDuration.msPerSecond + phase.mainThread.RecalcStyleDuration.msPerSecond),
        num(phase.mainThread.TaskOtherDuration.msPerSecond),
        num(phase.mainThread.ThreadTime.msPerSecond),
        String(phase.longTasks.count),
        ms(phase.longTasks.longestMs),
        num(phase.cpu.chromiumPerSecond, 2),
        num(phase.cpu.nodePerSecond, 2),
        num(phase.cpu.loadAverage1m, 2),
      ]),
    ),
  );
  if (results.phases.some((phase) => !phase.delivery.lastShownInWindow)) {
    out.push("** the page fell so far behind that the window ended 90 s after the last send; it was then given time (unmeasured) to catch up, for the delivery check.");
  }
  const encrypted = results.phases.find((phase) => phase.mode === "encrypted" && !phase.profiled);
  const plain = results.phases.find((phase) => phase.mode === "plain");
  if (encrypted !== undefined && plain !== undefined) {
    const perMessage = (phase: typeof encrypted, metric: "TaskDuration" | "ScriptDuration") => phase.mainThread[metric].ms / Math.max(1, phase.sending.accepted);
    const saturated = [encrypted, plain].filter((phase) => phase.mainThread.TaskDuration.msPerSecond > 900);
    if (saturated.length > 0) {
      out.push(
        `The main thread was saturated (over 900 ms busy per s) in the ${saturated.map((phase) => phase.mode).join(" and ")} phase: the difference below does not isolate the crypto (a saturated page renders less often, for more messages at a time); the CPU profile attributes it instead.`,
      );
    }
    out.push(
      `Crypto's share (encrypted - plain): Task ${num(encrypted.mainThread.TaskDuration.msPerSecond - plain.mainThread.TaskDuration.msPerSecond)} ms/s, Script ${num(encrypted.mainThread.ScriptDuration.msPerSecond - plain.mainThread.ScriptDuration.msPerSecond)} ms/s; per message: Task ${num(perMessage(encrypted, "TaskDuration"), 2)} vs ${num(perMessage(plain, "TaskDuration"), 2)} ms, Script ${num(perMessage(encrypted, "ScriptDuration"), 2)} vs ${num(perMessage(plain, "ScriptDuration"), 2)} ms.`,
    );
  }
  if (results.profile !== undefined) {
    const profile = results.profile;
    out.push(
      "",
      `CPU profile of the page's main thread during the profiled encrypted phase (${num(profile.profiledMs / 1_000)} s, busy ${num(profile.busyMs)} ms), self time by area:`,
      table(
        ["area", "self ms", "% of busy"],
        profile.areas.map((area) => [area.name, num(area.selfMs), num(area.share)]),
      ),
      `Crypto libraries' JS (${profile.crypto.name}): ${num(profile.crypto.selfMs)} ms, ${num(profile.crypto.share)}% of busy, ${num(profile.crypto.selfMs / (profile.profiledMs / 1_000))} ms/s (WebCrypto's own work runs off the main thread).`,
      "Top functions by self time:",
      table(
        ["#", "function", "source", "self ms", "% of busy"],
        profile.top.map((entry, index) => [String(index + 1), entry.name, entry.where, num(entry.selfMs), num(entry.share)]),
      ),
    );
  }
  const traced = results.phases.find((phase) => phase.trace !== undefined)?.trace;
  if (traced !== undefined && traced.top.length > 0) {
    out.push(
      "",
      `Chrome trace of the same phase: the main thread's task time (${num(traced.taskMs)} ms in ${num(traced.tracedMs / 1_000)} s) by event, self time:`,
      table(
        ["#", "trace event", "self ms", "% of task time"],
        traced.top.map((entry, index) => [String(index + 1), entry.name, num(entry.selfMs), num(entry.share)]),
      ),
    );
  }
  const backlog = results.backlog;
  if (backlog !== undefined) {
    const main = backlog.mainThread;
    out.push(
      "",
      `Backlog: the browser closed, ${backlog.fill.accepted} encrypted messages held for it (${backlog.senders} senders; encrypted ahead in ${ms(backlog.fill.prepareMs)}, sent in ${ms(backlog.fill.sendMs)}${backlog.fill.failed > 0 ? `, ${backlog.fill.failed} FAILED` : ""}), the profile opened again (launch ${ms(backlog.launchMs)}, not included); ms from navigation start:`,
      table(
        ["held", "#big shown", "last shown", "last - #big", "long tasks", "longest", "long total", "Task ms", "Script ms", "Layout+Style ms", "CPU ms", "quiet after", "page shows"],
        [
          [
            String(backlog.fill.accepted),
            ms(backlog.headingMs),
            ms(backlog.lastShownMs),
            ms(backlog.lastShownMs - backlog.headingMs),
            String(backlog.longTasks.count),
            ms(backlog.longTasks.longestMs),
            ms(backlog.longTasks.totalMs),
            ms(main.TaskDuration),
            ms(main.ScriptDuration),
            ms(main.LayoutDuration + main.RecalcStyleDuration),
            ms(main.ThreadTime),
            `${ms(backlog.quietAfterMs)}${backlog.quiet ? "" : " (not quiet)"}`,
            `${backlog.delivery.kept}/${backlog.delivery.expectedKept}${backlog.delivery.shownInOrder ? " ok" : " MISSING"}`,
          ],
        ],
      ),
      ...(backlog.profile === undefined ? [] : [`(CPU-profiled drain: the figures above are a little slower than unprofiled.)`]),
      `Per held message: ${num(backlog.lastShownMs / Math.max(1, backlog.fill.accepted), 2)} ms to the last shown, ${num(main.TaskDuration / Math.max(1, backlog.fill.accepted), 2)} ms of main-thread task time. "quiet after": from the last shown until the main thread was under 10% busy for 2 s.`,
    );
  }
  if (backlog?.profile !== undefined) {
    const profile = backlog.profile;
    out.push(
      "",
      `CPU profile of the page's main thread during the backlog's drain (${num(profile.profiledMs / 1_000)} s, busy ${num(profile.busyMs)} ms), self time by area:`,
      table(
        ["area", "self ms", "% of busy"],
        profile.areas.map((area) => [area.name, num(area.selfMs), num(area.share)]),
      ),
      "Top functions by self time:",
      table(
        ["#", "function", "source", "self ms", "% of busy"],
        profile.top.map((entry, index) => [String(index + 1), entry.name, entry.where, num(entry.selfMs), num(entry.share)]),
      ),
    );
  }
  out.push("", "Targets:");
  for (const target of results.targets) out.push(`  ${target.met ? "met   " : "MISSED"} ${target.name}: ${target.detail}`);
  if (backlog !== undefined) {
    const target = backlog.target;
    out.push(`  ${target.applies ? (target.met ? "met   " : "MISSED") : "n/a   "} ${target.name}: ${target.detail}${target.applies ? "" : " (fewer than the target's count: not judged)"}`);
  }
  if (results.invalid.length > 0) out.push("", "The run is not valid:", ...results.invalid.map((reason) => `  - ${reason}`));
  if (results.pageProblems.length > 0) out.push("", "Page problems:", ...results.pageProblems.map((problem) => `  - ${problem}`));
  return out.join("\n");
}
