import type { RelayStore } from "@pigeon/relay";
import { describeEachStore, greeting, nextEvent, record, testIdentity, useKeyed, useRelay, useSocket, waitUntil } from "@pigeon/testing";
import { expect, it } from "vitest";

type Method = "memberships" | "entriesAfter" | "releaseName";

/** `store` whose `method` fails the next time `when(args)` holds, as a store in an outage would. */
function failingOnce(method: Method, when: (...args: unknown[]) => boolean) {
  let armed = false;
  const control = {
    arm: () => {
      armed = true;
    },
    wrap: (store: RelayStore): RelayStore =>
      new Proxy(store, {
        get(target, property, receiver) {
          const value: unknown = Reflect.get(target, property, receiver);
          if (typeof value !== "function") return value;
          const bound = (value as (...args: unknown[]) => unknown).bind(target);
          if (property !== method) return bound;
          return (...args: unknown[]) => {
            if (armed && when(...args)) {
              armed = false;
              return Promise.reject(new Error(`${method} failed (injected)`));
            }
            return bound(...args);
          };
        },
      }),
  };
  return control;
}

describeEachStore("store failures", (store) => {
  it("answers a login whose rejoin failed with the failure, and runs all of it again on the retry", async () => {
    const fault = failingOnce("memberships", (name) => name === "alice");
    const server = await useRelay({ store }, { wrapStore: fault.wrap });
    const alice = testIdentity();
    (await useKeyed(server, alice, "alice", ["lobby"])).disconnect();
    const bob = await useKeyed(server, testIdentity(), "bob", ["lobby"]);
    await bob.emitWithAck("chat", { room: "lobby", text: "while alice was away" });

    const socket = await useSocket(server);
    const payload = alice.loginPayload("alice", greeting(socket));
    fault.arm();
    expect(await socket.emitWithAck("login", payload)).toMatchObject({ ok: false, error: { code: "INTERNAL" } });
    const replayed = nextEvent(socket, "message", ({ message }) => message === "while alice was away");
    const caughtUp = nextEvent(socket, "caughtUp");
    expect(await socket.emitWithAck("login", payload)).toMatchObject({ ok: true, data: { rooms: [{ room: "lobby" }] } });
    expect(await replayed).toMatchObject({ replayed: true });
    expect(await caughtUp).toEqual({ room: "lobby", seq: 1, incarnation: expect.any(String) });
    expect(await socket.emitWithAck("chat", { room: "lobby", text: "back" })).toMatchObject({ ok: true });
  });

  it("replays every other room when one room's replay fails, and tells the client of that one", async () => {
    const fault = failingOnce("entriesAfter", (room) => room === "alpha");
    const server = await useRelay({ store }, { wrapStore: fault.wrap });
    const alice = testIdentity();
    (await useKeyed(server, alice, "alice", ["alpha", "beta"])).disconnect();

    const socket = await useSocket(server);
    const errors = record(socket, "error");
    // Rooms replay in the order the store lists them (a Redis set has none), so beta's replay
    // may end before or after alpha's failure is told: wait for both.
    const betaCaughtUp = nextEvent(socket, "caughtUp", ({ room }) => room === "beta");
    const told = nextEvent(socket, "error");
    fault.arm();
    expect(await socket.emitWithAck("login", alice.loginPayload("alice", greeting(socket)))).toMatchObject({ ok: true });
    expect(await betaCaughtUp).toEqual({ room: "beta", seq: 0, incarnation: expect.any(String) });
    await told;
    expect(errors).toEqual([expect.objectContaining({ event: "login", code: "INTERNAL", message: expect.stringMatching(/^after the answer to login/) })]);
  });

  it("frees a guest's name once a disconnect's cleanup succeeds on a retry", async () => {
    const fault = failingOnce("releaseName", (name) => name === "gus");
    // The test tries the name every few milliseconds, far more often than a person would.
    const server = await useRelay({ store, loginsPerNamePerMinute: 10_000 }, { wrapStore: fault.wrap });
    const gus = await useSocket(server);
    expect(await gus.emitWithAck("login", "gus")).toMatchObject({ ok: true });
    fault.arm();
    gus.disconnect();

    const next = await useSocket(server);
    await waitUntil(async () => (await next.emitWithAck("login", "gus")).ok, "the name gus is free again", 10_000);
  });
});
