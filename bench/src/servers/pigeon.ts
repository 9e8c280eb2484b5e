import { existsSync } from "node:fs";
import { join } from "node:path";
import { serverEnv, type LaunchOptions } from "./launch-options.js";
import { pigeonProfileFlags } from "./profiling.js";
import { baseNodeFlags, freePort, FROM_SOURCE, harnessModule, REPO_ROOT, startNodeServer, type ServerProcess } from "./process.js";

const DIST_MAIN = join(REPO_ROOT, "apps/server/dist/main.js");
const SOURCE_MAIN = join(REPO_ROOT, "apps/server/src/main.ts");

/**
 * The Pigeon entry point to run: the repository's build, or `BENCH_PIGEON_MAIN` (a main.js of
 * a patched copy, to try a fix against the same baselines in the same harness).
 */
function pigeonEntry(): string[] {
  const override = process.env.BENCH_PIGEON_MAIN;
  if (override !== undefined && override !== "") {
    if (!existsSync(override)) throw new Error(`BENCH_PIGEON_MAIN=${override} does not exist`);
    return [override];
  }
  if (FROM_SOURCE) return ["--conditions=@source", SOURCE_MAIN];
  if (!existsSync(DIST_MAIN)) throw new Error(`${DIST_MAIN} is missing: build first (pnpm --filter @pigeon/server... build)`);
  return [DIST_MAIN];
}

/**
 * The benchmark's clients all come from 127.0.0.1 and send far faster than people: the limits
 * stay on (their cost is part of what is measured) but high enough never to refuse.
 */
const UNREFUSING_LIMITS = {
  PIGEON_EVENTS_PER_SECOND: "1000000000",
  PIGEON_EVENT_BURST: "1000000000",
  PIGEON_HANDSHAKES_PER_MINUTE: "1000000000",
  PIGEON_SESSIONS_PER_ADDRESS: "1000000000",
  PIGEON_LOGINS_PER_MINUTE: "1000000000",
  PIGEON_LOGINS_PER_NAME_PER_MINUTE: "1000000000",
  PIGEON_NEW_IDENTITIES_PER_HOUR: "1000000000",
  PIGEON_MESSAGES_PER_MINUTE: "1000000000",
  PIGEON_GUEST_MESSAGES_PER_MINUTE: "1000000000",
  // Idle rows hold connections that never log in, and loaded rows can fall behind for a while.
  PIGEON_LOGIN_DEADLINE_MS: "86400000",
  PIGEON_MAX_SEND_BUFFER_BYTES: "1000000000000",
};

/**
 * Starts a Pigeon server process as `pnpm start` would: the built `apps/server/dist/main.js`
 * (from source under tsx when the harness itself runs from source, as in tests), on
 * 127.0.0.1, quiet (LOG_LEVEL=warn), with limits that never refuse (`limits: "unrefusing"`,
 * the default; `"defaults"` runs the shipped limits, `"off"` replaces their checks by no-ops),
 * pinned to the server core. `env` adds Pigeon settings such as PIGEON_STORE=redis.
 *
 * @example
 * const pigeon = await startPigeon({ env: { PIGEON_STORE: "redis", PIGEON_REDIS_PREFIX: "bench-1" } });
 */
export async function startPigeon(options: LaunchOptions & { readonly label?: string } = {}): Promise<ServerProcess> {
  const entry = pigeonEntry();
  const port = await freePort();
  const profileFlags = pigeonProfileFlags(options.tag ?? "pigeon");
  const limits = options.limits ?? "unrefusing";
  const limitFlags = limits === "off" ? ["--import", harnessModule("./no-limits.ts")] : [];
  return startNodeServer({
    label: options.label ?? "Pigeon",
    nodeArgs: [...baseNodeFlags(), ...limitFlags, ...profileFlags, ...(options.nodeFlags ?? []), ...entry],
    gracefulKill: profileFlags.length > 0,
    env: serverEnv(port, { LOG_LEVEL: "warn", ...(limits === "defaults" ? {} : UNREFUSING_LIMITS), ...options.env }),
    port,
    ...(options.core === undefined ? {} : { core: options.core }),
  });
}
