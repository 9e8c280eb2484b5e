import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { z } from "zod";
import type { RetentionLimits } from "./store/relay-store.js";

// The one place that reads flags and environment. Flags win over environment variables,
// which win over defaults; every default runs on a laptop with nothing else installed.

const DAY_MS = 86_400_000;
const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

/**
 * The relay's configuration, validated.
 *
 * @example
 * const config = Config.parse({ port: 0 });
 */
export const Config = z.strictObject({
  port: z.coerce.number().int().min(0).max(65_535).default(3000),
  /** Unset: every interface, IPv6 and IPv4 alike (so `localhost` works whichever it resolves to). */
  host: z.string().min(1).optional(),
  logLevel: z.enum(LOG_LEVELS).default("info"),
  store: z.enum(["memory", "redis"]).default("memory"),
  /** Where the Redis store lives (with `store: "redis"`). */
  redisUrl: z.url({ protocol: /^rediss?$/ }).default("redis://127.0.0.1:6379"),
  /** `REDIS_URL` names one node of a Redis Cluster rather than a single Redis. */
  redisCluster: z
    .union([z.boolean(), z.enum(["true", "false", "1", "0"]).transform((value) => value === "true" || value === "1")])
    .default(false),
  /** Prefix of every Redis key, so that several deployments (or test runs) can share a Redis. */
  redisPrefix: z.string().regex(/^[\w:.-]{1,100}$/).default("pigeon"),
  /** Undelivered messages are deleted after this long (default 14 days). */
  messageTtlMs: z.coerce.number().int().positive().default(14 * DAY_MS),
  /** Members not connected for this long are dropped from their rooms (default 14 days). */
  memberTtlMs: z.coerce.number().int().positive().default(14 * DAY_MS),
  /** Most messages a room holds for members who are away; past it the oldest go. */
  maxRoomEntries: z.coerce.number().int().positive().default(10_000),
  /** Most bytes of messages a room holds; past it the oldest go. */
  maxRoomBytes: z.coerce.number().int().positive().default(16 * 1024 * 1024),
  /** How often expired messages and members are swept. */
  sweepIntervalMs: z.coerce.number().int().positive().default(60_000),
  /** The web client's production build, served at `/` (nothing is served if it is missing). */
  webDir: z.string().min(1).default(fileURLToPath(new URL("../../web/dist", import.meta.url))),
  /** How often this node tells the store it is alive; a node silent for 3 intervals is presumed dead. */
  heartbeatIntervalMs: z.coerce.number().int().positive().default(5_000),
  /** How often, at most, a room's senders get receipts. */
  receiptIntervalMs: z.coerce.number().int().min(0).default(250),
  /** How long a room's member-list changes are gathered into one `memberChanges` event. */
  memberIntervalMs: z.coerce.number().int().min(0).default(100),
  /** Names this node in logs, `hello` and `/healthz`; random unless set. */
  nodeId: z.string().min(1).max(64).default(() => `node-${randomBytes(3).toString("hex")}`),
  /** How long shutdown waits for in-flight work before exiting anyway. */
  shutdownGraceMs: z.coerce.number().int().min(0).default(5_000),
  /** Events one connection may have waiting; past it new events are refused with RATE_LIMITED. */
  maxPendingEvents: z.coerce.number().int().min(1).default(256),
});
/** The relay's configuration, validated. */
export type Config = z.infer<typeof Config>;
/** Configuration before defaults are applied, as tests and callers pass it. */
export type ConfigInput = z.input<typeof Config>;

const FLAGS = {
  port: { type: "string", env: "PORT" },
  host: { type: "string", env: "HOST" },
  "log-level": { type: "string", env: "LOG_LEVEL", key: "logLevel" },
  store: { type: "string", env: "PIGEON_STORE" },
  "node-id": { type: "string", env: "PIGEON_NODE_ID", key: "nodeId" },
  "shutdown-grace-ms": { type: "string", env: "PIGEON_SHUTDOWN_GRACE_MS", key: "shutdownGraceMs" },
  "redis-url": { type: "string", env: "REDIS_URL", key: "redisUrl" },
  "redis-prefix": { type: "string", env: "PIGEON_REDIS_PREFIX", key: "redisPrefix" },
  "redis-cluster": { type: "string", env: "PIGEON_REDIS_CLUSTER", key: "redisCluster" },
  "message-ttl-ms": { type: "string", env: "PIGEON_MESSAGE_TTL_MS", key: "messageTtlMs" },
  "member-ttl-ms": { type: "string", env: "PIGEON_MEMBER_TTL_MS", key: "memberTtlMs" },
  "max-room-entries": { type: "string", env: "PIGEON_MAX_ROOM_ENTRIES", key: "maxRoomEntries" },
  "max-room-bytes": { type: "string", env: "PIGEON_MAX_ROOM_BYTES", key: "maxRoomBytes" },
  "sweep-interval-ms": { type: "string", env: "PIGEON_SWEEP_INTERVAL_MS", key: "sweepIntervalMs" },
  "web-dir": { type: "string", env: "PIGEON_WEB_DIR", key: "webDir" },
  "heartbeat-interval-ms": { type: "string", env: "PIGEON_HEARTBEAT_INTERVAL_MS", key: "heartbeatIntervalMs" },
  "receipt-interval-ms": { type: "string", env: "PIGEON_RECEIPT_INTERVAL_MS", key: "receiptIntervalMs" },
  "member-interval-ms": { type: "string", env: "PIGEON_MEMBER_INTERVAL_MS", key: "memberIntervalMs" },
} as const;

/** The usage text `--help` prints: every flag with its environment variable. */
export const USAGE = [
  "Usage: pigeon-server [options]",
  "",
  ...Object.entries(FLAGS).map(([flag, spec]) => `  --${flag.padEnd(22)} env ${spec.env}`),
  "  --help                 print this help",
].join("\n");

/**
 * Reads configuration from command-line flags and environment variables.
 * Throws a ZodError (or a TypeError for an unknown flag) that names what is wrong.
 *
 * @example
 * const config = loadConfig(process.argv.slice(2), process.env);
 */
export function loadConfig(argv: readonly string[], env: NodeJS.ProcessEnv): Config {
  const options = Object.fromEntries(Object.entries(FLAGS).map(([flag, spec]) => [flag, { type: spec.type }]));
  const { values } = parseArgs({ args: [...argv], options, strict: true, allowPositionals: false });
  const raw: Record<string, unknown> = {};
  for (const [flag, spec] of Object.entries(FLAGS)) {
    const key = "key" in spec ? spec.key : flag;
    const value = values[flag] ?? env[spec.env];
    if (value !== undefined && value !== "") raw[key] = value;
  }
  return Config.parse(raw);
}

/** The retention limits a configuration sets, as the store enforces them. */
export function retentionLimits(config: Config): RetentionLimits {
  const { messageTtlMs, memberTtlMs, maxRoomEntries, maxRoomBytes } = config;
  return { messageTtlMs, memberTtlMs, maxRoomEntries, maxRoomBytes };
}
