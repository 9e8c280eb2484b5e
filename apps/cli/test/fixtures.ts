import { startTestServer, type TestServer } from "@pigeon/server/testing";
import { createServer } from "node:net";
import { afterEach, beforeEach } from "vitest";
import { killAll } from "./cli-process.js";

/** A real server per test; CLI processes are killed and the server closed after each test. */
export function useServer(): () => TestServer {
  let server: TestServer | undefined;
  beforeEach(async () => {
    server = await startTestServer();
  });
  afterEach(async () => {
    killAll();
    await server?.close();
  });
  return () => {
    if (!server) throw new Error("no server: call inside a test");
    return server;
  };
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
