import type { DeliveredMessage } from "@pigeon/client";
import { describe, expect, it } from "vitest";
import { addGap, addMessage, createRoom, markRead, MAX_ROOM_ENTRIES } from "./room.js";

function message(seq: number, user = "bob", replayed = false): DeliveredMessage {
  return { user, message: `text ${seq}`, room: "lobby", id: `id-${seq}`, seq, incarnation: "i1", sentAt: 1_000 * seq, replayed, encrypted: false };
}

describe("room", () => {
  it("counts messages from others that were not seen, and remembers the first of them", () => {
    let room = createRoom("lobby");
    room = addMessage(room, message(1), { own: false, seen: true });
    room = addMessage(room, message(2), { own: false, seen: false });
    room = addMessage(room, message(3, "alice"), { own: true, seen: false });
    room = addMessage(room, message(4), { own: false, seen: false });
    expect(room.unread).toBe(2);
    expect(room.firstUnread).toBe("id-2");
  });

  it("drops a message it already has", () => {
    const room = addMessage(createRoom("lobby"), message(1), { own: false, seen: true });
    expect(addMessage(room, message(1), { own: false, seen: false })).toBe(room);
  });

  it("keeps what a message needs to be shown, including whether it was replayed", () => {
    const room = addMessage(createRoom("lobby"), message(5, "bob", true), { own: false, seen: true });
    expect(room.entries).toEqual([
      { kind: "message", key: "id-5", seq: 5, user: "bob", text: "text 5", sentAt: 5_000, own: false, replayed: true },
    ]);
  });

  it("marks read, keeping the new-messages line until asked to forget it", () => {
    const room = addMessage(createRoom("lobby"), message(1), { own: false, seen: false });
    const read = markRead(room);
    expect(read.unread).toBe(0);
    expect(read.firstUnread).toBe("id-1");
    expect(markRead(read, true).firstUnread).toBeUndefined();
    expect(markRead(markRead(read, true))).toEqual(markRead(read, true));
  });

  it("adds each expiry notice once", () => {
    const notice = { room: "lobby", from: 4, to: 15, reason: "ttl" } as const;
    const room = addGap(createRoom("lobby"), notice);
    expect(room.entries).toEqual([{ kind: "gap", key: "gap-4-15", from: 4, to: 15, reason: "ttl" }]);
    expect(addGap(room, notice)).toBe(room);
  });

  it(`keeps the latest ${MAX_ROOM_ENTRIES} entries`, () => {
    let room = createRoom("lobby");
    for (let seq = 1; seq <= MAX_ROOM_ENTRIES + 10; seq += 1) room = addMessage(room, message(seq), { own: false, seen: true });
    expect(room.entries).toHaveLength(MAX_ROOM_ENTRIES);
    expect(room.entries[0]?.key).toBe("id-11");
  });
});
