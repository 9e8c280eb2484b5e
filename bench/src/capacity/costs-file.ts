import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";

const RedisUnitCost = z.object({
  calls: z.number(),
  netInputBytes: z.number(),
  netOutputBytes: z.number(),
  cpuMicros: z.number(),
});

/** One unit's cost as the costs workload writes it. */
export const UnitCost = z.object({
  relayCpuMicros: z.number(),
  redis: RedisUnitCost.optional(),
  relayCpuMicrosRange: z.tuple([z.number(), z.number()]).optional(),
});
export type UnitCost = z.infer<typeof UnitCost>;

const MemoryUnit = z.object({ relayBytes: z.number(), redisBytes: z.number().optional() });
export type MemoryUnit = z.infer<typeof MemoryUnit>;

/** The units of one store: every one the model reads must be there. */
export const StoreCosts = z.object({
  store: z.enum(["memory", "redis"]),
  units: z.object({
    connect: UnitCost,
    keyedLogin: UnitCost,
    guestLogin: UnitCost,
    keyedJoin: UnitCost,
    guestJoin: UnitCost,
    keyedMessage: UnitCost,
    keyedDelivery: UnitCost,
    guestMessage: UnitCost,
    guestDelivery: UnitCost,
    ack: UnitCost,
    idleConnectionSecond: UnitCost,
    idleNodeSecond: UnitCost.optional(),
    extraNodePerMessage: UnitCost.optional(),
  }),
  memory: z.object({
    nodeBaseRssBytes: z.number().positive(),
    keyedConnection: MemoryUnit,
    keyedMembership: MemoryUnit,
    guest: MemoryUnit,
    held: z.object({ overheadBytes: MemoryUnit, perTextByte: MemoryUnit }),
  }),
  deliveryFrameBytes: z.object({ keyed: z.number().positive(), guest: z.number().positive() }),
  incomplete: z.array(z.string()),
});
export type StoreCosts = z.infer<typeof StoreCosts>;

/** One window of the check run: a fixed rate ("open") or messages kept in flight ("closed"). */
export const CheckWindow = z.object({
  loop: z.enum(["open", "closed"]),
  offeredPerSecond: z.number().positive().optional(),
  wallSeconds: z.number().positive(),
  messages: z.number().positive(),
  deliveries: z.number().positive(),
  relayCpuSeconds: z.number().nonnegative(),
  redisCpuSeconds: z.number().nonnegative(),
  redisNetInputBytes: z.number(),
  redisNetOutputBytes: z.number(),
});
export type CheckWindow = z.infer<typeof CheckWindow>;

/** The check run (costs-check.ts), for `--check`. */
export const CheckRun = z.object({
  nodes: z.int().positive(),
  rooms: z.int().positive(),
  roomSize: z.int().positive(),
  members: z.int().positive(),
  windows: z.array(CheckWindow).min(1),
  relayRssEmptyBytes: z.number(),
  relayRssBytes: z.number(),
  redisUsedBytes: z.number(),
});
export type CheckRun = z.infer<typeof CheckRun>;

/** What the calculator reads from a results JSON: its date and its `costs`. */
export const CostsFile = z.object({
  profile: z.string(),
  startedAt: z.string(),
  costs: z.object({
    textLength: z.int().positive(),
    redis: z.enum(["private", "shared", "none"]),
    stores: z.array(StoreCosts).min(1),
    check: CheckRun.optional(),
  }),
});
export type CostsFile = z.infer<typeof CostsFile>;

/** Unit costs and the file they came from. */
export interface LoadedCosts {
  readonly path: string;
  readonly file: CostsFile;
  store(kind: "memory" | "redis"): StoreCosts | undefined;
}

/** bench/results, where `pnpm bench` writes. */
export const RESULTS_DIR = fileURLToPath(new URL("../../results/", import.meta.url));

/** A results file the calculator cannot use, and why. */
export class CostsFileError extends Error {
  override readonly name = "CostsFileError";
}

/**
 * Reads unit costs from `path`, or else from the newest results JSON in `dir` that has them (by
 * its `startedAt`), checking them with zod.
 *
 * @example
 * const costs = loadCosts(undefined); // the newest bench/results/*.json with `costs`
 */
export function loadCosts(path: string | undefined, dir = RESULTS_DIR): LoadedCosts {
  const chosen = path ?? newestWithCosts(dir);
  if (!existsSync(chosen)) throw new CostsFileError(`--results: ${chosen} does not exist`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(chosen, "utf8"));
  } catch (error) {
    throw new CostsFileError(`${chosen} is not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  const parsed = CostsFile.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 5).map((issue) => `${issue.path.join(".")}: ${issue.message}`);
    throw new CostsFileError(`${chosen} has no usable unit costs (run pnpm bench --only costs):\n  ${issues.join("\n  ")}`);
  }
  const file = parsed.data;
  return { path: chosen, file, store: (kind) => file.costs.stores.find((store) => store.store === kind) };
}

function newestWithCosts(dir: string): string {
  const candidates = existsSync(dir) ? readdirSync(dir).filter((name) => name.endsWith(".json")) : [];
  let newest: { path: string; startedAt: string } | undefined;
  for (const name of candidates) {
    const path = join(dir, name);
    try {
      const data = JSON.parse(readFileSync(path, "utf8")) as { startedAt?: unknown; costs?: unknown };
      if (typeof data.startedAt !== "string" || typeof data.costs !== "object" || data.costs === null) continue;
      if (newest === undefined || data.startedAt > newest.startedAt) newest = { path, startedAt: data.startedAt };
    } catch {
      // not a results file
    }
  }
  if (newest === undefined) throw new CostsFileError(`no results JSON with unit costs in ${dir}: run pnpm bench --only costs (or pass --results FILE)`);
  return newest.path;
}
