// The only file with side effects: read configuration, listen, handle signals.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { ZodError } from "zod";
import { createRelay } from "@pigeon/relay";
import { watchAncestors } from "./ancestry.js";
import { loadConfig, usage, type ServerConfig } from "./config.js";
import { createLogger } from "./logger.js";

function readConfig(): ServerConfig {
  if (process.argv.includes("--help")) {
    process.stdout.write(`${usage()}\n`);
    process.exit(0);
  }
  try {
    return loadConfig(process.argv.slice(2), process.env);
  } catch (error) {
    const detail =
      error instanceof ZodError
        ? error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ")
        : String(error);
    process.stderr.write(`pigeon-server: bad configuration: ${detail}\n\n${usage()}\n`);
    process.exit(2);
  }
}

/** How often --exit-with-parent checks that the process that started this one is still there. */
const PARENT_CHECK_MS = 500;

const config = readConfig();
const logger = createLogger(config);
const httpServer = createServer();
const relay = await createRelay(httpServer, config, { logger });
if (relay.metricsPort !== undefined) {
  logger.info({ metricsPort: relay.metricsPort, metricsHost: config.metricsHost }, `metrics on http://${config.metricsHost}:${String(relay.metricsPort)}/metrics`);
}

httpServer.on("error", (error) => {
  logger.fatal({ err: error }, "server failed to start");
  process.exit(1);
});
httpServer.listen(config.port, config.host, () => {
  // With port 0 the OS picks the port: report the one actually bound.
  const { port } = httpServer.address() as AddressInfo;
  const shown = config.host === undefined || config.host === "0.0.0.0" || config.host === "::" ? "localhost" : config.host;
  logger.info({ port, host: config.host, store: config.store }, `Pigeon listening on http://${shown}:${port}`);
});

let stopping = false;
function shutdown(signal: NodeJS.Signals | "parent gone"): void {
  if (stopping) return;
  stopping = true;
  // The deadline comes first: nothing after it, a failing log write included, can keep the
  // process alive past the grace period.
  const timer = setTimeout(() => {
    process.exitCode = 1;
    logger.warn({ graceMs: config.shutdownGraceMs }, "shutdown grace period over; exiting");
    process.exit(1);
  }, config.shutdownGraceMs);
  timer.unref();
  logger.info({ signal }, "shutting down");
  relay.close().then(
    () => {
      logger.info("stopped");
      process.exit(0);
    },
    (error: unknown) => {
      logger.error({ err: error }, "shutdown failed");
      process.exit(1);
    },
  );
}
process.on("SIGTERM", shutdown);
process.on("SIGINT", shutdown);

// pnpm (and npx before it) does not pass SIGTERM on: `pnpm start` stopped by a supervisor would
// leave the relay running with nobody to stop it. With --exit-with-parent it shuts down as on
// SIGTERM once a process that started it goes away.
if (config.exitWithParent) watchAncestors(() => {
  shutdown("parent gone");
}, PARENT_CHECK_MS);
