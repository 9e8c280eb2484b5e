import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createIdentityKey, signLogin, type IdentityKey } from "@pigeon/crypto";
import type { ClientToServerEvents, Hello, LoginPayloadInput, ServerToClientEvents } from "@pigeon/protocol";
import { Server, type Socket as VictimSocket } from "socket.io";
import { io, type Socket } from "socket.io-client";
import { expect, it, onTestFinished } from "vitest";
import { describeEachStore, useClients, useRelayPerTest } from "@pigeon/testing";
import { createClient } from "./client.js";

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
    const origin = new URL(server().url).origin;
    const sign = (signer: IdentityKey, challenge: string, name: string) => signLogin(signer, { origin, challenge, name });
    const first = await wire(server().url);
    const signed = sign(key, first.hello.challenge, "alice");
    await expect(first.socket.emitWithAck("login", signed)).resolves.toMatchObject({ ok: true, data: { name: "alice", kind: "keyed" } });

    const second = await wire(server().url);
    expect(second.hello.challenge).not.toBe(first.hello.challenge);
    const refused = { ok: false, error: { code: "UNAUTHORIZED", message: expect.any(String) } };
    await expect(second.socket.emitWithAck("login", signed)).resolves.toEqual(refused);
    first.socket.disconnect();
    await expect(second.socket.emitWithAck("login", signed)).resolves.toEqual(refused);
    const renamed = { ...sign(key, second.hello.challenge, "alice"), name: "mallory" };
    await expect(second.socket.emitWithAck("login", renamed)).resolves.toEqual(refused);
    const forged = { ...sign(createIdentityKey(), second.hello.challenge, "alice"), publicKey: signed.publicKey };
    await expect(second.socket.emitWithAck("login", forged)).resolves.toEqual(refused);

    // The same key, signing this connection's challenge, gets in.
    const fresh = sign(key, second.hello.challenge, "alice");
    await expect(second.socket.emitWithAck("login", fresh)).resolves.toMatchObject({ ok: true, data: { kind: "keyed" } });
  });

  it("refuses what a hostile server gets by passing this relay's challenge to a user: the proof names the hostile server", async () => {
    // alice is a member of lobby, away, with a message held for her.
    const alice = await user("alice", "lobby");
    await alice.client.close();
    const bob = await user("bob", "lobby");
    await bob.client.send("lobby", "for alice only");

    // The hostile server opens connections to the real relay and greets alice's unmodified
    // client with one's hello, challenge and all, keeping that connection to use her proof on.
    let steal: (theft: { payload: LoginPayloadInput; link: WireSocket }) => void = () => undefined;
    const stolen = new Promise<{ payload: LoginPayloadInput; link: WireSocket }>((resolve) => (steal = resolve));
    const hostile = await hostileServer((victim) => {
      void wire(server().url).then(({ socket: link, hello }) => {
        victim.on("login", (payload: LoginPayloadInput) => {
          steal({ payload, link });
        });
        victim.emit("hello", hello);
      });
    });
    onTestFinished(() => hostile.close());
    {
      const victim = createClient({ url: hostile.url, timeoutMs: 2_000 });
      onTestFinished(() => victim.close());
      void victim.connect().then(() => victim.login("alice", { identity: alice.key })).catch(() => undefined);
    }
    const { payload, link } = await stolen;
    expect(payload).toMatchObject({ name: "alice", origin: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/) });

    // On the connection whose challenge alice signed: refused as it is, since it names the
    // hostile server; with the origin rewritten to the real relay's, the signature fails.
    const refused = { ok: false, error: { code: "UNAUTHORIZED", message: expect.stringContaining("not this server") } };
    await expect(link.emitWithAck("login", payload)).resolves.toEqual(refused);
    const rewritten = { ...(payload as object), origin: new URL(server().url).origin } as LoginPayloadInput;
    await expect(link.emitWithAck("login", rewritten)).resolves.toMatchObject({ ok: false, error: { code: "UNAUTHORIZED" } });

    // Nothing of alice's was read or acked: she gets the held message when she comes back.
    const back = client();
    const heard = new Promise<string>((resolve) => back.on("message", ({ message }) => { resolve(message); }));
    await resume("alice", alice.key, back);
    await expect(heard).resolves.toBe("for alice only");
  });
});

/** A socket.io server that hands each connection to `onVictim` and answers nothing itself. */
async function hostileServer(onVictim: (socket: VictimSocket) => void) {
  const http = createServer();
  const server = new Server(http);
  server.on("connection", onVictim);
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(http.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        void server.close(() => {
          resolve();
        });
      }),
  };
}
