import { describe, expect, it } from "vitest";
import { chooseCoding } from "./accept-encoding.js";

describe("chooseCoding", () => {
  const both = ["br", "gzip"] as const;

  it("sends the file as it is when the request says nothing of codings", () => {
    expect(chooseCoding(undefined, both)).toBe("identity");
    expect(chooseCoding("", both)).toBe("identity");
  });

  it("prefers brotli, then gzip, among codings of equal weight", () => {
    expect(chooseCoding("gzip, deflate, br, zstd", both)).toBe("br");
    expect(chooseCoding("gzip, deflate", both)).toBe("gzip");
    expect(chooseCoding("*", both)).toBe("br");
    expect(chooseCoding("GZIP, BR", both)).toBe("br");
  });

  it("follows q-values, and never sends a coding given q=0", () => {
    expect(chooseCoding("br;q=0.5, gzip", both)).toBe("gzip");
    expect(chooseCoding("br;q=0.5, gzip;q=0.4", both)).toBe("br");
    expect(chooseCoding("br;q=0, gzip;q=0", both)).toBe("identity");
    expect(chooseCoding("br ; q=0 , *", both)).toBe("gzip");
    expect(chooseCoding("identity;q=1, br;q=0.9", both)).toBe("identity");
    expect(chooseCoding("br;q=0.001", both)).toBe("br");
  });

  it("only offers the copies that exist", () => {
    expect(chooseCoding("br", ["gzip"])).toBe("identity");
    expect(chooseCoding("br, gzip", [])).toBe("identity");
  });

  it("refuses when identity is refused and no acceptable copy exists", () => {
    expect(chooseCoding("identity;q=0", both)).toBeUndefined();
    expect(chooseCoding("*;q=0", both)).toBeUndefined();
    expect(chooseCoding("identity;q=0, gzip", both)).toBe("gzip");
    expect(chooseCoding("*;q=0, identity", both)).toBe("identity");
    expect(chooseCoding("br;q=0.5, identity;q=0", ["gzip"])).toBeUndefined();
  });

  it("answers malformed headers with a coding the file has, never an error", () => {
    // negotiator reads an out-of-range q as given (the client still accepts that coding) and
    // skips what it cannot parse.
    expect(chooseCoding("br;q=2, gzip", both)).toBe("br");
    expect(chooseCoding("br;q=abc", both)).toBe("identity");
    expect(chooseCoding("br;q=0.5;level=3, gzip;q=0.4", both)).toBe("br");
    // Whatever the header, the answer is a copy that exists (here only gzip), identity, or none.
    for (const header of [";;;", ",,,", "q=1", "br;q=", "*;q=-1", "\u0000"]) expect(["gzip", "identity", undefined]).toContain(chooseCoding(header, ["gzip"]));
  });
});
