import { defineConfig } from "vitest/config";

// "@source" resolves workspace packages to their TypeScript sources, so nothing needs a build.
// Two projects: fast unit tests of the state layer (Node, no browser), and browser tests that
// build the app once (globalSetup) and drive the machine's Chromium with playwright-core.
export default defineConfig({
  resolve: { conditions: ["@source"] },
  ssr: { resolve: { conditions: ["@source"] } },
  test: {
    projects: [
      {
        extends: true,
        test: { name: "unit", include: ["src/**/*.test.ts", "test/unit/**/*.test.ts"], testTimeout: 30_000 },
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
    ],
  },
});
