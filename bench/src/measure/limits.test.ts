import { describe, expect, it } from "vitest";
import { openFilesNow, parseOpenFilesLimit, readOpenFilesLimit } from "./limits.js";

describe("parseOpenFilesLimit", () => {
  it("reads the soft limit and the hard one", () => {
    const limits = "Limit                     Soft Limit           Hard Limit           Units     \nMax open files            1024                 20000                files     \n";
    expect(parseOpenFilesLimit(limits)).toEqual({ soft: 1024, hard: 20_000 });
  });

  it("says unlimited as undefined", () => {
    expect(parseOpenFilesLimit("Max open files            unlimited            unlimited            files     \n")).toEqual({ soft: undefined, hard: undefined });
  });

  it("reads this process's limit, which covers the files it holds", () => {
    expect(readOpenFilesLimit("self").soft ?? Number.POSITIVE_INFINITY).toBeGreaterThan(openFilesNow());
  });
});
