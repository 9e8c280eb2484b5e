import { describe, expect, it } from "vitest";
import { identityKeyFromSecretKey } from "./identity-key.js";
import { formatSafetyNumber, safetyNumber } from "./safety-number.js";

const alice = { name: "alice", publicKey: identityKeyFromSecretKey(new Uint8Array(32).fill(1)).publicKey };
const bob = { name: "bob", publicKey: identityKeyFromSecretKey(new Uint8Array(32).fill(2)).publicKey };

describe("safetyNumber", () => {
  it("is 60 digits, the same for both sides", () => {
    const number = safetyNumber(alice, bob);
    expect(number).toMatch(/^\d{60}$/);
    expect(safetyNumber(bob, alice)).toBe(number);
  });

  it("matches the frozen vector for two fixed keys", () => {
    expect(safetyNumber(alice, bob)).toBe(FROZEN);
  });

  it("changes when either key or either name changes", () => {
    const number = safetyNumber(alice, bob);
    const mallory = identityKeyFromSecretKey(new Uint8Array(32).fill(3)).publicKey;
    expect(safetyNumber(alice, { ...bob, publicKey: mallory })).not.toBe(number);
    expect(safetyNumber({ ...alice, publicKey: mallory }, bob)).not.toBe(number);
    expect(safetyNumber(alice, { ...bob, name: "bobby" })).not.toBe(number);
    // Each side's 30 digits depend on its own key only: a changed key changes exactly one half.
    const changed = safetyNumber(alice, { ...bob, publicKey: mallory });
    const halves = (digits: string) => [digits.slice(0, 30), digits.slice(30)];
    expect(halves(changed).filter((half) => halves(number).includes(half))).toHaveLength(1);
  });

  it("is shown as twelve groups of five digits on three lines", () => {
    expect(formatSafetyNumber("0123456789".repeat(6))).toBe(
      "01234 56789 01234 56789\n01234 56789 01234 56789\n01234 56789 01234 56789",
    );
  });
});

// Computed once and cross-checked with an independent script (Python hashlib, same construction).
const FROZEN = "280546536176926101393206059004591002990110934322075042600655";
