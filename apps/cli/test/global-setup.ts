import type { TestProject } from "vitest/node";
import { buildIfStale } from "../bin/build-if-stale.js";

/**
 * The process tests run the built CLI (dist/), as users do; it is rebuilt here, before the
 * first run and before each rerun in watch mode, whenever its sources changed, so that no
 * test depends on a manual build.
 */
export default function setup(project: TestProject): void {
  build();
  project.onTestsRerun(build);
}

function build(): void {
  if (!buildIfStale()) throw new Error("could not build the CLI (turbo's output is above)");
}
