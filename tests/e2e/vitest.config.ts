import { defineConfig } from "vitest/config";

// "@source" resolves workspace packages to their TypeScript sources, so nothing needs a build.
// These tests start server processes and redis-servers: generous timeouts, and files one at a
// time, because every file already loads both cores.
export default defineConfig({
  resolve: { conditions: ["@source"] },
  ssr: { resolve: { conditions: ["@source"] } },
  test: { testTimeout: 120_000, hookTimeout: 60_000, fileParallelism: false },
});
