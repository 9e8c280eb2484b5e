import { describe, expect, it } from "vitest";
import { foldedParts, isFoldable, linkify } from "./linkify.js";

const links = (text: string) => linkify(text).flatMap((part) => (part.kind === "link" ? [part.href] : []));

describe("linkify", () => {
  it("makes links of http, https and mailto addresses, and gives back the text around them", () => {
    expect(linkify("see https://example.com/a?b=1#c and http://x.test, or mailto:ops@example.com")).toEqual([
      { kind: "text", text: "see " },
      { kind: "link", text: "https://example.com/a?b=1#c", href: "https://example.com/a?b=1#c" },
      { kind: "text", text: " and " },
      { kind: "link", text: "http://x.test", href: "http://x.test/" },
      { kind: "text", text: ", or " },
      { kind: "link", text: "mailto:ops@example.com", href: "mailto:ops@example.com" },
    ]);
  });

  it("leaves every other scheme as text", () => {
    for (const text of ["javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,<script>alert(1)</script>", "file:///etc/passwd", "vbscript:x", "ftp://example.com"]) {
      expect(linkify(`x ${text}`)).toEqual([{ kind: "text", text: `x ${text}` }]);
    }
    // A scheme inside another word is not an address.
    expect(links("javascript:https://example.com")).toEqual(["https://example.com/"]);
    expect(links("https:// and http:/// and mailto:")).toEqual([]);
  });

  it("leaves out the punctuation that ends a sentence, and brackets opened before the address", () => {
    expect(links("Look: https://example.com/page.")).toEqual(["https://example.com/page"]);
    expect(links("https://example.com/a, https://example.com/b; https://example.com/c!?")).toEqual([
      "https://example.com/a",
      "https://example.com/b",
      "https://example.com/c",
    ]);
    expect(links("(see https://example.com/docs)")).toEqual(["https://example.com/docs"]);
    expect(links("[https://example.com/x]")).toEqual(["https://example.com/x"]);
    expect(links('"https://example.com/q"')).toEqual(["https://example.com/q"]);
  });

  it("keeps brackets that are balanced inside the address", () => {
    expect(links("https://en.wikipedia.org/wiki/Pigeon_(bird).")).toEqual(["https://en.wikipedia.org/wiki/Pigeon_(bird)"]);
    expect(links("(https://en.wikipedia.org/wiki/Pigeon_(bird))")).toEqual(["https://en.wikipedia.org/wiki/Pigeon_(bird)"]);
  });

  it("joins back to the text exactly, markup included", () => {
    const text = "<b>hi</b> & https://example.com/?a=<x> \"quoted\" https://example.com/x). end";
    expect(linkify(text).map((part) => part.text).join("")).toBe(text);
    expect(linkify("")).toEqual([]);
  });
});

describe("foldedParts", () => {
  const words = (count: number) => Array.from({ length: count }, (_, index) => `word${index}`).join(" ");

  it("folds only long messages, by characters or by lines", () => {
    expect(isFoldable("x".repeat(700))).toBe(false);
    expect(isFoldable("x".repeat(701))).toBe(true);
    expect(isFoldable(Array.from({ length: 12 }, () => "line").join("\n"))).toBe(false);
    expect(isFoldable(Array.from({ length: 13 }, () => "line").join("\n"))).toBe(true);
  });

  it("shows about the first 300 characters, cut after a whole word, then an ellipsis", () => {
    const text = words(200);
    const [shown, ...rest] = foldedParts(linkify(text));
    expect(rest).toEqual([]);
    const kept = (shown?.text ?? "").slice(0, -1);
    expect(shown?.text.endsWith("…")).toBe(true);
    expect(kept.length).toBeLessThanOrEqual(300);
    expect(kept.length).toBeGreaterThan(290);
    expect(text.startsWith(`${kept} `)).toBe(true);
  });

  it("shows at most 8 lines", () => {
    const text = Array.from({ length: 20 }, (_, index) => `line ${index}`).join("\n");
    expect(foldedParts(linkify(text)).map(({ text: part }) => part).join("")).toBe(`${text.split("\n").slice(0, 8).join("\n")}…`);
  });

  it("keeps a link that starts before the cut whole, and drops those after it", () => {
    const link = `https://example.com/${"a".repeat(80)}`;
    const text = `${"x ".repeat(140)}${link} ${words(100)} https://example.com/later`;
    const shown = foldedParts(linkify(text));
    expect(shown.filter(({ kind }) => kind === "link").map(({ text: part }) => part)).toEqual([link]);
    expect(shown.at(-1)).toEqual({ kind: "text", text: "…" });
  });
});
