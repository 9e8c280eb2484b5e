/** What any server launcher takes. */
export interface LaunchOptions {
  /** Extra Node flags, e.g. `--cpu-prof` for a profile. */
  readonly nodeFlags?: readonly string[];
  /** Extra environment variables. */
  readonly env?: Readonly<Record<string, string>>;
  /** Core to pin to (default: the server core). */
  readonly core?: number;
  /** Names the run, e.g. "fanout-guest-100": where a CPU profile goes when profiling. */
  readonly tag?: string;
  /** Pigeon only (baselines have none): how its rate limits are set; see servers/pigeon.ts. */
  readonly limits?: PigeonLimits;
}

/**
 * Pigeon's rate limits in a run: `unrefusing` (every row but the floods: checked, but too high
 * ever to refuse), `defaults` (as shipped: the floods), `off` (checks replaced by no-ops, to
 * measure what `unrefusing` costs).
 */
export type PigeonLimits = "unrefusing" | "defaults" | "off";

/**
 * The environment a server process gets: only PATH and HOME from the harness (so that no
 * NODE_OPTIONS or test runner variables make servers differ), the address, and `extra`.
 */
export function serverEnv(port: number, extra: Readonly<Record<string, string>> = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: process.env.HOME ?? "/tmp",
    PORT: String(port),
    HOST: "127.0.0.1",
    ...extra,
  };
}

/** What a Pigeon with its limits off prints as it starts (servers/no-limits.ts), so a run can tell. */
export const LIMITS_OFF_MARK = "BENCH_LIMITS_OFF";
