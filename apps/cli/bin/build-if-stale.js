// @ts-check
// Plain JavaScript, not TypeScript: it runs before anything is built.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, realpathSync, statSync, utimesSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";

const CLI_DIR = dirname(dirname(fileURLToPath(import.meta.url)));
/** What bin/pigeon.js runs. */
const CLI_ENTRY = join(CLI_DIR, "dist", "main.js");
// Changing a test changes nothing that runs, so it triggers no build.
const TEST_FILE = /\.test(-d)?\.ts$/u;

/**
 * Builds the CLI and the workspace packages it runs (their `dist/`) when one of them has no
 * build yet or sources newer than it, so that `pigeon` runs plain JavaScript without anyone
 * having to remember `pnpm build`. Turbo's output is shown only if the build fails. Outside a
 * source checkout (no `src/` beside `dist/`) it does nothing.
 *
 * @example
 * if (!buildIfStale()) process.exit(1);
 * @returns {boolean} false when a build was needed and failed (its output is then on stderr)
 */
export function buildIfStale() {
  const root = workspaceRoot(CLI_DIR);
  if (root === undefined || !existsSync(join(CLI_DIR, "src"))) return true;
  const packages = workspacePackages(CLI_DIR);
  if (existsSync(CLI_ENTRY) && !packages.some(isStale)) return true;
  if (process.stderr.isTTY) process.stderr.write("pigeon: building from source…\n");
  const turbo = createRequire(join(root, "package.json")).resolve("turbo/bin/turbo");
  const filter = `--filter=${manifest(CLI_DIR).name ?? "@pigeon/cli"}...`;
  const startedAt = new Date();
  const result = spawnSync(process.execPath, [turbo, "run", "build", filter, "--output-logs=errors-only"], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, TURBO_TELEMETRY_DISABLED: "1" },
  });
  if (result.status === 0) {
    // Turbo leaves outputs alone when only a timestamp changed (a touched file, a checkout), so
    // each dist/ is marked built as of the start of this build; later edits still count.
    for (const dir of packages) {
      const dist = join(dir, "dist");
      if (existsSync(dist)) utimesSync(dist, startedAt, startedAt);
    }
    return true;
  }
  process.stderr.write(`${result.stdout}${result.stderr}pigeon: the build failed (turbo run build ${filter}), see above\n`);
  return false;
}

/**
 * @param {string} dir
 * @returns {string | undefined} the nearest folder at or above `dir` with a pnpm-workspace.yaml
 */
function workspaceRoot(dir) {
  for (let current = dir; ; current = dirname(current)) {
    if (existsSync(join(current, "pnpm-workspace.yaml"))) return current;
    if (dirname(current) === current) return undefined;
  }
}

/** @typedef {{ name?: string, dependencies?: Record<string, string>, exports?: unknown }} Manifest */

/**
 * @param {string} dir
 * @returns {Manifest}
 */
function manifest(dir) {
  /** @type {unknown} */
  const parsed = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  return /** @type {Manifest} */ (parsed);
}

/**
 * @param {string} dir
 * @returns {string[]} `dir` and the folders of the workspace packages it depends on at run time, transitively
 */
function workspacePackages(dir) {
  /** @type {Set<string>} */
  const found = new Set();
  /** @param {string} current */
  const visit = (current) => {
    if (found.has(current)) return;
    found.add(current);
    for (const [name, spec] of Object.entries(manifest(current).dependencies ?? {})) {
      const link = join(current, "node_modules", name);
      if (spec.startsWith("workspace:") && existsSync(link)) visit(realpathSync(link));
    }
  };
  visit(dir);
  return [...found];
}

/**
 * @param {string} dir
 * @returns {boolean} whether the package's `dist/` lacks a file it exports, or sources changed since it was built
 */
function isStale(dir) {
  const built = newestChange(join(dir, "dist"));
  if (built === undefined) return true;
  if (exportedPaths(manifest(dir).exports).some((path) => !existsSync(join(dir, path)))) return true;
  const configs = readdirSync(dir).filter((name) => /^(package|tsconfig.*)\.json$/u.test(name));
  return [join(dir, "src"), ...configs.map((name) => join(dir, name))].some((path) => (newestChange(path) ?? 0) > built);
}

/**
 * @param {unknown} exports a package.json `exports` field
 * @returns {string[]} every path it names under `./dist/`
 */
function exportedPaths(exports) {
  if (typeof exports === "string") return exports.startsWith("./dist/") ? [exports] : [];
  if (typeof exports === "object" && exports !== null) return Object.values(exports).flatMap(exportedPaths);
  return [];
}

/**
 * @param {string} path
 * @returns {number | undefined} the latest modification time (ms) of `path` and, for a folder,
 *   of everything under it; a folder's own time covers files deleted from it
 */
function newestChange(path) {
  if (!existsSync(path)) return undefined;
  const stats = statSync(path);
  if (!stats.isDirectory()) return stats.mtimeMs;
  let newest = stats.mtimeMs;
  for (const entry of readdirSync(path)) {
    if (TEST_FILE.test(entry)) continue;
    newest = Math.max(newest, newestChange(join(path, entry)) ?? 0);
  }
  return newest;
}
