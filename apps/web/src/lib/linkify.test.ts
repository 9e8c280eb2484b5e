import { describe, expect, it } from "vitest";
import { linkify } from "./linkify.js";

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
