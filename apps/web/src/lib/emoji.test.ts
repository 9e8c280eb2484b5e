import { describe, expect, it } from "vitest";
import { isEmojiOnly } from "./emoji.js";

describe("isEmojiOnly", () => {
  it("is true for one to three emoji, as seen: skin tones, families, flags and keycaps are one each", () => {
    for (const text of ["👍", "👍🏽", "❤️", "😀😀😀", "😀 😀", " 🎉 ", "👨‍👩‍👧", "👩🏽‍💻", "🏳️‍🌈", "🇫🇷", "🇫🇷🇩🇪", "1️⃣", "🏴󠁧󠁢󠁳󠁣󠁴󠁿", "👨‍👩‍👧🇫🇷"]) {
      expect(isEmojiOnly(text), text).toBe(true);
    }
  });

  it("is false with words, digits or symbols that are text, more than three emoji, or nothing", () => {
    for (const text of ["ok 👍", "👍!", "1", "123", "©", "™", "#", "😀😀😀😀", "👍🏽👍🏽👍🏽👍🏽", "", "   ", ":)", "🇫"]) {
      expect(isEmojiOnly(text), text).toBe(false);
    }
  });
});
