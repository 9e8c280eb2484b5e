import { defineConfig } from "vitest/config";

// "@source" makes workspace packages resolve to their TypeScript sources, so tests never
// depend on a prior build. The CLI itself runs as a child process (see test/cli-process.ts).
export default defineConfig({
  resolve: { conditions: ["@source"] },
  ssr: { resolve: { conditions: ["@source"] } },
  test: { testTimeout: 30_000, hookTimeout: 30_000 },
});
