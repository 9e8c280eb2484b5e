import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { BooleanSetting, RelayConfig } from "@pigeon/relay";
import { z } from "zod";

// The one place that reads flags and environment. Flags win over environment variables,
// which win over defaults; every default runs on a laptop with nothing else installed.

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
const WEB_BUILD = fileURLToPath(new URL("../../web/dist", import.meta.url));

/**
 * What a deployment configures: the relay's own settings plus where to listen, how to log
 * and how long shutdown may take.
 *
 * @example
 * const config = ServerConfig.parse({ port: 0 });
 */
export const ServerConfig = RelayConfig.extend({
  port: z.coerce.number().int().min(0).max(65_535).default(3000).describe("TCP port to listen on (0: any free port)"),
  host: z.string().min(1).optional().describe("address to listen on (unset: every interface, IPv6 and IPv4)"),
  logLevel: z.enum(LOG_LEVELS).default("info").describe(`log level: ${LOG_LEVELS.join(", ")}`),
  shutdownGraceMs: z.coerce.number().int().min(0).default(5_000).describe("how long shutdown waits for in-flight work"),
  exitWithParent: BooleanSetting.default(false)
    .describe("shut down, as on SIGTERM, when the process that started this one goes away (pnpm start sets it)"),
  webDir: RelayConfig.shape.webDir.default(WEB_BUILD).describe("the web client build served at / (nothing is served if it is missing)"),
});
/** A deployment's configuration, validated. */
export type ServerConfig = z.infer<typeof ServerConfig>;

type Key = keyof ServerConfig;

/**
 * Every flag, the environment variable it can also come from, and the setting it fills. A
 * `bare` flag takes no value on the command line (its presence means true).
 */
const FLAGS: readonly { flag: string; env: string; key: Key; bare?: true }[] = [
  { flag: "port", env: "PORT", key: "port" },
  { flag: "host", env: "HOST", key: "host" },
  { flag: "log-level", env: "LOG_LEVEL", key: "logLevel" },
  { flag: "store", env: "PIGEON_STORE", key: "store" },
  { flag: "node-id", env: "PIGEON_NODE_ID", key: "nodeId" },
  { flag: "shutdown-grace-ms", env: "PIGEON_SHUTDOWN_GRACE_MS", key: "shutdownGraceMs" },
  { flag: "exit-with-parent", env: "PIGEON_EXIT_WITH_PARENT", key: "exitWithParent" },
  { flag: "redis-url", env: "REDIS_URL", key: "redisUrl" },
  { flag: "redis-prefix", env: "PIGEON_REDIS_PREFIX", key: "redisPrefix" },
  { flag: "redis-cluster", env: "PIGEON_REDIS_CLUSTER", key: "redisCluster" },
  { flag: "message-ttl-ms", env: "PIGEON_MESSAGE_TTL_MS", key: "messageTtlMs" },
  { flag: "member-ttl-ms", env: "PIGEON_MEMBER_TTL_MS", key: "memberTtlMs" },
  { flag: "max-room-entries", env: "PIGEON_MAX_ROOM_ENTRIES", key: "maxRoomEntries" },
  { flag: "max-room-bytes", env: "PIGEON_MAX_ROOM_BYTES", key: "maxRoomBytes" },
  { flag: "max-held-bytes", env: "PIGEON_MAX_HELD_BYTES", key: "maxHeldBytes" },
  { flag: "max-sent-records", env: "PIGEON_MAX_SENT_RECORDS", key: "maxSentRecords" },
  { flag: "max-rooms-per-identity", env: "PIGEON_MAX_ROOMS_PER_IDENTITY", key: "maxRoomsPerIdentity" },
  { flag: "max-pending-events", env: "PIGEON_MAX_PENDING_EVENTS", key: "maxPendingEvents" },
  { flag: "sweep-interval-ms", env: "PIGEON_SWEEP_INTERVAL_MS", key: "sweepIntervalMs" },
  { flag: "web-dir", env: "PIGEON_WEB_DIR", key: "webDir" },
  { flag: "heartbeat-interval-ms", env: "PIGEON_HEARTBEAT_INTERVAL_MS", key: "heartbeatIntervalMs" },
  { flag: "receipt-interval-ms", env: "PIGEON_RECEIPT_INTERVAL_MS", key: "receiptIntervalMs" },
  { flag: "member-interval-ms", env: "PIGEON_MEMBER_INTERVAL_MS", key: "memberIntervalMs" },
  { flag: "require-e2e", env: "PIGEON_REQUIRE_E2E", key: "requireE2e", bare: true },
  { flag: "public-origins", env: "PIGEON_PUBLIC_ORIGINS", key: "publicOrigins" },
  { flag: "health-token", env: "PIGEON_HEALTH_TOKEN", key: "healthToken" },
  { flag: "health-allow-from", env: "PIGEON_HEALTH_ALLOW_FROM", key: "healthAllowFrom" },
  { flag: "metrics-port", env: "PIGEON_METRICS_PORT", key: "metricsPort" },
  { flag: "metrics-host", env: "PIGEON_METRICS_HOST", key: "metricsHost" },
  { flag: "metrics-token", env: "PIGEON_METRICS_TOKEN", key: "metricsToken" },
  { flag: "allowed-origins", env: "PIGEON_ALLOWED_ORIGINS", key: "allowedOrigins" },
  { flag: "trust-proxy", env: "PIGEON_TRUST_PROXY", key: "trustProxy", bare: true },
  { flag: "events-per-second", env: "PIGEON_EVENTS_PER_SECOND", key: "eventsPerSecond" },
  { flag: "event-burst", env: "PIGEON_EVENT_BURST", key: "eventBurst" },
  { flag: "handshakes-per-minute", env: "PIGEON_HANDSHAKES_PER_MINUTE", key: "handshakesPerMinute" },
  { flag: "sessions-per-address", env: "PIGEON_SESSIONS_PER_ADDRESS", key: "sessionsPerAddress" },
  { flag: "login-deadline-ms", env: "PIGEON_LOGIN_DEADLINE_MS", key: "loginDeadlineMs" },
  { flag: "logins-per-minute", env: "PIGEON_LOGINS_PER_MINUTE", key: "loginsPerMinute" },
  { flag: "logins-per-name-per-minute", env: "PIGEON_LOGINS_PER_NAME_PER_MINUTE", key: "loginsPerNamePerMinute" },
  { flag: "failed-logins-per-hour", env: "PIGEON_FAILED_LOGINS_PER_HOUR", key: "failedLoginsPerHour" },
  { flag: "failed-logins-per-name-per-hour", env: "PIGEON_FAILED_LOGINS_PER_NAME_PER_HOUR", key: "failedLoginsPerNamePerHour" },
  { flag: "failed-login-backoff-ms", env: "PIGEON_FAILED_LOGIN_BACKOFF_MS", key: "failedLoginBackoffMs" },
  { flag: "new-identities-per-hour", env: "PIGEON_NEW_IDENTITIES_PER_HOUR", key: "newIdentitiesPerHour" },
  { flag: "messages-per-minute", env: "PIGEON_MESSAGES_PER_MINUTE", key: "messagesPerMinute" },
  { flag: "guest-messages-per-minute", env: "PIGEON_GUEST_MESSAGES_PER_MINUTE", key: "guestMessagesPerMinute" },
  { flag: "max-send-buffer-bytes", env: "PIGEON_MAX_SEND_BUFFER_BYTES", key: "maxSendBufferBytes" },
];

const DAY_MS = 86_400_000;

/** The default a setting shows in `--help` (none for random or unset ones). */
function shownDefault(key: Key, defaults: ServerConfig): string {
  if (key === "nodeId") return "random";
  const value = defaults[key];
  if (value === undefined) return "unset";
  if (typeof value === "number" && value >= DAY_MS && value % DAY_MS === 0) return `${value} (${value / DAY_MS} days)`;
  return String(value);
}

/** The text `--help` prints: each flag, its environment variable, its default and its meaning. */
export function usage(): string {
  const defaults = ServerConfig.parse({});
  const rows = FLAGS.map(({ flag, env, key }) => {
    const meaning = ServerConfig.shape[key].description ?? "";
    return `  --${flag.padEnd(22)} ${env.padEnd(29)} default ${shownDefault(key, defaults)}\n      ${meaning}`;
  });
  return [
    "Usage: pigeon-server [options]",
    "",
    "Each option can also come from the environment variable beside it; a flag wins.",
    "",
    ...rows,
    "  --help",
    "      print this help",
  ].join("\n");
}

/**
 * Reads configuration from command-line flags and environment variables.
 * Throws a ZodError (or a TypeError for an unknown flag) that names what is wrong.
 *
 * @example
 * const config = loadConfig(process.argv.slice(2), process.env);
 */
export function loadConfig(argv: readonly string[], env: NodeJS.ProcessEnv): ServerConfig {
  const options = Object.fromEntries(FLAGS.map(({ flag, bare }) => [flag, { type: bare ? ("boolean" as const) : ("string" as const) }]));
  const { values } = parseArgs({ args: [...argv], options, strict: true, allowPositionals: false });
  const raw: Record<string, unknown> = {};
  for (const { flag, env: variable, key } of FLAGS) {
    const value = values[flag] ?? env[variable];
    if (value !== undefined && value !== "") raw[key] = value;
  }
  return ServerConfig.parse(raw);
}
