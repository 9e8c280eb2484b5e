import type { RelayStore } from "@pigeon/relay";
import { describeEachStore, nextEvent, record, testIdentity, useKeyed, useRelay } from "@pigeon/testing";
import { expect, it } from "vitest";

/**
 * `store` with `addPresence` for `name` held until `release()`: a join paused in the middle,
 * after the relay has read the joiner's cursor in the order joins used to run.
 */
function pauseAddPresence(store: RelayStore, name: string) {
  let entered = (): void => undefined;
  let release = (): void => undefined;
  const reached = new Promise<void>((resolve) => (entered = resolve));
  const released = new Promise<void>((resolve) => (release = resolve));
  const paused = new Proxy(store, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== "function") return value;
      if (property !== "addPresence") return (value as (...args: unknown[]) => unknown).bind(target);
      return async (room: string, who: string, connectionId: string) => {
        if (who === name) {
          entered();
          await released;
        }
        return store.addPresence(room, who, connectionId);
      };
    },
  });
  return { paused, reached, release };
}

describeEachStore("join under traffic", (store) => {
  it("delivers a message sent while the join is being processed", async () => {
    const gate: { release?: () => void; reached?: Promise<void> } = {};
    const server = await useRelay(
      { store },
      {
        wrapStore: (inner) => {
          const { paused, reached, release } = pauseAddPresence(inner, "bob");
          Object.assign(gate, { reached, release });
          return paused;
        },
      },
    );
    const alice = await useKeyed(server, testIdentity(), "alice", ["lobby"]);
    await alice.emitWithAck("chat", { room: "lobby", text: "before bob" });
    const bob = await useKeyed(server, testIdentity(), "bob");
    const messages = record(bob, "message");

    const joined = bob.emitWithAck("join", "lobby");
    await gate.reached;
    const sent = await alice.emitWithAck("chat", { room: "lobby", text: "during the join" });
    if (!sent.ok) throw new Error(sent.error.code);
    const arrives = nextEvent(bob, "message", (message) => message.seq === sent.data.seq, 5_000);
    gate.release?.();

    expect(await joined).toMatchObject({ ok: true, data: { room: "lobby", seq: 1 } });
    expect(await arrives).toMatchObject({ message: "during the join", seq: 2 });
    expect(messages.map(({ seq }) => seq)).not.toContain(1);
  });
});
