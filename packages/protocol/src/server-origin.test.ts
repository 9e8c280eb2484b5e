import { ServerOrigin } from "./identity.js";
import { describe, expect, it } from "vitest";
import { serverOrigin } from "./server-origin.js";

describe("serverOrigin", () => {
  it.each([
    ["http://localhost:3000", "http://localhost:3000"],
    ["http://localhost:3000/some/path?x=1", "http://localhost:3000"],
    ["https://Chat.Example.org:443/", "https://chat.example.org"],
    ["http://127.0.0.1:80", "http://127.0.0.1"],
    ["ws://relay.example:8080", "http://relay.example:8080"],
    ["wss://relay.example", "https://relay.example"],
    ["relay.example:3000", "https://relay.example:3000"],
    ["http://[::1]:3000", "http://[::1]:3000"],
  ])("signs %s as %s, which the protocol accepts", (url, origin) => {
    expect(serverOrigin(url)).toBe(origin);
    expect(ServerOrigin.safeParse(origin).success).toBe(true);
  });
});
