import { describe, expect, it } from "vitest";
import { clientAddress } from "./address.js";

describe("clientAddress", () => {
  it("counts the TCP peer unless told to trust a proxy", () => {
    expect(clientAddress("10.0.0.1", { "x-forwarded-for": "203.0.113.9" }, false)).toBe("10.0.0.1");
    expect(clientAddress("10.0.0.1", { "x-forwarded-for": "203.0.113.9, 10.0.0.1" }, true)).toBe("203.0.113.9");
  });

  it("falls back to the peer when the header is missing or not an address", () => {
    expect(clientAddress("10.0.0.1", {}, true)).toBe("10.0.0.1");
    expect(clientAddress("10.0.0.1", { "x-forwarded-for": "anyone" }, true)).toBe("10.0.0.1");
  });

  it("counts an IPv4-mapped address as IPv4, and IPv6 by its /64", () => {
    expect(clientAddress("::ffff:127.0.0.1", {}, false)).toBe("127.0.0.1");
    expect(clientAddress("2001:db8:1:2:aaaa::1", {}, false)).toBe("2001:db8:1:2::/64");
    expect(clientAddress("2001:0DB8:0001:0002:ffff:1:2:3", {}, false)).toBe("2001:db8:1:2::/64");
    expect(clientAddress("2001:db8::1", {}, false)).toBe("2001:db8:0:0::/64");
    expect(clientAddress("::1", {}, false)).toBe("0:0:0:0::/64");
    expect(clientAddress("fe80::1%eth0", {}, false)).toBe("fe80:0:0:0::/64");
    expect(clientAddress("64:ff9b::192.0.2.1", {}, false)).toBe("64:ff9b:0:0::/64");
  });
});
