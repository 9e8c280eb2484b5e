import { describe, expect, it } from "vitest";
import { KeptMessages } from "./kept-messages.js";

const message = (seq: number) => ({ seq, id: `m${seq}`, user: "bob", sentAt: seq, text: `text ${seq}` });

describe("KeptMessages", () => {
  it("keeps messages in seq order, our own late acks included, each seq once", () => {
    const kept = new KeptMessages(10);
    kept.add(message(3));
    kept.add(message(5));
    kept.add(message(4));
    expect(kept.add({ ...message(4), text: "again" })).toEqual([]);
    expect(kept.upTo(10).map(({ seq }) => seq)).toEqual([3, 4, 5]);
    expect(kept.get(4)?.text).toBe("text 4");
  });

  it("drops the oldest beyond its bound and returns them, for the caller to report", () => {
    const kept = new KeptMessages(2);
    kept.add(message(1));
    kept.add(message(2));
    expect(kept.add(message(3))).toEqual([message(1)]);
    expect(kept.size).toBe(2);
  });

  it("forgets what the server has (restore) and what was handed on (dropUpTo)", () => {
    const kept = new KeptMessages(10);
    kept.restore([message(2), message(4), message(6)], 2);
    expect(kept.upTo(5).map(({ seq }) => seq)).toEqual([4]);
    expect(kept.dropUpTo(4).map(({ seq }) => seq)).toEqual([6]);
  });
});
