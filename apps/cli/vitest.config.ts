import { defineConfig } from "vitest/config";

// "@source" makes workspace packages resolve to their TypeScript sources in the test process
// itself. The CLI runs as a child process from its build (see test/cli-process.ts), which
// test/global-setup.ts brings up to date first.
export default defineConfig({
  resolve: { conditions: ["@source"] },
  ssr: { resolve: { conditions: ["@source"] } },
  test: { globalSetup: ["./test/global-setup.ts"], testTimeout: 30_000, hookTimeout: 30_000 },
});
