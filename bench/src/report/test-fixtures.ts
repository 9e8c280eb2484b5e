// Synthetic results for the report tests: shapes as the workloads produce them.
import type { LatencySummary } from "../measure/histogram.js";
import type { MlsClientResult } from "../mls/client-result.js";
import type { Provider } from "../mls/suites.js";
import type { ProfileSummary } from "./cpu-profile.js";
import type { ServerKind } from "../servers/kinds.js";
import type { FanoutResult, Mode } from "../workloads/fanout.js";
import type { IdleMemoryResult } from "../workloads/idle-memory.js";
import type { MaxRateResult, OneToOneResult } from "../workloads/one-to-one.js";
import type { StoreResult } from "../workloads/redis-store.js";

export const LATENCY: LatencySummary = { count: 100, p50Ms: 1, p99Ms: 4, p999Ms: 8, maxMs: 9 };

export function fanoutResult(server: ServerKind, mode: Mode, roomSize: number, deliveriesPerCpuSecond: number): FanoutResult {
  return {
    server,
    mode,
    roomSize,
    rooms: 1000 / roomSize,
    messagesPerSecond: 50_000 / roomSize,
    sent: 100,
    expected: 100 * roomSize,
    delivered: 100 * roomSize,
    serverCpuSeconds: 1,
    wallSeconds: 2,
    deliveriesPerCpuSecond,
    serverUtilization: 0.5,
    writeCallsPerDelivery: 1,
    readCallsPerDelivery: 0.1,
    bytesPerDelivery: 150,
    clientCpuSeconds: 1,
    maxSendLagMs: 1,
    latency: LATENCY,
    setupSeconds: 1,
    setupBytes: 1000,
  };
}

export function latencyResult(server: ServerKind, p99Ms: number): OneToOneResult {
  return { server, mode: "guest", messagesPerSecond: 10_000, latency: { ...LATENCY, p99Ms }, delivered: 10, expected: 10, serverUtilization: 0.5, maxSendLagMs: 1 };
}

export function memoryResult(server: ServerKind, rssPerConnectionBytes: number): IdleMemoryResult {
  return {
    server,
    connections: 10_000,
    rssBeforeBytes: 50e6,
    rssAfterBytes: 50e6 + rssPerConnectionBytes * 10_000,
    rssPerConnectionBytes,
    settleSeconds: 3,
    heapPerConnectionBytes: rssPerConnectionBytes / 2,
    ramp: { connectionsPerSecond: 3000, serverCpuSeconds: 3, serverCpuMsPerConnection: 0.3, setupLatency: LATENCY },
  };
}

export function mlsClientResult(heldSeconds: number, joinMsAt100: number): MlsClientResult {
  const summary: ProfileSummary = {
    totalMs: 100,
    idleMs: 0,
    functions: [{ name: "treeHash ts-mls/treeHash.js:46", selfMs: 40, share: 0.4 }],
    areas: [
      { name: "ts-mls: tree hash and parent hash", selfMs: 60, share: 0.6 },
      { name: "(garbage collector)", selfMs: 40, share: 0.4 },
    ],
    inclusive: [{ name: "joinGroupExternal ts-mls/createCommit.js:193", selfMs: 90, share: 0.9 }],
  };
  const join = (provider: Provider, members: number, newcomerMs: number) => ({
    provider,
    members,
    newcomerMs,
    processMs: newcomerMs / 4,
    groupInfoBytes: members * 300,
    commitBytes: 800,
    repetitions: 5,
  });
  const messages = (provider: Provider, seconds: number) => ({
    provider,
    roomSize: 100,
    encrypted: 2000,
    encryptPerCpuSecond: 10_000,
    held: 10_000,
    heldSeconds: seconds,
    decryptPerCpuSecond: 10_000 / seconds,
    ciphertextBytes: 326,
    plaintextChars: 64,
  });
  return {
    buildSeconds: 5,
    joins: [join("webcrypto", 10, 40), join("webcrypto", 100, joinMsAt100 * 2), join("node", 10, 20), join("node", 100, joinMsAt100)],
    messages: [messages("webcrypto", heldSeconds * 5), messages("node", heldSeconds)],
    profiles: [
      { phase: "join", provider: "node", detail: "5 joins of a room of 100", summary },
      { phase: "decrypt", provider: "node", detail: "2000 held messages", summary },
    ],
  };
}

export function maxRateResult(server: ServerKind, mode: Mode, messagesPerSecond: number): MaxRateResult {
  return { server, mode, messagesPerSecond, serverUtilization: 1, clientCpuSeconds: 1, wallSeconds: 4 };
}

/** Memory and Redis at room size 10 and the 1:1 maximum rate; Redis at `redisShare` of memory's deliveries per CPU-second. */
export function storeResult(redisShare: number): StoreResult {
  const fanoutRow = (store: "memory" | "redis", perCpuSecond: number) => ({
    store,
    fanout: { ...fanoutResult("pigeon", "keyed", 10, perCpuSecond), ...(store === "redis" ? { redisCpuSeconds: 0.2 } : {}) },
    deliveriesPerCpuSecondWithRedis: perCpuSecond,
  });
  const maxRow = (store: "memory" | "redis", perCpuSecond: number) => ({
    store,
    maxRate: { ...maxRateResult("pigeon", "keyed", perCpuSecond / 2), ...(store === "redis" ? { redisCpuSeconds: 0.4 } : {}) },
    deliveriesPerCpuSecondWithRedis: perCpuSecond,
  });
  return {
    fanout: [fanoutRow("memory", 50_000), fanoutRow("redis", 50_000 * redisShare)],
    maxRate: [maxRow("memory", 60_000), maxRow("redis", 60_000 * redisShare)],
    redisCpuMeasured: true,
  };
}
