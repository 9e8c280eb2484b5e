// Messages delivered per second with 1 node and with 3 nodes behind the test load balancer, on
// this machine, against the shared Redis. A measurement, not a test: run it by hand with
//   pnpm --filter @pigeon/e2e throughput
// It stops by itself (about a minute), talks to 127.0.0.1 only, and prints a markdown table.
import { loadavg } from "node:os";
import { Redis } from "ioredis";
import { cpuSeconds } from "./harness/cpu.js";
import { startLoadBalancer } from "./harness/load-balancer.js";
import { startPigeonCluster, type PigeonCluster } from "./harness/pigeon-cluster.js";
import { redisUrlForTests, TEST_REDIS_URL } from "@pigeon/testing";
import { startWorkload, type Measurement } from "./harness/workload.js";

const CLIENTS = 300;
const ROOM_SIZE = 10;
const SENDS_IN_FLIGHT_PER_ROOM = 4;
const WARMUP_MS = 2_000;
const MEASURE_MS = 10_000;

interface Row {
  readonly nodes: number;
  readonly result: Measurement;
  readonly nodeCpuSeconds: number;
  readonly redisCpuSeconds: number;
  readonly clientCpuSeconds: number;
  /** The machine's 1-minute load average when measuring began: other work skews every figure. */
  readonly loadAverage: number;
}

async function run(nodes: number, url: string): Promise<Row> {
  // The balancer first: the nodes answer at its origin, as behind a real one.
  const started: { cluster?: PigeonCluster } = {};
  const balancer = await startLoadBalancer(() => started.cluster?.nodes ?? []);
  const cluster = await startPigeonCluster({ redis: { url, cluster: false }, count: nodes, label: "throughput", env: { PIGEON_PUBLIC_ORIGINS: `${balancer.url},self` } });
  started.cluster = cluster;
  const workload = await startWorkload({ url: balancer.url, clients: CLIENTS, roomSize: ROOM_SIZE, sendsInFlightPerRoom: SENDS_IN_FLIGHT_PER_ROOM, connectBatch: 25 });
  try {
    await delay(WARMUP_MS);
    const nodeCpu = () => Promise.all(cluster.nodes.map((node) => cpuSeconds(node.pid))).then((all) => all.reduce((sum, s) => sum + s, 0));
    const [nodesBefore, redisBefore, clientBefore] = [await nodeCpu(), await redisCpuSeconds(url), process.cpuUsage()];
    const [loadAverage = Number.NaN] = loadavg();
    workload.startMeasuring();
    await delay(MEASURE_MS);
    const result = await workload.stop();
    const client = process.cpuUsage(clientBefore);
    return {
      nodes,
      result,
      nodeCpuSeconds: (await nodeCpu()) - nodesBefore,
      redisCpuSeconds: (await redisCpuSeconds(url)) - redisBefore,
      clientCpuSeconds: (client.user + client.system) / 1e6,
      loadAverage,
    };
  } finally {
    await workload.close();
    await balancer.close();
    await cluster.stop();
  }
}

async function redisCpuSeconds(url: string): Promise<number> {
  const redis = new Redis(url);
  try {
    const info = await redis.info("cpu");
    const field = (name: string) => Number(new RegExp(`${name}:([\\d.]+)`).exec(info)?.[1] ?? 0);
    return field("used_cpu_sys") + field("used_cpu_user");
  } finally {
    redis.disconnect();
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? Number.NaN;
}

function table(rows: readonly Row[]): string {
  const lines = [
    "| nodes | messages accepted/s | deliveries/s | latency p50 ms | latency p99 ms | failed sends | node CPU s | Redis CPU s | client CPU s | deliveries per node CPU-s | load avg at start |",
    "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
  ];
  for (const { nodes, result, nodeCpuSeconds, redisCpuSeconds, clientCpuSeconds, loadAverage } of rows) {
    const perSecond = (n: number) => Math.round(n / result.seconds);
    lines.push(
      `| ${nodes} | ${perSecond(result.accepted)} | ${perSecond(result.deliveries)} | ${percentile(result.latenciesMs, 50)} | ${percentile(result.latenciesMs, 99)} | ${result.failedSends} | ${nodeCpuSeconds.toFixed(1)} | ${redisCpuSeconds.toFixed(1)} | ${clientCpuSeconds.toFixed(1)} | ${Math.round(result.deliveries / nodeCpuSeconds)} | ${loadAverage.toFixed(1)} |`,
    );
  }
  return lines.join("\n");
}

const url = await redisUrlForTests();
if (url === undefined) {
  process.stderr.write(`throughput: needs Redis at ${TEST_REDIS_URL}\n`);
  process.exit(1);
}
const rows: Row[] = [];
for (const nodes of [1, 3]) {
  process.stderr.write(`throughput: ${nodes} node(s), ${CLIENTS} clients in rooms of ${ROOM_SIZE}, ${MEASURE_MS / 1000} s...\n`);
  rows.push(await run(nodes, url));
}
process.stdout.write(`${table(rows)}\n\n`);
process.stdout.write(
  `${CLIENTS} keyed SDK clients in rooms of ${ROOM_SIZE} through a TCP load balancer, ${SENDS_IN_FLIGHT_PER_ROOM} sends in flight per room (closed loop), ` +
    `${MEASURE_MS / 1000} s after ${WARMUP_MS / 1000} s of warm-up. Every process (nodes, Redis, the clients and the balancer) shares this machine's ` +
    `2 cores, so more nodes add coordination (Redis adapter, store round trips) without adding CPU: the 3-node row shows the cost of scaling out, not its gain.\n`,
);
