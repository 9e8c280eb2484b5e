import { defineConfig } from "vitest/config";

// "@source" resolves workspace packages to their TypeScript sources, so tests need no build.
// The smoke tests start real server processes: generous timeouts, one file at a time.
export default defineConfig({
  resolve: { conditions: ["@source"] },
  ssr: { resolve: { conditions: ["@source"] } },
  test: { testTimeout: 60_000, hookTimeout: 60_000, fileParallelism: false },
});
