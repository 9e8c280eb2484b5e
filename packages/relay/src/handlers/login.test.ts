import { describe, expect, it } from "vitest";
import { useMember, useRelay, useSocket } from "@pigeon/testing";

describe("login", () => {
  it("takes the seed's string form and the object form", async () => {
    const server = await useRelay();
    const seed = await useSocket(server);
    const modern = await useSocket(server);
    expect(await seed.emitWithAck("login", "one")).toEqual({ ok: true, data: { name: "one", kind: "guest", rooms: [] } });
    expect(await modern.emitWithAck("login", { name: " two " })).toEqual({
      ok: true,
      data: { name: "two", kind: "guest", rooms: [] },
    });
  });

  it("refuses a name someone online holds, ignoring case", async () => {
    const server = await useRelay();
    await useMember(server, "alice");
    const impostor = await useSocket(server);
    expect(await impostor.emitWithAck("login", "ALICE")).toMatchObject({ ok: false, error: { code: "NAME_TAKEN" } });
  });

  it("frees the name when its holder disconnects", async () => {
    const server = await useRelay();
    const first = await useMember(server, "alice");
    const second = await useSocket(server);
    first.disconnect();
    // The name is released by the first connection's cleanup; retry until it has run.
    await expect
      .poll(async () => (await second.emitWithAck("login", "alice")).ok, { timeout: 5_000 })
      .toBe(true);
  });

  it("accepts the same login twice but not a second name", async () => {
    const server = await useRelay();
    const socket = await useMember(server, "alice");
    expect(await socket.emitWithAck("login", "alice")).toMatchObject({ ok: true });
    expect(await socket.emitWithAck("login", "bob")).toMatchObject({ ok: false, error: { code: "ALREADY_LOGGED_IN" } });
    const bob = await useSocket(server);
    expect(await bob.emitWithAck("login", "bob")).toMatchObject({ ok: true });
  });
});
