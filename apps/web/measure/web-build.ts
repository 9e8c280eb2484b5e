import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "vite";

const webDir = fileURLToPath(new URL("..", import.meta.url));

/** A production build of the web client in a temporary directory. */
export interface WebBuild {
  readonly dir: string;
  /** How long the build took, ms. */
  readonly buildMs: number;
  /** The source maps of the built scripts, by file name (e.g. `index-abc123.js`). */
  mapFor(scriptName: string): string | undefined;
  remove(): Promise<void>;
}

/**
 * Builds the app once, as the browser tests do (apps/web/test/browser/harness/global-setup.ts):
 * Vite's JS API, the app's own vite.config.ts, production mode, into a temporary directory (the
 * real `dist/` is left alone). Source maps are written beside the scripts but not referenced
 * from them ("hidden"), so the scripts are the production ones byte for byte and a CPU profile
 * can still be attributed to source files.
 */
export async function buildWeb(): Promise<WebBuild> {
  const dir = await mkdtemp(join(tmpdir(), "pigeon-measure-dist-"));
  const started = Date.now();
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = "production";
  try {
    await build({
      root: webDir,
      configFile: join(webDir, "vite.config.ts"),
      mode: "production",
      logLevel: "warn",
      build: { outDir: dir, emptyOutDir: true, sourcemap: "hidden" },
    });
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  } finally {
    process.env.NODE_ENV = nodeEnv;
  }
  const buildMs = Date.now() - started;
  const assets = await readdir(join(dir, "assets")).catch(() => [] as string[]);
  return {
    dir,
    buildMs,
    mapFor: (scriptName) => (assets.includes(`${scriptName}.map`) ? join(dir, "assets", `${scriptName}.map`) : undefined),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
