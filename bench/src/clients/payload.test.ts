import { describe, expect, it } from "vitest";
import { CHAT_TEXT_LENGTH, chatText, scheduledMicrosOf } from "./payload.js";

describe("chat payload", () => {
  it("has the same length whatever the time, and carries the time back", () => {
    for (const micros of [0, 42, 123_456_789_012]) {
      const text = chatText(micros);
      expect(text).toHaveLength(CHAT_TEXT_LENGTH);
      expect(scheduledMicrosOf(text)).toBe(micros);
    }
  });

  it("finds no time in other text", () => {
    expect(scheduledMicrosOf("hello")).toBeUndefined();
    expect(scheduledMicrosOf("abc:def")).toBeUndefined();
  });
});
