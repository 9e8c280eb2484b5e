import type { DeliveredMessage } from "@pigeon/client";
import { describe, expect, it } from "vitest";
import {
  findRoom,
  initialState,
  sameName,
  withActiveRoom,
  withMembers,
  withMessage,
  withoutRoom,
  withPageVisible,
  withPlace,
  withReceipts,
  withRestart,
  withRoom,
  MAX_RECEIPTS,
  type ChatState,
} from "./chat-state.js";

function signedIn(...rooms: string[]): ChatState {
  let state: ChatState = { ...initialState(), phase: "signed-in", name: "alice" };
  for (const room of rooms) state = withRoom(state, room);
  return state;
}

function message(room: string, seq: number, user = "bob"): DeliveredMessage {
  return { user, message: `m${seq}`, room, id: `${room}-${seq}`, seq, incarnation: "i1", sentAt: seq, replayed: false, encrypted: false };
}

describe("chat state", () => {
  it("opens the first room joined, and keeps the order rooms were joined in", () => {
    const state = signedIn("lobby", "design");
    expect(state.activeRoom).toBe("lobby");
    expect(state.rooms.map((room) => room.name)).toEqual(["lobby", "design"]);
  });

  it("puts rooms in a remembered order (others after, as they were) and opens the remembered room", () => {
    const state = withPlace(signedIn("alpha", "mid", "new", "zeta"), ["zeta", "gone", "alpha", "mid"], "mid");
    expect(state.rooms.map((room) => room.name)).toEqual(["zeta", "alpha", "mid", "new"]);
    expect(state.activeRoom).toBe("mid");
    // A remembered room no longer joined is not opened.
    expect(withPlace(signedIn("alpha"), [], "gone").activeRoom).toBe("alpha");
    const same = signedIn("alpha", "mid");
    expect(withPlace(same, ["alpha", "mid"], "alpha")).toBe(same);
  });

  it("marks where a room started over on the server, once per incarnation, after what it had", () => {
    let state = withMessage(signedIn("lobby"), message("lobby", 7));
    state = withRestart(state, { room: "lobby", incarnation: "i2" });
    state = withRestart(state, { room: "lobby", incarnation: "i2" });
    state = withMessage(state, { ...message("lobby", 1), id: "new-1", incarnation: "i2" });
    expect(findRoom(state, "lobby")?.entries.map((entry) => (entry.kind === "gap" ? entry.reason : entry.seq))).toEqual([7, "restarted", 1]);
  });

  it("counts unread messages in rooms that are not open, and reads them when opened", () => {
    let state = signedIn("lobby", "design");
    state = withMessage(state, message("design", 1));
    state = withMessage(state, message("lobby", 1));
    expect(findRoom(state, "design")?.unread).toBe(1);
    expect(findRoom(state, "lobby")?.unread).toBe(0);
    state = withActiveRoom(state, "design");
    expect(findRoom(state, "design")?.unread).toBe(0);
    expect(findRoom(state, "design")?.firstUnread).toBe("design-1");
    // Leaving it forgets its "new messages" line.
    state = withActiveRoom(state, "lobby");
    expect(findRoom(state, "design")?.firstUnread).toBeUndefined();
  });

  it("treats own messages as own, whatever the case of the name", () => {
    const state = withMessage(signedIn("lobby"), message("lobby", 1, "Alice"));
    expect(findRoom(state, "lobby")?.entries[0]).toMatchObject({ own: true });
    expect(sameName("Alice", "alice")).toBe(true);
    expect(sameName(undefined, "alice")).toBe(false);
  });

  it("counts messages in the open room as unread while the page is hidden", () => {
    let state = withPageVisible(signedIn("lobby"), false);
    state = withMessage(state, message("lobby", 1));
    expect(findRoom(state, "lobby")?.unread).toBe(1);
    state = withPageVisible(state, true);
    expect(findRoom(state, "lobby")?.unread).toBe(0);
  });

  it("creates a room from its member list (a resumed room's first word at login)", () => {
    const state = withMembers(signedIn(), "lobby", [{ name: "alice", online: true }]);
    expect(findRoom(state, "lobby")?.members).toEqual([{ name: "alice", online: true }]);
  });

  it("opens the next room when the open one is left", () => {
    let state = withActiveRoom(signedIn("a", "b", "c"), "b");
    state = withoutRoom(state, "b");
    expect(state.activeRoom).toBe("c");
    state = withoutRoom(state, "c");
    expect(state.activeRoom).toBe("a");
    state = withoutRoom(state, "a");
    expect(state.activeRoom).toBeUndefined();
  });

  it("keeps the latest receipt per message, and a bounded number of them", () => {
    let state = withReceipts(signedIn(), [{ seq: 1, id: "m1", delivered: 0, total: 2, deleted: false }]);
    state = withReceipts(state, [{ seq: 1, id: "m1", delivered: 2, total: 2, deleted: true }]);
    expect(state.receipts.get("m1")).toMatchObject({ delivered: 2, deleted: true });
    const many = Array.from({ length: MAX_RECEIPTS + 5 }, (_, index) => ({ seq: index + 1, id: `r${index}`, delivered: 0, total: 1, deleted: false }));
    state = withReceipts(state, many);
    expect(state.receipts.size).toBe(MAX_RECEIPTS);
    expect(state.receipts.has("r0")).toBe(false);
  });
});
