import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

// WCAG 2.1 AA asks 4.5:1 for text (axe checks the rendered pages too, in the browser tests;
// this covers every pair of the palette, including states those pages may not show).
const css = readFileSync(new URL("../../src/styles.css", import.meta.url), "utf8");
const variables = new Map([...css.matchAll(/--([\w-]+):\s*(#[0-9a-f]{6})\s*;/giu)].map((match) => [match[1] ?? "", match[2] ?? ""]));

function colour(name: string): string {
  if (name.startsWith("#")) return name;
  const value = variables.get(name);
  if (value === undefined) throw new Error(`styles.css defines no --${name}`);
  return value;
}

function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((start) => {
    const channel = Number.parseInt(hex.slice(start, start + 2), 16) / 255;
    return channel <= 0.039_28 ? channel / 12.92 : ((channel + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * (r ?? 0) + 0.7152 * (g ?? 0) + 0.0722 * (b ?? 0);
}

/** The contrast ratio of two colours (variable names or #rrggbb). */
function contrast(foreground: string, background: string): number {
  const [light, dark] = [luminance(colour(foreground)), luminance(colour(background))].sort((a, b) => b - a);
  return ((light ?? 0) + 0.05) / ((dark ?? 0) + 0.05);
}

// [text, background]: every combination styles.css puts on screen.
const TEXT_PAIRS: [string, string][] = [
  ["text", "surface"],
  ["text", "page"],
  ["text", "surface-sunken"],
  ["text", "bubble-other"],
  ["text-muted", "surface"],
  ["text-muted", "page"],
  ["text-muted", "surface-sunken"],
  ["text-muted", "bubble-other"],
  ["on-accent", "accent"],
  ["on-accent", "accent-hover"],
  ["on-accent-muted", "bubble-own"],
  ["on-accent", "bubble-own"],
  ["accent", "on-accent"],
  ["accent", "surface"],
  ["accent", "surface-sunken"],
  ["on-accent", "danger"],
  ["sidebar-text", "sidebar"],
  ["sidebar-text", "sidebar-raised"],
  ["sidebar-text", "sidebar-active"],
  ["sidebar-muted", "sidebar"],
  ["sidebar-muted", "sidebar-raised"],
  ["on-badge", "badge"],
  ["on-warning", "warning"],
  ["on-away", "away"],
  ["on-away", "surface"],
  ["on-away", "bubble-other"],
  ["on-danger-surface", "danger-surface"],
  ["secure", "secure-surface"],
  ["secure", "surface"],
  ["secure", "page"],
  ["accent", "page"],
  ["on-danger-surface", "surface"],
  ["on-sidebar-danger", "sidebar"],
  ["on-accent", "on-danger-surface"],
];

const AVATARS = [...css.matchAll(/\.avatar-\d \{ background: (#[0-9a-f]{6}); \}/giu)].map((match) => match[1] ?? "");

describe("colour contrast (WCAG AA)", () => {
  it.each(TEXT_PAIRS)("--%s on --%s is at least 4.5:1", (foreground, background) => {
    expect(contrast(foreground, background)).toBeGreaterThanOrEqual(4.5);
  });

  it("gives every avatar colour 4.5:1 against its white initials", () => {
    expect(AVATARS).toHaveLength(8);
    for (const background of AVATARS) expect(contrast("#ffffff", background), background).toBeGreaterThanOrEqual(4.5);
  });

  it("draws focus rings at 3:1 against what they sit on", () => {
    expect(contrast("focus", "surface")).toBeGreaterThanOrEqual(3);
    expect(contrast("focus", "page")).toBeGreaterThanOrEqual(3);
    expect(contrast("focus-on-dark", "sidebar")).toBeGreaterThanOrEqual(3);
  });
});
