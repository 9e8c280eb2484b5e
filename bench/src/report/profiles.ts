import { readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { profiledTags } from "../servers/profiling.js";
import { profileMarkdown, summariseCpuProfileFile } from "./cpu-profile.js";

const TOP_FUNCTIONS = 30;
// node --cpu-prof names files CPU.<date>.<time>.<pid>.<thread>.<sequence>.cpuprofile.
const PROFILE_FILE = /^CPU\.\d+\.\d+\.(\d+)\.\d+\.\d+\.cpuprofile$/;

/**
 * Summarises every CPU profile the run's Pigeon processes wrote (measurement windows only) into
 * one markdown file beside them, and returns its path (undefined when nothing was profiled).
 * The .cpuprofile files themselves open in Chrome DevTools or speedscope as flame graphs.
 *
 * @example
 * const summary = writeProfileSummaries("bench/results/profiles");
 */
export function writeProfileSummaries(profilesDir: string): string | undefined {
  const sections: string[] = [];
  for (const { tag, dir, windowOf } of profiledTags()) {
    for (const file of readdirSync(dir).sort()) {
      const pid = PROFILE_FILE.exec(file)?.[1];
      if (pid === undefined) continue;
      const window = windowOf(Number(pid));
      const title = `${tag} (pid ${pid}${window ? ", measurement window only" : ", whole run"}): ${join(tag, file)}`;
      sections.push(profileMarkdown(title, summariseCpuProfileFile(join(dir, file), TOP_FUNCTIONS, window)));
    }
  }
  if (sections.length === 0) return undefined;
  const path = join(profilesDir, "summary.md");
  writeFileSync(path, `### Pigeon CPU profiles\n\n${sections.join("\n\n")}\n`);
  return path;
}
