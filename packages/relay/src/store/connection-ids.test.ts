import { describe, expect, it } from "vitest";
import { hasId, withId, withoutId } from "./connection-ids.js";

describe("connection ids", () => {
  it("keeps one id as itself, several in a set, and one again once the others leave", () => {
    const one = withId(undefined, "a");
    expect(one).toBe("a");
    expect(withId(one, "a")).toBe("a");
    const two = withId(one, "b");
    expect(two).toEqual(new Set(["a", "b"]));
    const three = withId(two, "c");
    expect(three).toBe(two);
    expect([hasId(three, "a"), hasId(three, "c"), hasId(three, "d"), hasId(undefined, "a")]).toEqual([true, true, false, false]);
    expect(withoutId(three, "b")).toEqual(new Set(["a", "c"]));
    expect(withoutId(withoutId(three, "c"), "x")).toBe("a");
    expect(withoutId("a", "x")).toBe("a");
    expect(withoutId("a", "a")).toBeUndefined();
    expect(withoutId(undefined, "a")).toBeUndefined();
  });
});
