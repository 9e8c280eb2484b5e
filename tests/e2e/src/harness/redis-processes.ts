// redis-servers of a test's own (for outages and a Cluster), from the server's test helpers.
import { execFile } from "node:child_process";
import { promisify } from "node:util";

export {
  startRedisCluster,
  startRedisServer,
  type RedisClusterProcesses,
  type RedisServerProcess,
} from "@pigeon/server/testing";

/**
 * Whether `redis-server` and `redis-cli` run here (a Cluster needs both). With `CI=true` their
 * absence throws instead, so that these tests never silently stop running in CI.
 *
 * @example
 * const tools = await redisToolsInstalled();
 */
export async function redisToolsInstalled(): Promise<boolean> {
  const run = promisify(execFile);
  try {
    await Promise.all([run("redis-server", ["--version"]), run("redis-cli", ["--version"])]);
    return true;
  } catch (error) {
    if (process.env.CI === "true") throw new Error("CI=true: these tests need redis-server and redis-cli on the PATH", { cause: error });
    return false;
  }
}
