import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

/** The repository's root folder. */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");

const SKIPPED = new Set(["node_modules", "dist", ".turbo", "results"]);

/** Every file under `folder` (relative to the root) whose name passes `keep`, as root-relative paths. */
export function filesUnder(folder: string, keep: (name: string) => boolean): string[] {
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
      if (SKIPPED.has(entry.name)) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (keep(entry.name)) found.push(path);
    }
  };
  walk(folder);
  return found.sort();
}

/** Whether a file name is TypeScript source (tests included). */
export const isTypeScript = (name: string): boolean => /\.tsx?$/.test(name) && !name.endsWith(".d.ts");

/** Whether a file name is a test or a type test. */
export const isTest = (name: string): boolean => /\.test(-d)?\.tsx?$/.test(name);

/** The module specifiers a file imports or re-exports, as the TypeScript compiler reads them. */
export function importsOf(file: string): string[] {
  const { importedFiles } = ts.preProcessFile(readFileSync(join(ROOT, file), "utf8"), true, true);
  return importedFiles.map(({ fileName }) => fileName);
}

/** A relative specifier of `file` resolved to a root-relative `.ts` path. */
export function resolveRelative(file: string, specifier: string): string {
  return relative(ROOT, resolve(ROOT, dirname(file), specifier.replace(/\.js$/, ".ts")));
}
