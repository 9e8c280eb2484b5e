import type { RelayStore } from "@pigeon/relay";
import { describeEachStore, greeting, testIdentity, withStoreMethod, useKeyed, useRelay, useSocket, type TestIdentity, type TestServer } from "@pigeon/testing";
import { expect, it } from "vitest";

const MINUTE_MS = 60_000;

/** A keyed login of `name` on a new connection, answered. */
async function keyedLogin(server: TestServer, identity: TestIdentity, name: string) {
  const socket = await useSocket(server);
  return socket.emitWithAck("login", identity.loginPayload(name, greeting(socket)));
}

/** Wraps a store so that `released()` resolves once `releaseName` has run for `name`'s next disconnect. */
function watchReleases() {
  let done: (() => void) | undefined;
  return {
    released: (): Promise<void> => new Promise<void>((resolve) => (done = resolve)),
    wrap: (store: RelayStore): RelayStore =>
      withStoreMethod(store, "releaseName", async (releaseName, ...args) => {
        await releaseName(...args);
        done?.();
      }),
  };
}

describeEachStore("login: names", (store) => {
  it("refuses look-alikes of a name a key holds, saying which name they look like", async () => {
    const server = await useRelay({ store });
    await useKeyed(server, testIdentity(), "alice");
    const lookAlikes = ["\u0430lice", "al\u0131ce", "\u03B1lice", "\uFF41\uFF4C\uFF49\uFF43\uFF45", "ALICE"];
    for (const name of lookAlikes) {
      expect(await keyedLogin(server, testIdentity(), name), name).toEqual({
        ok: false,
        error: { code: "NAME_TAKEN", message: `the name ${name} looks like alice, which belongs to another key` },
      });
      const guest = await useSocket(server);
      expect(await guest.emitWithAck("login", name), name).toMatchObject({ ok: false, error: { code: "NAME_TAKEN" } });
    }
    await useKeyed(server, testIdentity(), "b\u03BFb");
    expect(await keyedLogin(server, testIdentity(), "bob")).toMatchObject({ ok: false, error: { code: "NAME_TAKEN" } });
  });

  it("refuses invisible names with BAD_REQUEST, naming the character", async () => {
    const server = await useRelay({ store });
    const socket = await useSocket(server);
    for (const [name, code] of [
      ["\u3164", "U+3164"],
      ["\u3164\u3164", "U+3164"],
      ["\uFFA0", "U+FFA0"],
      ["ali\u200Bce", "U+200B"],
    ] as const) {
      expect(await socket.emitWithAck("login", name)).toEqual({
        ok: false,
        error: { code: "BAD_REQUEST", message: `name must not contain invisible characters (Unicode default-ignorable code points): ${code} is one` },
      });
    }
    expect(await socket.emitWithAck("login", "alice")).toMatchObject({ ok: true });
  });

  it("holds a keyed name in no room for the member TTL after it was last seen, for its own key only", async () => {
    let now = 1_000_000;
    const watch = watchReleases();
    const server = await useRelay({ store, memberTtlMs: 10 * MINUTE_MS }, { clock: () => now, wrapStore: watch.wrap });
    const alice = testIdentity();
    const first = await useKeyed(server, alice, "alice");
    const released = watch.released();
    first.disconnect();
    await released;

    now += 9 * MINUTE_MS;
    expect(await keyedLogin(server, testIdentity(), "alice")).toEqual({
      ok: false,
      error: { code: "NAME_TAKEN", message: "the name alice belongs to another key" },
    });
    const guest = await useSocket(server);
    expect(await guest.emitWithAck("login", "alice")).toMatchObject({ ok: false, error: { code: "NAME_TAKEN" } });
    // Its own key comes back at any time, and is away again from its next disconnect.
    const back = await useSocket(server);
    expect(await back.emitWithAck("login", alice.loginPayload("alice", greeting(back)))).toMatchObject({ ok: true });
    const releasedAgain = watch.released();
    back.disconnect();
    await releasedAgain;

    now += 10 * MINUTE_MS;
    await server.relay.sweep();
    expect(await keyedLogin(server, testIdentity(), "alice")).toEqual({
      ok: false,
      error: { code: "NAME_TAKEN", message: "the name alice belongs to another key" },
    });
    now += 1;
    await server.relay.sweep();
    expect(await keyedLogin(server, testIdentity(), "alice")).toMatchObject({ ok: true, data: { name: "alice", kind: "keyed", rooms: [] } });
  });

  it("still frees a guest's name as soon as it disconnects", async () => {
    const watch = watchReleases();
    const server = await useRelay({ store }, { wrapStore: watch.wrap });
    const guest = await useSocket(server);
    await guest.emitWithAck("login", "gus");
    const released = watch.released();
    guest.disconnect();
    await released;
    expect(await keyedLogin(server, testIdentity(), "gus")).toMatchObject({ ok: true });
  });
});
