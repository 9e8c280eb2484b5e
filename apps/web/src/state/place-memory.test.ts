import { describe, expect, it } from "vitest";
import { localPlaceMemory, NOWHERE } from "./place-memory.js";

/** localStorage's interface over a Map (Node has none). */
function fakeStorage(): Storage {
  const items = new Map<string, string>();
  return {
    get length() {
      return items.size;
    },
    clear: () => {
      items.clear();
    },
    getItem: (key) => items.get(key) ?? null,
    key: (index) => [...items.keys()][index] ?? null,
    removeItem: (key) => {
      items.delete(key);
    },
    setItem: (key, value) => {
      items.set(key, value);
    },
  };
}

describe("place memory", () => {
  it("keeps each profile's room order, open room and drafts apart", () => {
    const storage = fakeStorage();
    const places = localPlaceMemory(storage);
    places.save("alice", { rooms: ["zeta", "alpha"], active: "alpha", drafts: { alpha: "hel" } });
    places.save("bob", { rooms: ["lobby"], active: undefined, drafts: {} });
    expect(localPlaceMemory(storage).load("alice")).toEqual({ rooms: ["zeta", "alpha"], active: "alpha", drafts: { alpha: "hel" } });
    expect(localPlaceMemory(storage).load("bob")).toEqual({ rooms: ["lobby"], active: undefined, drafts: {} });
    expect(localPlaceMemory(storage).load("carol")).toBe(NOWHERE);
  });

  it("forgets what it cannot read, and works without storage", () => {
    const storage = fakeStorage();
    storage.setItem("pigeon.place:alice", "{not json");
    storage.setItem("pigeon.place:bob", JSON.stringify({ rooms: ["lobby", 3], active: 7, drafts: { lobby: "hi", design: 5 } }));
    expect(localPlaceMemory(storage).load("alice")).toBe(NOWHERE);
    expect(localPlaceMemory(storage).load("bob")).toEqual({ rooms: ["lobby"], active: undefined, drafts: { lobby: "hi" } });
    const none = localPlaceMemory(undefined);
    none.save("alice", { rooms: ["lobby"], active: "lobby", drafts: {} });
    expect(none.load("alice")).toBe(NOWHERE);
  });
});
