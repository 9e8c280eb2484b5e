import { defineConfig } from "vitest/config";

// "@source" makes workspace packages resolve to their TypeScript sources, so tests never
// depend on a prior build.
export default defineConfig({
  resolve: { conditions: ["@source"] },
  ssr: { resolve: { conditions: ["@source"] } },
});
