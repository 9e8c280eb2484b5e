import { describe, expect, it } from "vitest";
import { filesUnder, importsOf, isTest, isTypeScript, resolveRelative } from "./source-files.js";

const RELAY = "packages/relay/src";

/**
 * The relay's rooms, lowest first. A module may import from its own room and the rooms below
 * it, never from a room above: the stack the README's development section describes.
 */
const LAYERS: readonly (readonly string[])[] = [
  ["config.ts", "logger.ts", "errors.ts"],
  ["store", "limits"],
  ["metrics"],
  ["context.ts"],
  ["auth"],
  ["membership"],
  ["delivery"],
  ["handlers"],
  ["transport"],
  ["relay.ts", "index.ts"],
];

/** The layer of a root-relative relay file: by its top-level folder or file name under src/. */
function layerOf(file: string): number {
  const top = file.slice(RELAY.length + 1).split("/")[0] ?? "";
  return LAYERS.findIndex((layer) => layer.includes(top));
}

const modules = filesUnder(RELAY, (name) => isTypeScript(name) && !isTest(name));
const edges = new Map(
  modules.map((file) => [file, importsOf(file).filter((specifier) => specifier.startsWith(".")).map((specifier) => resolveRelative(file, specifier))]),
);

describe("the relay's import graph", () => {
  it("puts every module in a room of the stack", () => {
    expect(modules.filter((file) => layerOf(file) === -1)).toEqual([]);
  });

  it("never imports upward", () => {
    const upward = [...edges].flatMap(([file, targets]) =>
      targets.filter((target) => layerOf(target) > layerOf(file)).map((target) => `${file} -> ${target}`),
    );
    expect(upward).toEqual([]);
  });

  it("has no cycle", () => {
    const cycles: string[] = [];
    const state = new Map<string, "open" | "done">();
    const visit = (file: string, path: string[]): void => {
      if (state.get(file) === "done") return;
      if (state.get(file) === "open") {
        cycles.push([...path.slice(path.indexOf(file)), file].join(" -> "));
        return;
      }
      state.set(file, "open");
      for (const target of edges.get(file) ?? []) visit(target, [...path, file]);
      state.set(file, "done");
    };
    for (const file of modules) visit(file, []);
    expect(cycles).toEqual([]);
  });
});
