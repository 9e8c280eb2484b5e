import { describe, expect, it } from "vitest";
import { messageId } from "./message-id.js";

describe("messageId", () => {
  it("gives 16 base64url characters, all distinct across many pool refills", () => {
    const ids = Array.from({ length: 10_000 }, () => messageId());
    expect(ids.every((id) => /^[A-Za-z0-9_-]{16}$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
