import { spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import {
  describeWithRedisBinaries,
  encodingsOf,
  startRedisServer,
  startTestServer,
  testKeyPrefix,
  waitUntil,
  type RedisServerProcess,
  type TestServer,
  type TestServerOptions,
} from "@pigeon/testing";
import { afterEach, describe, expect, inject, it } from "vitest";
import { ChatPage } from "./harness/chat-page.js";
import { createProfile, VIEWPORTS } from "./harness/chromium.js";
import { skipReason } from "./harness/skip.js";

// The promise of an encrypted room, in the browser: what two people type in the web client
// never reaches the relay in any form it could read. A relay with a Redis of the test's own,
// watched with MONITOR from before the first page loads until the relay has closed, and a
// logger at `trace` (the relay's most talkative) kept in memory. A plain room, chatted in the
// same way, is the control: there the same check finds the text in MONITOR's output.

const SECRETS = [
  "Correct horse battery staple: the vault code is 7-4-1-9",
  "Meet me at the old mill at 23:40 and bring the blue folder",
] as const;

/** Where `text` holds any encoding of any secret: `[]` when it holds none. */
function leaksIn(text: string): string[] {
  return SECRETS.flatMap((secret) => encodingsOf(secret).filter((form) => text.includes(form)));
}

type Logger = NonNullable<TestServerOptions["logger"]>;
type Pino = (options: { level: string }, stream: { write(line: string): void }) => Logger;

/**
 * A pino logger at `trace` whose lines the test reads. pino is a dependency of the testing
 * harness (and the relay), not of the web app, so it is loaded from where the harness finds it.
 */
async function traceLog(): Promise<{ logger: Logger; text: () => string }> {
  const fromHere = createRequire(import.meta.url);
  const fromHarness = createRequire(fromHere.resolve("@pigeon/testing"));
  const { pino } = (await import(pathToFileURL(fromHarness.resolve("pino")).href)) as { pino: Pino };
  const lines: string[] = [];
  const logger = pino({ level: "trace" }, { write: (line) => lines.push(line) });
  return { logger, text: () => lines.join("") };
}

/** Everything Redis is asked to do, as `redis-cli monitor` prints it, from when this resolves. */
async function monitor(redis: RedisServerProcess): Promise<{ text: () => string; stop: () => Promise<void> }> {
  const child = spawn("redis-cli", ["-p", String(redis.port), "monitor"]);
  const exited = once(child, "exit");
  let text = "";
  child.stdout.on("data", (chunk: Buffer) => (text += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (text += chunk.toString()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill();
    await exited;
  };
  try {
    // MONITOR answers OK once it watches.
    await waitUntil(() => /^OK$/mu.test(text), () => `redis-cli monitor did not start: ${text}`, 10_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    text: () => text,
    async stop() {
      // MONITOR reports commands in order: once a marker sent last shows, everything before has.
      const marker = `pigeon-secrecy-end-${Date.now()}`;
      spawnSync("redis-cli", ["-p", String(redis.port), "echo", marker]);
      await waitUntil(() => text.includes(marker), "MONITOR did not catch up", 10_000);
      await stop();
    },
  };
}

/** What the relay kept of a conversation: MONITOR's output, its log, and /healthz. */
interface Traces {
  readonly monitor: string;
  readonly log: string;
  readonly health: string;
}

const cleanups: (() => Promise<void>)[] = [];

/** Runs `cleanup` after the test (browsers before the relay before Redis), or earlier, once. */
function atEnd(cleanup: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | undefined;
  const run = () => (done ??= cleanup());
  cleanups.push(run);
  return run;
}

/**
 * Starts Redis, MONITOR and a relay logging at trace; alice (desktop) and bob (phone) join
 * `room` and trade the two secrets until both are delivered to all; then the browsers and the
 * relay close and MONITOR stops. Resolves with the room's mode as each saw it, and the traces.
 */
async function converse(room: string, { plain }: { plain: boolean }): Promise<{ modes: string[]; problems: string[]; traces: Traces }> {
  const redis = await startRedisServer();
  atEnd(() => redis.stop());
  const watch = await monitor(redis);
  const stopWatching = atEnd(() => watch.stop());
  const log = await traceLog();
  const relay: TestServer = await startTestServer(
    {
      receiptIntervalMs: 50,
      webDir: inject("webDist"),
      store: "redis",
      redisUrl: redis.url,
      redisPrefix: testKeyPrefix("web-secrecy"),
    },
    { logger: log.logger },
  );
  const closeRelay = atEnd(() => relay.close());

  const people: { chat: ChatPage; leave: () => Promise<void> }[] = [];
  for (const [name, viewport] of [
    ["alice", VIEWPORTS.desktop],
    ["bob", VIEWPORTS.phone],
  ] as const) {
    const profile = await createProfile();
    const leave = atEnd(() => profile.remove());
    const chat = new ChatPage(await profile.open(viewport));
    await chat.goto(relay.url);
    await chat.signIn(name);
    await chat.join(room, { plain });
    people.push({ chat, leave });
  }
  const [alice, bob] = people.map(({ chat }) => chat) as [ChatPage, ChatPage];
  const modes = [await alice.roomMode(), await bob.roomMode()];

  const [fromAlice, fromBob] = SECRETS;
  await alice.send(fromAlice);
  await bob.sees(fromAlice);
  await bob.send(fromBob);
  await alice.sees(fromBob);
  // Delivered to all: the relay has had the acks, and dropped what everyone has.
  await alice.statusIs(fromAlice, "Delivered to all");
  await bob.statusIs(fromBob, "Delivered to all");

  const problems = [...alice.problems(), ...bob.problems()];
  const health = await fetch(`${relay.url}/healthz`);
  const healthText = `${health.status} ${JSON.stringify([...health.headers])} ${await health.text()}`;
  // Leaving and shutting down are part of the run too: MONITOR and the log see them.
  for (const { leave } of people) await leave();
  await closeRelay();
  await stopWatching();
  return { modes, problems, traces: { monitor: watch.text(), log: log.text(), health: healthText } };
}

describe("the check for a secret", () => {
  it("catches the secret when it is there: plain, hex, or base64 at any alignment", () => {
    for (const secret of SECRETS) {
      for (const prefix of ["", "x", "xy"]) {
        const bytes = Buffer.from(`${prefix}${secret}!`);
        for (const encoded of [bytes.toString(), bytes.toString("hex"), bytes.toString("base64"), bytes.toString("base64url")]) {
          expect(leaksIn(`{"m":"${encoded}"}`), `${secret} after "${prefix}" as ${encoded}`).not.toEqual([]);
        }
      }
    }
  });
});

describe.skipIf(skipReason !== "")("web client: what the relay keeps of a conversation", () => {
  afterEach(async () => {
    // Browsers first (they hold connections to the relay), then the relay, MONITOR, Redis.
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
  });

  describeWithRedisBinaries("with a Redis of its own under MONITOR, and a log at trace", () => {
    it("an encrypted room: neither Redis (MONITOR, the whole run) nor the log nor /healthz holds any of its texts", { timeout: 120_000 }, async () => {
      const { modes, problems, traces } = await converse("vault", { plain: false });
      expect(modes).toEqual(["Encrypted", "Encrypted"]);
      expect(problems).toEqual([]);

      // The relay was watched at work, so finding nothing means something: MONITOR saw the
      // scripts that store messages, and the log saw the group made and its commits.
      expect(traces.monitor).toMatch(/"evalsha"/iu);
      expect(traces.monitor).toMatch(/"xadd"/iu);
      expect(traces.log).toMatch(/"msg":"group created"/u);
      expect(traces.log).toMatch(/"msg":"mls handshake accepted"/u);
      expect(traces.health).toMatch(/^200 /u);

      expect(leaksIn(traces.monitor), "the texts are in Redis (MONITOR)").toEqual([]);
      expect(leaksIn(traces.log), "the texts are in the relay's log").toEqual([]);
      expect(leaksIn(traces.health), "the texts are in /healthz").toEqual([]);
    });

    it("a plain room (the control): the same check finds its texts in MONITOR's output", { timeout: 120_000 }, async () => {
      const { modes, problems, traces } = await converse("open", { plain: true });
      expect(modes).toEqual(["Not encrypted", "Not encrypted"]);
      expect(problems).toEqual([]);

      expect(traces.monitor).toMatch(/"xadd"/iu);
      expect(leaksIn(traces.monitor)).toEqual(expect.arrayContaining([...SECRETS]));
      // Even a plain room's texts stay out of the log: it carries names, rooms and sizes only.
      expect(leaksIn(traces.log), "the texts are in the relay's log").toEqual([]);
    });
  });
});
