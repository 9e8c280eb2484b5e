import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * Where the tests save the README's screenshots: docs/screenshots/ at the repository root, or
 * PIGEON_SCREENSHOTS_DIR.
 */
export function screenshotPath(name: string): string {
  const dir = process.env.PIGEON_SCREENSHOTS_DIR ?? fileURLToPath(new URL("../../../../../docs/screenshots", import.meta.url));
  mkdirSync(dir, { recursive: true });
  return join(dir, name);
}
