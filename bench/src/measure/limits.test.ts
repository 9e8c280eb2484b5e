import { describe, expect, it } from "vitest";
import { openFilesNow, parseOpenFilesLimit, readOpenFilesLimit } from "./limits.js";

describe("parseOpenFilesLimit", () => {
  it("reads the soft limit, not the hard one", () => {
    const limits = "Limit                     Soft Limit           Hard Limit           Units     \nMax open files            1024                 20000                files     \n";
    expect(parseOpenFilesLimit(limits)).toBe(1024);
  });

  it("says unlimited as undefined", () => {
    expect(parseOpenFilesLimit("Max open files            unlimited            unlimited            files     \n")).toBeUndefined();
  });

  it("reads this process's limit, which covers the files it holds", () => {
    expect(readOpenFilesLimit("self") ?? Number.POSITIVE_INFINITY).toBeGreaterThan(openFilesNow());
  });
});
