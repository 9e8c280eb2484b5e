import { describe, expect, it } from "vitest";
import { nameKey } from "./name-key.js";

describe("nameKey", () => {
  it("gives look-alikes of a name its key: other scripts, dotless i, fullwidth, case, rn for m", () => {
    const alice = nameKey("alice");
    for (const lookAlike of [
      "\u0430lice", // Cyrillic а
      "alic\u0435", // Cyrillic е
      "al\u0456ce", // Cyrillic і
      "al\u0131ce", // dotless ı
      "\u03B1lice", // Greek α
      "\uFF41\uFF4C\uFF49\uFF43\uFF45", // fullwidth
      "ALICE",
      "Alice",
      "\u0410LICE", // Cyrillic А
      "\u13AAlice", // Cherokee Ꭺ
      "a1ice",
    ]) {
      expect(nameKey(lookAlike), lookAlike).toBe(alice);
    }
    expect(nameKey("b\u03BFb")).toBe(nameKey("bob")); // Greek ο
    expect(nameKey("b\u043Eb")).toBe(nameKey("bob")); // Cyrillic о
    expect(nameKey("b0b")).toBe(nameKey("bob"));
    expect(nameKey("rnallory")).toBe(nameKey("mallory"));
  });

  it("ignores default-ignorable code points, as UTS #39's skeleton does", () => {
    expect(nameKey("al\u200Bice")).toBe(nameKey("alice"));
    expect(nameKey("alice\uFE0F")).toBe(nameKey("alice"));
  });

  it("keeps names apart that do not look alike", () => {
    const keys = ["alice", "alicia", "bob", "zoë", "zoe", "josé", "Анна", "anna", "al ice", "al-ice"].map(nameKey);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it("keeps the case-folded key of names without confusable characters, so stored data stays theirs", () => {
    for (const name of ["alice", "Tom", "mallory", "Emma", "José", "zoë", "Müller", "O'Brien", "mary-jane", "a_b c.d", "Ian"]) {
      expect(nameKey(name), name).toBe(name.normalize("NFKC").toLowerCase());
    }
  });

  it("gives the same key every time, cached or not", () => {
    const long = "\u0430".repeat(100);
    expect(nameKey(long)).toBe("a".repeat(100));
    expect(nameKey(long)).toBe(nameKey("a".repeat(100)));
    expect(nameKey("\u0430lice")).toBe(nameKey("\u0430lice"));
  });
});
