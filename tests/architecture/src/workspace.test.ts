import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { filesUnder, importsOf, isTest, isTypeScript, ROOT } from "./source-files.js";

const APPS = ["@pigeon/server", "@pigeon/cli", "@pigeon/web"];
const isApp = (specifier: string) => APPS.some((app) => specifier === app || specifier.startsWith(`${app}/`));
const WORKSPACE = ["packages", "apps", "bench", "tests"];

/** `[file, specifier]` for every import in `folders` that `forbidden` flags. */
function offending(folders: string[], forbidden: (specifier: string) => boolean, keep = isTypeScript): string[] {
  return folders.flatMap((folder) =>
    filesUnder(folder, keep).flatMap((file) => importsOf(file).filter(forbidden).map((specifier) => `${file} -> ${specifier}`)),
  );
}

describe("the workspace's import graph", () => {
  it("has no module that imports an app", () => {
    expect(offending(WORKSPACE, isApp)).toEqual([]);
  });

  it("has no library package that depends on an app", () => {
    const libraries = filesUnder("packages", (name) => name === "package.json");
    const dependsOnApp = libraries.filter((file) => {
      const manifest = JSON.parse(readFileSync(join(ROOT, file), "utf8")) as Record<string, Record<string, string> | undefined>;
      const names = ["dependencies", "devDependencies", "peerDependencies"].flatMap((field) => Object.keys(manifest[field] ?? {}));
      return names.some(isApp);
    });
    expect(dependsOnApp).toEqual([]);
  });

  it("keeps the relay and its MLS framing reader away from client-side code: no crypto, no SDK", () => {
    const clientSide = (specifier: string) => specifier.startsWith("@pigeon/crypto") || specifier.startsWith("@pigeon/client");
    // Test fixtures (*.fixture.ts, never built) may make real MLS messages with @pigeon/crypto.
    const production = (name: string) => isTypeScript(name) && !isTest(name) && !name.endsWith(".fixture.ts");
    expect(offending(["packages/relay/src", "packages/mls-framing/src"], clientSide, production)).toEqual([]);
  });

  it("keeps the protocol on zod alone", () => {
    const foreign = (specifier: string) => !specifier.startsWith(".") && specifier !== "zod";
    expect(offending(["packages/protocol/src"], foreign, (name) => isTypeScript(name) && !isTest(name))).toEqual([]);
  });

  it("imports the test harness and vitest only from tests", () => {
    const harness = (specifier: string) => specifier === "vitest" || specifier.startsWith("@pigeon/testing");
    const production = ["packages/protocol/src", "packages/mls-framing/src", "packages/crypto/src", "packages/client/src", "packages/relay/src", "apps/server/src", "apps/cli/src", "apps/web/src"];
    expect(offending(production, harness, (name) => isTypeScript(name) && !isTest(name))).toEqual([]);
  });
});
