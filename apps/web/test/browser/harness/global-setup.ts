import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "vite";
import type { TestProject } from "vitest/node";
import { CHROMIUM_PATH } from "./chromium.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** The production build the browser tests load. */
    webDist: string;
    /** Why the browser tests are skipped, or "" when they run. */
    skipReason: string;
  }
}

const webDir = fileURLToPath(new URL("../../..", import.meta.url));

/**
 * Builds the app once for every browser test file, into a temporary directory (the real
 * `dist/` is left alone). Without Chromium the tests are skipped with a reason, except in CI
 * (CI=true), where a missing browser is a failure.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (!existsSync(CHROMIUM_PATH)) {
    const reason = `no Chromium at ${CHROMIUM_PATH} (apt-get install -y chromium)`;
    if (process.env.CI === "true") throw new Error(`browser tests need Chromium in CI: ${reason}`);
    console.warn(`browser tests skipped: ${reason}`);
    project.provide("skipReason", reason);
    project.provide("webDist", "");
    return () => Promise.resolve();
  }
  const outDir = await mkdtemp(join(tmpdir(), "pigeon-web-dist-"));
  const started = Date.now();
  // Vitest sets NODE_ENV=test, which would make Vite bundle React's development build.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = "production";
  try {
    await build({
      root: webDir,
      configFile: join(webDir, "vite.config.ts"),
      mode: "production",
      logLevel: "warn",
      build: { outDir, emptyOutDir: true },
    });
  } finally {
    process.env.NODE_ENV = nodeEnv;
  }
  console.info(`built the web client for the browser tests in ${Date.now() - started} ms`);
  project.provide("skipReason", "");
  project.provide("webDist", outDir);
  return async () => {
    await rm(outDir, { recursive: true, force: true });
  };
}
