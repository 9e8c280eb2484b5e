import { defineConfig } from "vitest/config";

// "@source" makes workspace packages (protocol, the test server) resolve to their TypeScript
// sources, so tests never depend on a prior build.
export default defineConfig({
  resolve: { conditions: ["@source"] },
  ssr: { resolve: { conditions: ["@source"] } },
  test: { testTimeout: 20_000 },
});
