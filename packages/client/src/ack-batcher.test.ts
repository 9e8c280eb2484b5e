import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { AckBatcher, type PendingAck } from "./ack-batcher.js";

describe("AckBatcher", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  // A batcher whose due() takes and records the acks, like the client does.
  function batcher(intervalMs = 100, batch = 100): { acks: AckBatcher; sent: PendingAck[][] } {
    const sent: PendingAck[][] = [];
    const acks: AckBatcher = new AckBatcher(() => sent.push(acks.take()), intervalMs, batch);
    return { acks, sent };
  }

  it("sends one cumulative ack per room after the interval", () => {
    const { acks, sent } = batcher();
    for (let seq = 1; seq <= 5; seq += 1) acks.delivered("lobby", seq);
    acks.delivered("dev", 2);
    vi.advanceTimersByTime(99);
    expect(sent).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(sent).toEqual([[{ room: "lobby", seq: 5 }, { room: "dev", seq: 2 }]]);
    expect(acks.pending).toBe(false);
  });

  it("acks promptly after a quiet spell and at most once per interval under steady traffic", () => {
    const { acks, sent } = batcher(1_000);
    acks.delivered("lobby", 1);
    vi.advanceTimersByTime(100);
    expect(sent).toEqual([[{ room: "lobby", seq: 1 }]]);
    // Steady traffic: one message every 50 ms; the next ack waits for the interval.
    for (let seq = 2; seq <= 19; seq += 1) {
      acks.delivered("lobby", seq);
      vi.advanceTimersByTime(50);
    }
    // 900 ms after the first ack: not yet.
    expect(sent).toHaveLength(1);
    vi.advanceTimersByTime(99);
    expect(sent).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(sent).toEqual([[{ room: "lobby", seq: 1 }], [{ room: "lobby", seq: 19 }]]);
    // Quiet for a while: prompt again.
    vi.advanceTimersByTime(5_000);
    acks.delivered("lobby", 20);
    vi.advanceTimersByTime(100);
    expect(sent.at(-1)).toEqual([{ room: "lobby", seq: 20 }]);
  });

  it("sends at once after a full batch of messages", () => {
    const { acks, sent } = batcher(100, 3);
    acks.delivered("lobby", 1);
    acks.delivered("lobby", 2);
    expect(sent).toEqual([]);
    acks.delivered("lobby", 3);
    expect(sent).toEqual([[{ room: "lobby", seq: 3 }]]);
    vi.advanceTimersByTime(1_000);
    expect(sent).toHaveLength(1);
  });

  it("sends at once when asked (caught up) and never sends the same seq twice", () => {
    const { acks, sent } = batcher();
    acks.delivered("lobby", 4);
    acks.dueNow();
    acks.dueNow();
    expect(sent).toEqual([[{ room: "lobby", seq: 4 }], []]);
    vi.advanceTimersByTime(1_000);
    expect(sent).toHaveLength(2);
  });

  it("sends again what a new login shows the server lacks, and nothing it has", () => {
    const { acks, sent } = batcher();
    acks.delivered("lobby", 9);
    acks.delivered("dev", 3);
    acks.dueNow();
    // The connection dropped with the lobby ack in flight: the server has lobby 4 and dev 3.
    acks.serverHas("lobby", 4);
    acks.serverHas("dev", 3);
    expect(acks.pending).toBe(true);
    vi.advanceTimersByTime(100);
    expect(sent.at(-1)).toEqual([{ room: "lobby", seq: 9 }]);
  });

  it("ignores a delivered seq that is not ahead, and forgets rooms left", () => {
    const { acks, sent } = batcher();
    acks.delivered("lobby", 5);
    acks.delivered("lobby", 3);
    acks.delivered("dev", 1);
    acks.forget("dev");
    vi.advanceTimersByTime(100);
    expect(sent).toEqual([[{ room: "lobby", seq: 5 }]]);
  });

  it("stops its timer when disposed", () => {
    const { acks, sent } = batcher();
    acks.delivered("lobby", 1);
    acks.dispose();
    vi.advanceTimersByTime(1_000);
    expect(sent).toEqual([]);
    expect(acks.take()).toEqual([{ room: "lobby", seq: 1 }]);
  });
});
