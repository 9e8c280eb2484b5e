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
}

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
