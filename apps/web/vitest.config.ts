import { defineConfig } from "vitest/config";

// "@source" resolves workspace packages to their TypeScript sources, so nothing needs a build.
// Three projects: fast unit tests of the state layer (Node, no browser), browser tests that
// build the app once (globalSetup) and drive the machine's Chromium with playwright-core, and
// the measurement script run at tiny scale.
export default defineConfig({
  resolve: { conditions: ["@source"] },
  ssr: { resolve: { conditions: ["@source"] } },
  test: {
    projects: [
      {
        extends: true,
        test: { name: "unit", include: ["src/**/*.test.ts", "test/unit/**/*.test.ts", "vite/**/*.test.ts"], testTimeout: 30_000 },
      },
      {
        extends: true,
        test: {
          name: "browser",
          include: ["test/browser/**/*.test.ts"],
          globalSetup: ["test/browser/harness/global-setup.ts"],
          // One Chromium at a time: the machine has two cores.
          fileParallelism: false,
          testTimeout: 90_000,
          hookTimeout: 120_000,
        },
      },
      {
        extends: true,
        // The measurement script (measure/), at tiny scale: that it still runs.
        test: { name: "measure", include: ["measure/**/*.test.ts"], fileParallelism: false, testTimeout: 240_000 },
      },
    ],
  },
});
