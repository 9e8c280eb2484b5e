// @ts-check
// Builds dist/: the CLI bundled with its dependencies into a few ES modules (one per lazily
// loaded command), because resolving and linking hundreds of small modules was most of the
// CLI's startup. Types are checked by `pnpm typecheck`, not here.
import { chmod, rm } from "node:fs/promises";
import { build } from "esbuild";

await rm("dist", { recursive: true, force: true });
await build({
  entryPoints: ["src/main.ts"],
  outdir: "dist",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  sourcemap: true,
  logLevel: "warning",
  // Bundled CommonJS dependencies (ws, under socket.io-client) call require() for Node's modules.
  banner: { js: "import { createRequire as __pigeonRequire } from 'node:module'; const require = __pigeonRequire(import.meta.url);" },
});
await chmod("dist/main.js", 0o755);
