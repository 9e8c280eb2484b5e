import type { AddressInfo } from "node:net";
import { hostname } from "node:os";
import { describe, expect, it } from "vitest";
import { RelayConfig } from "../config.js";
import { PublicOrigins } from "./public-origins.js";

const listening = (port: number) => (): AddressInfo => ({ address: "::", family: "IPv6", port });

describe("PublicOrigins", () => {
  it("is exactly the configured list when there is one", () => {
    const origins = new PublicOrigins(["https://chat.example.org"], listening(3000));
    expect(origins.has("https://chat.example.org")).toBe(true);
    expect(origins.has("http://localhost:3000")).toBe(false);
    expect(origins.has("https://evil.example")).toBe(false);
    expect(origins.describe()).toBe("https://chat.example.org");
  });

  it("is this machine's names and addresses on the listening port when none is configured", () => {
    const origins = new PublicOrigins(undefined, listening(4321));
    for (const origin of ["http://localhost:4321", "http://127.0.0.1:4321", "http://[::1]:4321", "https://localhost:4321", `http://${hostname().toLowerCase()}:4321`]) {
      expect(origins.has(origin), origin).toBe(true);
    }
    // Another port of this machine is another server, and another machine is another server.
    expect(origins.has("http://localhost:4322")).toBe(false);
    expect(origins.has("http://192.0.2.7:4321")).toBe(false);
  });

  it("adds this machine's origins to the configured ones where the list says self", () => {
    const origins = new PublicOrigins(["https://chat.example.org", "self"], listening(4321));
    expect(origins.has("https://chat.example.org")).toBe(true);
    expect(origins.has("http://127.0.0.1:4321")).toBe(true);
    expect(origins.has("https://evil.example")).toBe(false);
  });

  it("drops a scheme's default port as a client's origin does", () => {
    const origins = new PublicOrigins(undefined, listening(80));
    expect(origins.has("http://localhost")).toBe(true);
    expect(origins.has("http://localhost:80")).toBe(false);
  });

  it("knows no origin before the server listens (nothing can be signed for it yet)", () => {
    const origins = new PublicOrigins(undefined, () => null);
    expect(origins.has("http://localhost:3000")).toBe(false);
    expect(origins.describe()).toBe("none");
  });
});

describe("RelayConfig.publicOrigins", () => {
  it("takes a comma-separated list or an array of origins", () => {
    expect(RelayConfig.parse({ publicOrigins: " https://a.example , http://b.example:8080 " }).publicOrigins).toEqual([
      "https://a.example",
      "http://b.example:8080",
    ]);
    expect(RelayConfig.parse({ publicOrigins: ["https://a.example"] }).publicOrigins).toEqual(["https://a.example"]);
    expect(RelayConfig.parse({ publicOrigins: "https://a.example,self" }).publicOrigins).toEqual(["https://a.example", "self"]);
    expect(RelayConfig.parse({}).publicOrigins).toBeUndefined();
  });

  it("refuses what is not an origin: a path, no scheme, another scheme, an empty list", () => {
    for (const bad of ["https://a.example/chat", "a.example", "ws://a.example", " , ", "https://A.example"]) {
      expect(RelayConfig.safeParse({ publicOrigins: bad }).success, bad).toBe(false);
    }
  });
});
