import { z } from "zod";

const SECONDS: Readonly<Record<string, number>> = { s: 1, sec: 1, min: 60, m: 60, h: 3_600, hour: 3_600, d: 86_400, day: 86_400, w: 604_800, week: 604_800 };
const BYTES: Readonly<Record<string, number>> = { b: 1, kb: 1e3, mb: 1e6, gb: 1e9, tb: 1e12, kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3, tib: 1024 ** 4 };

/**
 * A rate as people say it, "1/min", "30/h", "0.5/s", "2/day", into events per second.
 *
 * @example
 * Rate.parse("1/min") // 0.016666…
 */
export const Rate = z.string().transform((text, context) => {
  const match = /^\s*(\d+(?:\.\d+)?)\s*\/\s*([a-z]+)\s*$/i.exec(text);
  const seconds = match?.[2] === undefined ? undefined : SECONDS[match[2].toLowerCase()];
  if (match?.[1] === undefined || seconds === undefined) {
    context.addIssue({ code: "custom", message: `"${text}" is not a rate: say COUNT/UNIT with UNIT one of s, min, h, day, week (e.g. 1/min)` });
    return z.NEVER;
  }
  return Number(match[1]) / seconds;
});

/**
 * A duration, "90s", "12h", "14d", into seconds.
 *
 * @example
 * Duration.parse("14d") // 1209600
 */
export const Duration = z.string().transform((text, context) => {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]+)\s*$/i.exec(text);
  const seconds = match?.[2] === undefined ? undefined : SECONDS[match[2].toLowerCase()];
  if (match?.[1] === undefined || seconds === undefined) {
    context.addIssue({ code: "custom", message: `"${text}" is not a duration: say NUMBER UNIT with UNIT one of s, min, h, d, w (e.g. 14d)` });
    return z.NEVER;
  }
  return Number(match[1]) * seconds;
});

/**
 * An amount of bytes, "512MiB", "4GiB", "1GB", into bytes.
 *
 * @example
 * Bytes.parse("4GiB") // 4294967296
 */
export const Bytes = z.string().transform((text, context) => {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]+)\s*$/i.exec(text);
  const unit = match?.[2] === undefined ? undefined : BYTES[match[2].toLowerCase()];
  if (match?.[1] === undefined || unit === undefined) {
    context.addIssue({ code: "custom", message: `"${text}" is not an amount of bytes: say NUMBER UNIT with UNIT one of B, KiB, MiB, GiB, KB, MB, GB (e.g. 4GiB)` });
    return z.NEVER;
  }
  return Number(match[1]) * unit;
});

const Share = z.coerce.number().min(0).max(1);
const Count = z.coerce.number().int().positive();

/**
 * The traffic shape and the budgets the calculator sizes for, from its flags (strings, as
 * parseArgs gives them). Every flag has a default but `users`.
 *
 * @example
 * const traffic = Traffic.parse({ users: "1000000", online: "0.2", rate: "1/min" });
 */
export const Traffic = z.strictObject({
  users: Count.describe("registered users (required)"),
  online: Share.refine((value) => value > 0, "must be above 0").default(0.2).describe("share of users connected at the peak hour (default 0.2)"),
  rate: Rate.prefault("1/min").describe("messages each online user sends (default 1/min)"),
  roomSize: Count.default(10).describe("members per room (default 10)"),
  roomsPerUser: z.coerce.number().min(1).default(1).describe("rooms each user is a member of (default 1)"),
  away: Share.refine((value) => value < 1, "must be below 1").optional().describe("share of a room's members away when a message is sent (default: 1 − online)"),
  retention: Duration.prefault("1d").describe("how long a message waits, on average, until its away members are back; at most the relay's 14d message TTL (default 1d)"),
  maxRoomEntries: Count.default(10_000).describe("most messages a room holds, as the relay's --max-room-entries (default 10000)"),
  guests: Share.default(0).describe("share of users who are guests (no keys: nothing held, no acks) (default 0)"),
  messageBytes: Count.default(64).describe("characters per message text (default 64)"),
  logins: Rate.prefault("1/h").describe("logins (new connections) per online user (default 1/h)"),
  joins: Rate.prefault("1/day").describe("room joins per online user (default 1/day)"),
  cpuHeadroom: Share.refine((value) => value < 1, "must be below 1").default(0.5).describe("share of each relay core and Redis core kept free (default 0.5)"),
  memoryHeadroom: Share.refine((value) => value < 1, "must be below 1").default(0.3).describe("share of memory kept free (default 0.3)"),
  nodeMemory: Bytes.prefault("4GiB").describe("memory of one relay node (default 4GiB)"),
  connectionsPerNode: Count.default(50_000).describe("most connections one relay node is given (default 50000)"),
  redisShardMemory: Bytes.prefault("8GiB").describe("maxmemory of one Redis shard (default 8GiB)"),
  redisShardNetwork: Bytes.prefault("100MiB").describe("network one Redis shard may move per second (default 100MiB)"),
  largestRoom: Count.optional().describe("members of the largest room (default: room size), for the single-room ceiling"),
  store: z.enum(["auto", "memory", "redis"]).default("auto").describe("auto picks the memory store while one node is enough (default auto)"),
  nodes: Count.optional().describe("relay nodes to assume (default: as many as needed)"),
});
export type Traffic = z.infer<typeof Traffic>;
/** The flags before parsing. */
export type TrafficFlags = z.input<typeof Traffic>;

/** Flags the calculator refused, each with its reason. */
export class FlagError extends Error {
  override readonly name = "FlagError";
}

/**
 * Parses flags into a Traffic, or throws a FlagError that names every bad flag as it is typed
 * (`--room-size`) and says why.
 *
 * @example
 * parseTraffic({ users: "50", rate: "5/min" });
 */
export function parseTraffic(flags: Readonly<Record<string, unknown>>): Traffic {
  const result = Traffic.safeParse(flags);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => {
    const key = issue.path[0];
    const flag = typeof key === "string" ? `--${kebab(key)}` : "flags";
    if (issue.code === "unrecognized_keys") return `unknown flag${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((name) => `--${kebab(name)}`).join(", ")}`;
    if (issue.code === "invalid_type" && issue.input === undefined) return `${flag} is required`;
    return `${flag}: ${issue.message}`;
  });
  throw new FlagError(lines.join("\n"));
}

/** roomSize → room-size. */
export function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}

/** room-size → roomSize. */
export function camel(name: string): string {
  return name.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
}
