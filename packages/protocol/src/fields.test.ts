import { describe, expect, it } from "vitest";
import { Name } from "./fields.js";

/** The first reason `Name` gives for refusing `input`, or undefined when it accepts it. */
function refusal(input: string): string | undefined {
  return Name.safeParse(input).error?.issues[0]?.message;
}

describe("Name", () => {
  it("accepts letters and digits of any script, with spaces and _ . ' - inside", () => {
    for (const name of ["alice", "Zoë", "Анна", "김민준", "O'Brien", "mary-jane", "bob 2"]) expect(refusal(name)).toBeUndefined();
  });

  it("refuses names made only of Hangul fillers, though Unicode counts them as letters, saying which character", () => {
    for (const [name, code] of [
      ["\u3164", "U+3164"],
      ["\u3164\u3164\u3164", "U+3164"],
      ["\u115F", "U+115F"],
      ["\u1160", "U+1160"],
      ["\uFFA0", "U+FFA0"],
    ] as const) {
      expect(refusal(name)).toBe(`name must not contain invisible characters (Unicode default-ignorable code points): ${code} is one`);
    }
  });

  it("refuses invisible and default-ignorable code points anywhere in a name", () => {
    const invisible = ["\u200B", "\u200C", "\u200D", "\u200E", "\u200F", "\u2060", "\u2064", "\uFE00", "\uFE0F", "\u00AD", "\u034F", "\u180E", "\u{E0041}", "\u{E0100}"];
    for (const char of invisible) {
      const code = `U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0")}`;
      for (const name of [`al${char}ice`, `alice${char}`, `a\u3164${char}`]) {
        expect(refusal(name)).toMatch(/^name must not contain invisible characters \(Unicode default-ignorable code points\)/);
      }
      expect(refusal(`al${char}ice`)).toContain(`${code} is one`);
    }
  });
});
