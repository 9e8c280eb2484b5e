import { describe, expect, it } from "vitest";
import { serverUrl } from "./server-url.js";

describe("serverUrl", () => {
  it("uses the page's origin by default", () => {
    expect(serverUrl(new URL("http://localhost:3000/"))).toBe("http://localhost:3000");
  });

  it("takes an http(s) relay from ?server=", () => {
    expect(serverUrl(new URL("http://localhost:5000/?server=http://127.0.0.1:4000/x"))).toBe("http://127.0.0.1:4000");
  });

  it("ignores a ?server= that is not an http(s) URL", () => {
    expect(serverUrl(new URL("http://localhost:3000/?server=javascript:alert(1)"))).toBe("http://localhost:3000");
    expect(serverUrl(new URL("http://localhost:3000/?server=nonsense"))).toBe("http://localhost:3000");
  });
});
