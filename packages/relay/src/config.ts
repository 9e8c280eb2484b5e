import { randomBytes } from "node:crypto";
import { z } from "zod";

const DAY_MS = 86_400_000;

/**
 * A yes/no setting as flags and environment variables give it: a boolean, or "true", "false", "1", "0".
 *
 * @example
 * const Settings = z.object({ verbose: BooleanSetting.default(false) });
 */
export const BooleanSetting = z.union([z.boolean(), z.enum(["true", "false", "1", "0"]).transform((value) => value === "true" || value === "1")]);

/**
 * What the relay itself needs to know: its store, retention, intervals and limits. Every
 * field has a default that runs on a laptop with nothing else installed; numbers may come
 * as strings (from flags or the environment) and are coerced. `.describe()` texts are what
 * the server's `--help` prints.
 *
 * @example
 * const config = RelayConfig.parse({ store: "redis", redisUrl: "redis://127.0.0.1:6379" });
 */
export const RelayConfig = z.strictObject({
  store: z.enum(["memory", "redis"]).default("memory").describe("where state lives: memory (one process) or redis"),
  redisUrl: z
    .url({ protocol: /^rediss?$/ })
    .default("redis://127.0.0.1:6379")
    .describe("the Redis of the redis store (and of socket.io's adapter)"),
  redisCluster: BooleanSetting.default(false).describe("true: the Redis URL names one node of a Redis Cluster"),
  redisPrefix: z
    .string()
    .regex(/^[\w:.-]{1,100}$/)
    .default("pigeon")
    .describe("prefix of every Redis key, so several deployments can share a Redis"),
  messageTtlMs: z.coerce.number().int().positive().default(14 * DAY_MS).describe("undelivered messages are deleted after this long"),
  memberTtlMs: z.coerce.number().int().positive().default(14 * DAY_MS).describe("members away this long are dropped from their rooms"),
  maxRoomEntries: z.coerce
    .number()
    .int()
    .positive()
    .default(10_000)
    .describe("most messages a room holds, one sender at most half: past that its own oldest go (or it is refused, QUOTA_EXCEEDED)"),
  maxRoomBytes: z.coerce
    .number()
    .int()
    .positive()
    .default(16 * 1024 * 1024)
    .describe("most bytes of messages a room holds, one sender at most half, as --max-room-entries"),
  maxHeldBytes: z.coerce
    .number()
    .int()
    .positive()
    .optional()
    .describe(
      "budget for all held messages (bytes plus per-entry overhead), per relay for memory, per deployment for redis; past it appends are refused (QUOTA_EXCEEDED). Unset: a quarter of the V8 heap limit (memory), 1 GiB (redis)",
    ),
  maxRoomsPerIdentity: z.coerce
    .number()
    .int()
    .positive()
    .default(50)
    .describe("most rooms one keyed identity is a member of, over all its connections and nodes (QUOTA_EXCEEDED past it)"),
  sweepIntervalMs: z.coerce.number().int().positive().default(60_000).describe("how often expired messages and members are swept"),
  webDir: z.string().min(1).optional().describe("a web client build to serve at / (nothing is served when unset or missing)"),
  heartbeatIntervalMs: z.coerce
    .number()
    .int()
    .positive()
    .default(5_000)
    .describe("how often this node says it is alive; silent for 3 intervals means dead"),
  receiptIntervalMs: z.coerce.number().int().min(0).default(250).describe("how often, at most, a room's senders get receipts"),
  memberIntervalMs: z.coerce.number().int().min(0).default(100).describe("how long member-list changes are gathered into one event"),
  nodeId: z
    .string()
    .min(1)
    .max(64)
    .default(() => `node-${randomBytes(3).toString("hex")}`)
    .describe("names this node in logs, hello and /healthz (random: node-xxxxxx)"),
  maxPendingEvents: z.coerce.number().int().min(1).default(256).describe("events one connection may have waiting before RATE_LIMITED"),
  requireE2e: BooleanSetting.default(false).describe(
    "true: refuse to create plain rooms (E2E_REQUIRED): every new room is end-to-end encrypted, so guests and the tutorial's clients cannot chat",
  ),
});
/** The relay's configuration, validated. */
export type RelayConfig = z.infer<typeof RelayConfig>;
/** Relay configuration before defaults are applied, as callers and tests pass it. */
export type RelayConfigInput = z.input<typeof RelayConfig>;
