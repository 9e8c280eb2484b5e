import { createIdentityKey, signLogin } from "@pigeon/crypto";
import type { ClientToServerEvents, Hello, ServerToClientEvents } from "@pigeon/protocol";
import { io, type Socket } from "socket.io-client";
import { expect, it, onTestFinished } from "vitest";
import { describeEachStore, useClients, useRelayPerTest } from "@pigeon/testing";

type WireSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

// A plain socket.io connection, no SDK, so the test writes the login payload itself.
async function wire(url: string): Promise<{ socket: WireSocket; hello: Hello }> {
  const socket: WireSocket = io(url, { transports: ["websocket"], forceNew: true, reconnection: false });
  onTestFinished(() => {
    socket.disconnect();
  });
  const hello = await new Promise<Hello>((resolve, reject) => {
    socket.once("hello", resolve);
    socket.once("connect_error", reject);
  });
  return { socket, hello };
}

describeEachStore("impersonation", (store) => {
  const server = useRelayPerTest({ store });
  const { client, resume, keyed: user } = useClients(server);

  async function stranger() {
    const created = client();
    await created.connect();
    return created;
  }

  it("refuses a held name to another key and to a guest, while its owner is online and away", async () => {
    const alice = await user("alice", "lobby");
    const online = await stranger();
    await expect(online.login("alice", { identity: createIdentityKey() })).rejects.toMatchObject({ code: "NAME_TAKEN" });
    await expect(online.login("alice")).rejects.toMatchObject({ code: "NAME_TAKEN" });
    await expect(online.login("ALICE")).rejects.toMatchObject({ code: "NAME_TAKEN" });

    // Away, alice is still a member of lobby, so the server still holds her name for her key.
    await alice.client.close();
    const away = await stranger();
    await expect(away.login("alice", { identity: createIdentityKey() })).rejects.toMatchObject({ code: "NAME_TAKEN" });
    await expect(away.login("alice")).rejects.toMatchObject({ code: "NAME_TAKEN" });
    const back = await resume("alice", alice.key);
    expect(back.kind).toBe("keyed");
    expect(back.rooms).toEqual(["lobby"]);
  });

  it("refuses a login signature replayed on another connection, or moved to another name (UNAUTHORIZED)", async () => {
    const key = createIdentityKey();
    const first = await wire(server().url);
    const signed = signLogin(key, first.hello.challenge, "alice");
    await expect(first.socket.emitWithAck("login", signed)).resolves.toMatchObject({ ok: true, data: { name: "alice", kind: "keyed" } });

    const second = await wire(server().url);
    expect(second.hello.challenge).not.toBe(first.hello.challenge);
    const refused = { ok: false, error: { code: "UNAUTHORIZED", message: expect.any(String) } };
    await expect(second.socket.emitWithAck("login", signed)).resolves.toEqual(refused);
    first.socket.disconnect();
    await expect(second.socket.emitWithAck("login", signed)).resolves.toEqual(refused);
    const renamed = { ...signLogin(key, second.hello.challenge, "alice"), name: "mallory" };
    await expect(second.socket.emitWithAck("login", renamed)).resolves.toEqual(refused);
    const forged = { ...signLogin(createIdentityKey(), second.hello.challenge, "alice"), publicKey: signed.publicKey };
    await expect(second.socket.emitWithAck("login", forged)).resolves.toEqual(refused);

    // The same key, signing this connection's challenge, gets in.
    const fresh = signLogin(key, second.hello.challenge, "alice");
    await expect(second.socket.emitWithAck("login", fresh)).resolves.toMatchObject({ ok: true, data: { kind: "keyed" } });
  });
});
