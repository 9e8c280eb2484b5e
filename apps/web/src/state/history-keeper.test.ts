import { afterEach, describe, expect, it, vi } from "vitest";
import { MemoryHistoryStore } from "../storage/history-store.js";
import { HistoryKeeper } from "./history-keeper.js";
import { addMessage, createRoom } from "./room.js";

const message = (seq: number) => ({ user: "bob", message: `m${seq}`, room: "lobby", id: `id-${seq}`, seq, incarnation: "i1", sentAt: seq, replayed: false, encrypted: false });

describe("HistoryKeeper", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("writes a room once per burst of changes, and only rooms that changed", async () => {
    vi.useFakeTimers();
    const history = new MemoryHistoryStore();
    const save = vi.spyOn(history, "save");
    const keeper = new HistoryKeeper(history, "alice");
    let lobby = createRoom("lobby");
    const design = createRoom("design");
    for (let seq = 1; seq <= 3; seq += 1) {
      lobby = addMessage(lobby, message(seq), { own: false, seen: true });
      keeper.changed([lobby, design]);
    }
    await vi.runAllTimersAsync();
    expect(save.mock.calls.map(([, room, entries]) => [room, entries.length])).toEqual([
      ["lobby", 3],
      ["design", 0],
    ]);
    keeper.changed([lobby, design]);
    await vi.runAllTimersAsync();
    expect(save).toHaveBeenCalledTimes(2);
    expect((await history.load("alice")).get("lobby")).toHaveLength(3);
  });

  it("forgets a room that was left", async () => {
    const history = new MemoryHistoryStore();
    await history.save("alice", "lobby", []);
    new HistoryKeeper(history, "alice").forget("lobby");
    expect((await history.load("alice")).size).toBe(0);
  });
});
