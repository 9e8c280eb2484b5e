import react from "@vitejs/plugin-react";
import { defaultClientConditions, defineConfig } from "vite";
import { precompress } from "./vite/precompress.js";

// The relay the dev server forwards socket.io to (`pnpm dev` runs it on :3000).
const relay = process.env.PIGEON_DEV_RELAY ?? "http://localhost:3000";

export default defineConfig({
  // precompress: brotli and gzip copies of the build, which the relay sends by Accept-Encoding.
  plugins: [react(), precompress()],
  // "@source" bundles the workspace packages from their TypeScript sources, so neither the dev
  // server nor the build needs them built first.
  resolve: { conditions: ["@source", ...defaultClientConditions] },
  server: {
    port: 5173,
    // Same origin in development as in production, where the relay serves this build at `/`.
    proxy: { "/socket.io": { target: relay, ws: true } },
  },
  build: { outDir: "dist", emptyOutDir: true, target: "es2022" },
});
