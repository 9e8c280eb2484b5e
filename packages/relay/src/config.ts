import { randomBytes } from "node:crypto";
import { ServerOrigin } from "@pigeon/protocol";
import { isIP } from "node:net";
import { z } from "zod";

const DAY_MS = 86_400_000;

/** In `publicOrigins`: this machine's own names and addresses on the port the relay listens on. */
export const SELF_ORIGINS = "self";

/**
 * A yes/no setting as flags and environment variables give it: a boolean, or "true", "false", "1", "0".
 *
 * @example
 * const Settings = z.object({ verbose: BooleanSetting.default(false) });
 */
export const BooleanSetting = z.union([z.boolean(), z.enum(["true", "false", "1", "0"]).transform((value) => value === "true" || value === "1")]);

/**
 * A list setting as flags and environment variables give it: comma-separated text (blanks
 * around commas ignored) or an array; each item checked by `item`.
 *
 * @example
 * const Settings = z.object({ origins: listSetting(z.string()).optional() });
 */
export function listSetting<T extends z.ZodType<string, string>>(item: T) {
  return z
    .union([z.string(), z.array(z.string())])
    .transform((value) => (typeof value === "string" ? value.split(",") : value).map((part) => part.trim()).filter((part) => part !== ""))
    .pipe(z.array(item).min(1));
}

/** An origin as browsers send it: scheme, host and port only (`https://chat.example.org`). */
const Origin = z.string().refine((value) => {
  try {
    const url = new URL(value);
    return (url.protocol === "https:" || url.protocol === "http:") && url.origin === value;
  } catch {
    return false;
  }
}, "an origin is scheme://host[:port], with no path or trailing slash");

/** An IP address, or a subnet as address/prefix (`10.0.0.0/8`, `fd00::/8`). */
const AddressOrSubnet = z.string().refine((value) => {
  const [address = "", prefix, ...rest] = value.split("/");
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  return prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128));
}, "an IP address or address/prefix");

/** A secret that operators send as `Authorization: Bearer <token>`; long enough not to be guessed. */
const Token = z.string().regex(/^[\x21-\x7e]{16,256}$/, "16 to 256 printable characters, no spaces");

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
  maxSentRecords: z.coerce
    .number()
    .int()
    .min(0)
    .optional()
    .describe(
      "most client message ids the memory store remembers for retries, over all rooms, counted in --max-held-bytes; past it the oldest are forgotten (a retry of one is stored again). Unset: as many as a quarter of --max-held-bytes pays for (256 bytes each)",
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
  maxPendingEvents: z.coerce.number().int().min(1).default(256).describe("events one connection may have waiting or under way before RATE_LIMITED"),
  publicOrigins: z
    .preprocess(
      (value) => (typeof value === "string" ? value.split(",").map((origin) => origin.trim()).filter((origin) => origin !== "") : value),
      z.array(z.union([ServerOrigin, z.literal(SELF_ORIGINS)])).min(1),
    )
    .optional()
    .describe(
      `comma-separated origins clients reach this server at (https://chat.example.org); a keyed login must be signed for one of them; "${SELF_ORIGINS}" stands for this machine's own names and addresses on the port it listens on, which is what unset means`,
    ),
  trustProxy: BooleanSetting.default(false).describe(
    "true: take each client's address from the first X-Forwarded-For hop (set only behind a proxy that writes that header)",
  ),
  eventsPerSecond: z.coerce.number().positive().default(100).describe("events per second one connection may keep sending (its token bucket's refill)"),
  eventBurst: z.coerce.number().int().min(1).default(500).describe("events one connection may send at once before the per-second rate applies"),
  handshakesPerMinute: z.coerce.number().int().min(1).default(1_000).describe("new connections (engine.io handshakes) one address may open per minute; past it HTTP 429"),
  sessionsPerAddress: z.coerce.number().int().min(1).default(500).describe("connections (polling or WebSocket) one address may hold open at once on a node; past it HTTP 429"),
  loginDeadlineMs: z.coerce.number().int().positive().default(30_000).describe("a connection that has not logged in this long after connecting is closed"),
  loginsPerMinute: z.coerce.number().int().min(1).default(1_000).describe("logins one address may try per minute"),
  loginsPerNamePerMinute: z.coerce.number().int().min(1).default(60).describe("logins one name may be tried for per minute"),
  failedLoginsPerHour: z.coerce.number().int().min(1).default(30).describe("wrong login signatures one address may send per hour before it must wait"),
  failedLoginsPerNamePerHour: z.coerce.number().int().min(1).default(100).describe("wrong login signatures for one name per hour before logins as it must wait"),
  failedLoginBackoffMs: z.coerce
    .number()
    .int()
    .positive()
    .default(60_000)
    .describe("the first wait after too many wrong signatures; each further time doubles it (up to a day)"),
  newIdentitiesPerHour: z.coerce.number().int().min(1).default(500).describe("new keyed identities one address may create per hour"),
  messagesPerMinute: z.coerce.number().int().min(1).default(600).describe("messages (chat and MLS application) one identity may send per minute, over all its connections and nodes"),
  guestMessagesPerMinute: z.coerce
    .number()
    .int()
    .min(1)
    .default(3_000)
    .describe("messages all guests from one address may send per minute (a guest has a new name, so a new allowance, on every connection)"),
  maxSendBufferBytes: z.coerce
    .number()
    .int()
    .positive()
    .default(4 * 1024 * 1024)
    .describe("a connection with more than this waiting to be sent, and not draining it, is closed (it replays what it missed when it returns)"),
  requireE2e: BooleanSetting.default(false).describe(
    "true: refuse to create plain rooms (E2E_REQUIRED): every new room is end-to-end encrypted, so guests and the tutorial's clients cannot chat",
  ),
  healthToken: Token.optional().describe(
    "a secret: /healthz shows its details (node, store, connections) to `Authorization: Bearer <token>`; unset: to nobody but healthAllowFrom",
  ),
  healthAllowFrom: listSetting(AddressOrSubnet)
    .optional()
    .describe("comma-separated addresses or subnets that see /healthz details without the token (unset: none); behind a proxy, the proxy's address"),
  metricsPort: z.coerce
    .number()
    .int()
    .min(0)
    .max(65_535)
    .optional()
    .describe("serve Prometheus /metrics on this port of metricsHost (unset: not served on a port of its own)"),
  metricsHost: z.string().min(1).default("127.0.0.1").describe("the address metricsPort listens on"),
  metricsToken: Token.optional().describe(
    "a secret: /metrics is served on the main port to `Authorization: Bearer <token>`, and the token is needed on metricsPort too (unset: not on the main port)",
  ),
  allowedOrigins: listSetting(Origin)
    .optional()
    .describe(
      "comma-separated browser origins allowed to connect (CORS and WebSocket); the relay's own origin and clients that send no Origin always may (unset: any origin)",
    ),
});
/** The relay's configuration, validated. */
export type RelayConfig = z.infer<typeof RelayConfig>;
/** Relay configuration before defaults are applied, as callers and tests pass it. */
export type RelayConfigInput = z.input<typeof RelayConfig>;
