import { MAX_PACKET_BYTES as PROTOCOL_MAX_PACKET_BYTES } from "@pigeon/protocol";
import { describe, expect, it } from "vitest";
import { field, MAX_PACKET_BYTES } from "./settings.js";

describe("baseline settings", () => {
  it("use Pigeon's packet limit", () => {
    expect(MAX_PACKET_BYTES).toBe(PROTOCOL_MAX_PACKET_BYTES);
  });

  it("take the seed's bare strings and the object forms", () => {
    expect(field("lobby", "room")).toBe("lobby");
    expect(field({ room: "lobby", text: "hi" }, "text")).toBe("hi");
    expect(field({ room: 3 }, "room")).toBe("");
    expect(field(undefined, "name")).toBe("");
  });
});
