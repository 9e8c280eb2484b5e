// Synthetic results for the report tests: shapes as the workloads produce them.
import type { LatencySummary } from "../measure/histogram.js";
import type { ServerKind } from "../servers/kinds.js";
import type { FanoutResult, Mode } from "../workloads/fanout.js";
import type { IdleMemoryResult } from "../workloads/idle-memory.js";
import type { OneToOneResult } from "../workloads/one-to-one.js";

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
