import { PigeonError } from "@pigeon/client";
import type { ChatAck } from "@pigeon/protocol";
import { afterEach, describe, expect, it, vi } from "vitest";
import { Outbox, RETRY_DELAY_MS, type OutboxEntry, type OutboxTransport } from "./outbox.js";

interface Sent {
  room: string;
  text: string;
  clientId: string;
  answer: (result: ChatAck | PigeonError) => void;
}

/** A transport whose connection and answers the test controls. */
function fakeTransport() {
  const sent: Sent[] = [];
  let online = true;
  let seq = 0;
  // What the server stored, by client id: a repeat is answered with the original.
  const stored = new Map<string, ChatAck>();
  const transport: OutboxTransport = {
    connected: () => online,
    send: (room, text, clientId) =>
      new Promise<ChatAck>((resolve, reject) => {
        sent.push({
          room,
          text,
          clientId,
          answer: (result) => {
            if (result instanceof PigeonError) reject(result);
            else resolve(result);
          },
        });
      }),
  };
  return {
    transport,
    sent,
    /** The server stores the message in flight, then the connection goes before the answer. */
    storeThenLose(index = 0) {
      const message = sent[index];
      if (message === undefined) return;
      seq += 1;
      stored.set(message.clientId, { room: message.room, id: `id-${seq}`, seq, incarnation: "i1", sentAt: 1_000 + seq });
      sent.splice(index, 1)[0]?.answer(new PigeonError("DISCONNECTED", "lost"));
    },
    setOnline(value: boolean) {
      online = value;
    },
    accept(index = 0): ChatAck {
      const message = sent[index];
      const repeat = message === undefined ? undefined : stored.get(message.clientId);
      if (repeat === undefined) seq += 1;
      const ack = repeat ?? { room: message?.room ?? "", id: `id-${seq}`, seq, incarnation: "i1", sentAt: 1_000 + seq };
      if (message !== undefined) stored.set(message.clientId, ack);
      sent.splice(index, 1)[0]?.answer(ack);
      return ack;
    },
    refuse(error: PigeonError, index = 0) {
      sent.splice(index, 1)[0]?.answer(error);
    },
  };
}

function states(entries: readonly OutboxEntry[]): string[] {
  return entries.map((entry) => `${entry.text}:${entry.state}`);
}

/** An outbox over a fresh fake transport, which starts online unless told otherwise. */
function openOutbox({ online = true, onChange = () => undefined }: { online?: boolean; onChange?: () => void } = {}) {
  const net = fakeTransport();
  net.setOnline(online);
  return { net, outbox: new Outbox(net.transport, onChange) };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe("Outbox", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("sends one message at a time, in the order typed", async () => {
    const { net, outbox } = openOutbox();
    outbox.enqueue("lobby", "one");
    outbox.enqueue("lobby", "two");
    await settle();
    expect(net.sent.map((sent) => sent.text)).toEqual(["one"]);
    expect(states(outbox.entries)).toEqual(["one:sending", "two:queued"]);
    net.accept();
    await settle();
    expect(net.sent.map((sent) => sent.text)).toEqual(["two"]);
    net.accept();
    await settle();
    expect(states(outbox.entries)).toEqual(["one:accepted", "two:accepted"]);
    expect(outbox.entries.map((entry) => entry.ack?.seq)).toEqual([1, 2]);
  });

  it("keeps messages typed while offline and sends them in order once woken online", async () => {
    const { net, outbox } = openOutbox({ online: false });
    outbox.enqueue("lobby", "one");
    outbox.enqueue("lobby", "two");
    await settle();
    expect(net.sent).toEqual([]);
    expect(states(outbox.entries)).toEqual(["one:queued", "two:queued"]);
    net.setOnline(true);
    outbox.wake();
    await settle();
    net.accept();
    await settle();
    net.accept();
    await settle();
    expect(states(outbox.entries)).toEqual(["one:accepted", "two:accepted"]);
  });

  it("puts a message whose answer was lost back at the head, and sends it again after reconnecting", async () => {
    const { net, outbox } = openOutbox();
    outbox.enqueue("lobby", "one");
    outbox.enqueue("lobby", "two");
    await settle();
    net.setOnline(false);
    net.refuse(new PigeonError("DISCONNECTED", "lost"));
    await settle();
    expect(states(outbox.entries)).toEqual(["one:queued", "two:queued"]);
    expect(outbox.entries[0]?.uncertain).toBe(true);
    net.setOnline(true);
    outbox.wake();
    await settle();
    expect(net.sent.map((sent) => [sent.text, sent.clientId])).toEqual([["one", outbox.entries[0]?.localId]]);
  });

  it("sends a message that arrived but whose answer was lost again under its id, and takes the original's answer", async () => {
    const { net, outbox } = openOutbox();
    outbox.enqueue("lobby", "one");
    await settle();
    const firstId = net.sent[0]?.clientId;
    net.setOnline(false);
    net.storeThenLose();
    await settle();
    net.setOnline(true);
    outbox.wake();
    await settle();
    expect(net.sent[0]?.clientId).toBe(firstId);
    net.accept();
    await settle();
    expect(outbox.entries[0]).toMatchObject({ state: "accepted", uncertain: false, ack: { id: "id-1", seq: 1 } });
  });

  it("marks a refused message failed and goes on with the next; retry queues it again", async () => {
    const { net, outbox } = openOutbox();
    const first = outbox.enqueue("lobby", "one");
    outbox.enqueue("lobby", "two");
    await settle();
    net.refuse(new PigeonError("NOT_IN_ROOM", "not in lobby"));
    await settle();
    expect(states(outbox.entries)).toEqual(["one:failed", "two:sending"]);
    expect(outbox.entries[0]?.error).toBe("not in lobby");
    net.accept();
    await settle();
    outbox.retry(first.localId);
    await settle();
    expect(states(outbox.entries)).toEqual(["two:accepted", "one:sending"]);
  });

  it("tries again after a pause when the server is busy", async () => {
    vi.useFakeTimers();
    const { net, outbox } = openOutbox();
    outbox.enqueue("lobby", "one");
    await vi.advanceTimersByTimeAsync(0);
    net.refuse(new PigeonError("RATE_LIMITED", "slow down"));
    await vi.advanceTimersByTimeAsync(0);
    expect(net.sent).toEqual([]);
    expect(states(outbox.entries)).toEqual(["one:queued"]);
    await vi.advanceTimersByTimeAsync(RETRY_DELAY_MS);
    expect(net.sent.map((sent) => sent.text)).toEqual(["one"]);
  });

  it("waits as long as a RATE_LIMITED refusal asks before trying again", async () => {
    vi.useFakeTimers();
    const { net, outbox } = openOutbox();
    outbox.enqueue("lobby", "one");
    await vi.advanceTimersByTimeAsync(0);
    net.refuse(new PigeonError("RATE_LIMITED", "slow down", { retryAfterMs: 30_000 }));
    await vi.advanceTimersByTimeAsync(RETRY_DELAY_MS);
    expect(net.sent).toEqual([]);
    await vi.advanceTimersByTimeAsync(30_000 - RETRY_DELAY_MS);
    expect(net.sent.map((sent) => sent.text)).toEqual(["one"]);
  });

  it("fails what waited for a room that was left, and discards on request", () => {
    const { outbox } = openOutbox({ online: false });
    const one = outbox.enqueue("lobby", "one");
    outbox.enqueue("design", "two");
    outbox.roomLeft("lobby");
    expect(states(outbox.entries)).toEqual(["one:failed", "two:queued"]);
    outbox.discard(one.localId);
    expect(states(outbox.entries)).toEqual(["two:queued"]);
  });

  it("puts back messages kept from an earlier session first; one that was on the wire goes again under its id", async () => {
    const { net, outbox } = openOutbox({ online: false });
    outbox.enqueue("lobby", "typed now");
    const kept = (text: string, state: OutboxEntry["state"]): OutboxEntry => ({
      localId: `kept-${text.replace(/ /g, "-")}`,
      room: "lobby",
      text,
      createdAt: 0,
      state,
      ack: undefined,
      error: undefined,
      uncertain: false,
    });
    outbox.restore([kept("was sending", "sending"), kept("was queued", "queued"), kept("was accepted", "accepted")]);
    expect(states(outbox.entries)).toEqual(["was sending:queued", "was queued:queued", "typed now:queued"]);
    expect(outbox.entries[0]?.uncertain).toBe(true);
    expect(outbox.unsent).toHaveLength(3);
    net.setOnline(true);
    outbox.wake();
    await settle();
    expect(net.sent.map((sent) => [sent.text, sent.clientId])).toEqual([["was sending", "kept-was-sending"]]);
    net.accept();
    await settle();
    expect(net.sent.map((sent) => [sent.text, sent.clientId])).toEqual([["was queued", "kept-was-queued"]]);
  });

  it("tells its listener about every change", async () => {
    const changed = vi.fn();
    const { net, outbox } = openOutbox({ onChange: changed });
    outbox.enqueue("lobby", "one");
    await settle();
    net.accept();
    await settle();
    // queued, sending, accepted
    expect(changed).toHaveBeenCalledTimes(3);
  });
});
