import type { ChatMessage } from "@pigeon/protocol";
import { describe, expect, it } from "vitest";
import { Inbox, type InboxOutput } from "./inbox.js";

const message = (seq: number, incarnation = "i1", id = `${incarnation}-${seq}`): ChatMessage => ({
  user: "alice",
  message: `m${seq}`,
  room: "lobby",
  id,
  seq,
  incarnation,
  sentAt: 0,
});

// Outputs in a compact form: 7 for message 7, "ttl 3-5" for a notice, "caughtUp 9", "overflow".
function shown(outputs: InboxOutput[]): (number | string)[] {
  return outputs.map((output) => {
    switch (output.kind) {
      case "message":
        return output.message.seq;
      case "expired":
        return `${output.notice.reason} ${output.notice.from}-${output.notice.to}`;
      case "caughtUp":
        return `caughtUp ${output.seq}`;
      case "overflow":
        return "overflow";
      case "duplicate":
        return `duplicate ${output.seq}`;
      case "restarted":
        return `restarted ${output.incarnation}`;
    }
  });
}

function inboxAt(delivered: number, maxHeld = 100): Inbox {
  const inbox = new Inbox("lobby", maxHeld);
  inbox.resume(delivered, "i1");
  return inbox;
}

describe("Inbox", () => {
  it("delivers messages in order as they come", () => {
    const inbox = inboxAt(0);
    expect(shown(inbox.receive(message(1)))).toEqual([1]);
    expect(shown(inbox.receive(message(2)))).toEqual([2]);
    expect(inbox.delivered).toBe(2);
  });

  it("drops duplicates and anything at or below the cursor", () => {
    const inbox = inboxAt(5);
    expect(shown(inbox.receive(message(5)))).toEqual([]);
    expect(shown(inbox.receive(message(3)))).toEqual([]);
    expect(shown(inbox.receive(message(6)))).toEqual([6]);
    expect(shown(inbox.receive(message(6)))).toEqual([]);
  });

  it("holds a message behind a gap until the gap is filled, then delivers both in order", () => {
    const inbox = inboxAt(0);
    expect(shown(inbox.receive(message(3)))).toEqual([]);
    expect(shown(inbox.receive(message(3)))).toEqual([]);
    expect(shown(inbox.receive(message(2)))).toEqual([]);
    expect(inbox.heldCount).toBe(2);
    expect(shown(inbox.receive(message(1)))).toEqual([1, 2, 3]);
    expect(inbox.heldCount).toBe(0);
  });

  it("delivers live messages that raced ahead of a replay exactly once, in order", () => {
    const inbox = inboxAt(10);
    // Live 14 and 15 arrive first, then the replay of 11..15, then caughtUp.
    const outputs = [message(14), message(15), ...[11, 12, 13, 14, 15].map((seq) => message(seq))].flatMap((m) => inbox.receive(m));
    expect(shown(outputs)).toEqual([11, 12, 13, 14, 15]);
    expect(shown(inbox.caughtUp(15, "i1"))).toEqual(["caughtUp 15"]);
  });

  it("skips a gap covered by an expiry notice, reporting only the part it lacks, then goes on", () => {
    const inbox = inboxAt(3);
    expect(shown(inbox.receive(message(9)))).toEqual([]);
    // The server dropped 2..7; 2 and 3 we have, 8 is still coming.
    expect(shown(inbox.expire(2, 7, "quota"))).toEqual(["quota 4-7"]);
    expect(shown(inbox.receive(message(8)))).toEqual([8, 9]);
  });

  it("keeps a notice for a gap ahead of the cursor until the cursor reaches it", () => {
    const inbox = inboxAt(0);
    expect(shown(inbox.expire(3, 4, "ttl"))).toEqual([]);
    expect(shown(inbox.receive(message(5)))).toEqual([]);
    expect(shown(inbox.receive(message(1)))).toEqual([1]);
    expect(shown(inbox.receive(message(2)))).toEqual([2, "ttl 3-4", 5]);
  });

  it("delivers held messages inside an expired range and reports only the holes between them", () => {
    const inbox = inboxAt(0);
    inbox.receive(message(3));
    inbox.receive(message(6));
    expect(shown(inbox.expire(1, 7, "ttl"))).toEqual(["ttl 1-2", 3, "ttl 4-5", 6, "ttl 7-7"]);
    expect(inbox.delivered).toBe(7);
  });

  it("ignores a notice for what it already has", () => {
    const inbox = inboxAt(10);
    expect(shown(inbox.expire(2, 9, "ttl"))).toEqual([]);
    expect(shown(inbox.receive(message(11)))).toEqual([11]);
  });

  it("on caughtUp delivers what is held up to it, reports the unexplained holes, and keeps later ones waiting", () => {
    const inbox = inboxAt(0);
    for (const seq of [2, 4, 7]) inbox.receive(message(seq));
    expect(shown(inbox.caughtUp(5, "i1"))).toEqual(["lost 1-1", 2, "lost 3-3", 4, "lost 5-5", "caughtUp 5"]);
    expect(inbox.heldCount).toBe(1);
    expect(shown(inbox.receive(message(6)))).toEqual([6, 7]);
  });

  it("uses a notice's reason for its part of a hole that caughtUp passes", () => {
    const inbox = inboxAt(0);
    inbox.expire(4, 6, "quota");
    expect(shown(inbox.caughtUp(6, "i1"))).toEqual(["lost 1-3", "quota 4-6", "caughtUp 6"]);
  });

  it("holds everything until its starting point is known, then delivers after it", () => {
    const inbox = new Inbox("lobby", 100);
    expect(shown(inbox.receive(message(8)))).toEqual([]);
    expect(shown(inbox.receive(message(6)))).toEqual([]);
    expect(shown(inbox.caughtUp(8, "i1"))).toEqual([]);
    expect(inbox.delivered).toBeUndefined();
    expect(shown(inbox.start(6, "i1"))).toEqual(["lost 7-7", 8, "caughtUp 8"]);
  });

  it("skips silently what another connection of the identity confirmed", () => {
    const inbox = inboxAt(3);
    inbox.receive(message(5));
    inbox.receive(message(9));
    expect(shown(inbox.resume(7, "i1"))).toEqual([5]);
    expect(inbox.delivered).toBe(7);
    expect(shown(inbox.receive(message(8)))).toEqual([8, 9]);
  });

  it("keeps its own cursor when the server's is behind (acks that were lost)", () => {
    const inbox = inboxAt(9);
    expect(shown(inbox.resume(4, "i1"))).toEqual([]);
    expect(inbox.delivered).toBe(9);
    expect(shown(inbox.receive(message(9)))).toEqual([]);
  });

  it("reports a lapsed membership's hole as ttl when a join restarts the room further on", () => {
    const inbox = inboxAt(3);
    inbox.receive(message(5));
    expect(shown(inbox.start(20, "i1"))).toEqual(["ttl 4-4", 5, "ttl 6-20"]);
    expect(shown(inbox.receive(message(21)))).toEqual([21]);
  });

  it("bounds the hold-back buffer: past it, messages behind a gap are dropped (unacked) and reported", () => {
    const inbox = inboxAt(0, 2);
    expect(shown(inbox.receive(message(2)))).toEqual([]);
    expect(shown(inbox.receive(message(3)))).toEqual([]);
    expect(shown(inbox.receive(message(4)))).toEqual(["overflow"]);
    expect(inbox.heldCount).toBe(2);
    // The next in order is always taken.
    expect(shown(inbox.receive(message(1)))).toEqual([1, 2, 3]);
    expect(inbox.delivered).toBe(3);
  });

  describe("when the room starts over (a new incarnation)", () => {
    it("takes the new run's messages after a restart that lost the old seqs (a memory relay restarted)", () => {
      const inbox = inboxAt(100);
      // The rejoin's ack names the new run: a room that started again at seq 0.
      expect(shown(inbox.start(0, "i2"))).toEqual(["restarted i2"]);
      expect(shown(inbox.receive(message(1, "i2")))).toEqual([1]);
      expect(shown(inbox.receive(message(2, "i2")))).toEqual([2]);
      expect(inbox.incarnation).toBe("i2");
    });

    it("hands on what arrived live under the new incarnation before the server named its starting point", () => {
      const inbox = inboxAt(100);
      expect(shown(inbox.receive(message(3, "i2")))).toEqual(["restarted i2"]);
      expect(shown(inbox.receive(message(4, "i2")))).toEqual([]);
      expect(inbox.restarting).toBe(true);
      // A join after a wipe starts the new membership at seq 5, past what arrived live.
      expect(shown(inbox.start(5, "i2"))).toEqual([3, 4]);
      expect(inbox.restarting).toBe(false);
      expect(shown(inbox.receive(message(6, "i2")))).toEqual([6]);
    });

    it("does not show again what it had under the old incarnation when a rolled-back store replays it", () => {
      const inbox = inboxAt(0);
      for (let seq = 1; seq <= 5; seq += 1) inbox.receive(message(seq, "i1"));
      // Redis came back from an older copy at seq 3: the same messages 4 and 5 come again under
      // the new incarnation, then a new one takes seq 6.
      expect(shown(inbox.resume(3, "i2"))).toEqual(["restarted i2"]);
      expect(shown(inbox.receive(message(4, "i2", "i1-4")))).toEqual(["duplicate 4"]);
      expect(shown(inbox.receive(message(5, "i2", "i1-5")))).toEqual(["duplicate 5"]);
      expect(shown(inbox.receive(message(6, "i2")))).toEqual([6]);
    });

    it("does not take a message of the new run for a duplicate of the old seq it reuses", () => {
      const inbox = inboxAt(0);
      for (let seq = 1; seq <= 5; seq += 1) inbox.receive(message(seq, "i1"));
      expect(shown(inbox.receive(message(4, "i2")))).toEqual(["restarted i2"]);
      expect(shown(inbox.resume(3, "i2"))).toEqual([4]);
      expect(shown(inbox.receive(message(5, "i2")))).toEqual([5]);
    });

    it("takes the incarnation of a replay's expiry notice that comes before the login's ack", () => {
      const inbox = new Inbox("lobby", 100);
      expect(shown(inbox.expire(1, 2, "unspecified", "i1"))).toEqual([]);
      expect(shown(inbox.receive(message(3)))).toEqual([]);
      expect(shown(inbox.resume(0, "i1"))).toEqual(["unspecified 1-2", 3]);
    });

    it("ignores an expiry notice about another incarnation than its own", () => {
      const inbox = inboxAt(2);
      inbox.start(2, "i2");
      expect(shown(inbox.expire(3, 9, "ttl", "i1"))).toEqual([]);
      expect(shown(inbox.expire(3, 4, "ttl", "i2"))).toEqual(["ttl 3-4"]);
    });

    it("starts over on a caughtUp of a new incarnation too", () => {
      const inbox = inboxAt(7);
      expect(shown(inbox.caughtUp(2, "i2"))).toEqual(["restarted i2"]);
      expect(shown(inbox.resume(0, "i2"))).toEqual(["lost 1-2", "caughtUp 2"]);
    });
  });
});
