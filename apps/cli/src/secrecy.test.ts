import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { describeWithRedisBinaries, encodingsOf, startRedisServer, waitUntil, type RedisServerProcess } from "@pigeon/testing";
import { afterEach, describe, expect, it, onTestFinished } from "vitest";
import { killAll, startCli, type CliProcess } from "../test/cli-process.js";
import { useConfigDir } from "../test/fixtures.js";

// The promise of an encrypted room: what a member types never reaches the relay in any form it
// could read. Real server processes, logging everything at `trace`; real CLI processes as
// members; with Redis, a second node and MONITOR over the whole run.

const SERVER_MAIN = fileURLToPath(new URL("../../server/src/main.ts", import.meta.url));
const SECRET = "Correct horse battery staple: the vault code is 7-4-1-9";

interface ServerProcess {
  readonly url: string;
  readonly output: () => string;
}

async function startServer(env: Record<string, string>): Promise<ServerProcess> {
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, ["--conditions=@source", "--import", "tsx", SERVER_MAIN], {
    env: { ...process.env, PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "trace", PIGEON_HEALTH_TOKEN: OPERATOR_TOKEN, PIGEON_METRICS_TOKEN: OPERATOR_TOKEN, ...env },
  });
  onTestFinished(() => {
    child.kill("SIGKILL");
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  await waitUntil(() => /"msg":"Pigeon listening[^\n]*"port":\d+|"port":\d+[^\n]*"msg":"Pigeon listening/u.test(output), "the server did not start", 20_000);
  const port = /"port":(\d+)/u.exec(output.split("\n").find((line) => line.includes("Pigeon listening")) ?? "")?.[1];
  return { url: `http://127.0.0.1:${port}`, output: () => output };
}

/** Everything Redis is asked to do, as `redis-cli monitor` prints it. */
function monitor(redis: RedisServerProcess): { text: () => string; stop: () => Promise<void> } {
  const child = spawn("redis-cli", ["-p", String(redis.port), "monitor"]);
  let text = "";
  child.stdout.on("data", (chunk: Buffer) => (text += chunk.toString()));
  return {
    text: () => text,
    stop: async () => {
      child.kill();
      await once(child, "exit");
    },
  };
}

const OPERATOR_TOKEN = "secrecy-test-operator-token";

/** What the operator sees: /healthz with its details, and /metrics. */
async function healthz(server: ServerProcess): Promise<string> {
  const views = await Promise.all(
    ["/healthz", "/metrics"].map(async (path) => {
      const response = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${OPERATOR_TOKEN}` } });
      expect(response.status, path).toBe(200);
      return `${response.status} ${JSON.stringify([...response.headers])} ${await response.text()}`;
    }),
  );
  return views.join("\n");
}

async function run(server: ServerProcess, args: string[]): Promise<CliProcess> {
  const cli = startCli([args[0] ?? "", "--server", server.url, ...args.slice(1)]);
  expect(await cli.exit(), `pigeon ${args.join(" ")}\n${cli.stderr}`).toEqual({ code: 0, signal: null });
  return cli;
}

/** bob subscribes on `bobs`, alice sends the secret through `alices`, bob reads it on `bobs`. */
async function carrySecret(alices: ServerProcess, bobs: ServerProcess): Promise<void> {
  await run(bobs, ["listen", "--name", "bob", "--room", "vault", "--count", "0"]);
  await run(alices, ["send", "--name", "alice", "--room", "vault", SECRET]);
  const bob = await run(bobs, ["listen", "--name", "bob", "--room", "vault", "--count", "1", "--json"]);
  expect(JSON.parse(bob.stdout)).toMatchObject({ user: "alice", message: SECRET, encrypted: true });
}

function expectNowhere(places: Record<string, string>): void {
  for (const [place, text] of Object.entries(places)) {
    expect(text.length, `${place} is empty: the check would prove nothing`).toBeGreaterThan(0);
    for (const form of encodingsOf(SECRET)) expect(text.includes(form), `the secret (as ${form}) is in ${place}`).toBe(false);
  }
}

describe("the secret of an encrypted room", () => {
  useConfigDir();
  afterEach(() => {
    killAll();
  });

  it("catches the secret when it is there: the check can fail", () => {
    const leaked = Buffer.from(`xx${SECRET}yy`).toString("base64");
    expect(encodingsOf(SECRET).some((form) => leaked.includes(form))).toBe(true);
    expect(encodingsOf(SECRET).some((form) => Buffer.from(`a${SECRET}`).toString("hex").includes(form))).toBe(true);
  });

  it("never reaches the relay's trace log, /healthz or /metrics (memory store)", { timeout: 60_000 }, async () => {
    const server = await startServer({ PIGEON_STORE: "memory" });
    await carrySecret(server, server);
    expectNowhere({ "the server's log": server.output(), "/healthz and /metrics": await healthz(server) });
  });

  describeWithRedisBinaries("with Redis and two nodes", () => {
    it("never reaches Redis (MONITOR for the whole run), either node's trace log, /healthz or /metrics", { timeout: 90_000 }, async () => {
      const redis = await startRedisServer();
      onTestFinished(() => redis.stop());
      const watch = monitor(redis);
      const env = { PIGEON_STORE: "redis", REDIS_URL: redis.url };
      const [first, second] = await Promise.all([startServer({ ...env, PIGEON_NODE_ID: "one" }), startServer({ ...env, PIGEON_NODE_ID: "two" })]);
      await carrySecret(first, second);
      const health = `${await healthz(first)}\n${await healthz(second)}`;
      await watch.stop();
      // MONITOR saw the relay at work (scripts, the log), not just a connection.
      expect(watch.text()).toMatch(/"(?:eval|evalsha)"/iu);
      expect(watch.text()).toMatch(/"xadd"|"XADD"/u);
      expectNowhere({ "Redis MONITOR": watch.text(), "node one's log": first.output(), "node two's log": second.output(), "/healthz and /metrics": health });
    });
  });
});
