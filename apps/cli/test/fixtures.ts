import { startTestServer, type TestServer } from "@pigeon/testing";
import type { RelayConfigInput } from "@pigeon/testing";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach } from "vitest";
import { killAll, setTestEnvironment } from "./cli-process.js";

/**
 * A real server per test and a fresh config directory (PIGEON_CONFIG_DIR, where identity keys
 * go) for the CLI processes it starts; processes are killed, the server closed and the
 * directory removed after each test.
 */
export function useServer(config: RelayConfigInput = {}): () => TestServer {
  let server: TestServer | undefined;
  beforeEach(async () => {
    server = await startTestServer(config);
  });
  afterEach(async () => {
    killAll();
    await server?.close();
  });
  useConfigDir();
  return () => {
    if (!server) throw new Error("no server: call inside a test");
    return server;
  };
}

let configDir: string | undefined;

/** The config directory of the current test's CLI processes. */
export function currentConfigDir(): string {
  if (configDir === undefined) throw new Error("no config directory: call inside a test");
  return configDir;
}

/** A fresh PIGEON_CONFIG_DIR for each test's CLI processes, removed afterwards. */
export function useConfigDir(): void {
  beforeEach(async () => {
    configDir = await mkdtemp(join(tmpdir(), "pigeon-cli-"));
    setTestEnvironment({ PIGEON_CONFIG_DIR: configDir, XDG_CONFIG_HOME: undefined });
  });
  afterEach(async () => {
    setTestEnvironment({});
    if (configDir !== undefined) await rm(configDir, { recursive: true, force: true });
    configDir = undefined;
  });
}

/** The URL of a port that was just free: nothing listens there. */
export async function closedPortUrl(): Promise<string> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const address = probe.address();
  await new Promise<void>((resolve) => probe.close(() => {
    resolve();
  }));
  if (address === null || typeof address === "string") throw new Error("no port");
  return `http://127.0.0.1:${address.port}`;
}
