import { expect, it, onTestFinished } from "vitest";
import type { TestSocket } from "@pigeon/testing";
import { clientPool, deleteKeysWithPrefix, describeWithRedis, startTcpProxy, testKeyPrefix, useMember, useRelay, useSocket, waitUntil } from "@pigeon/testing";

// A node cut off from Redis for longer than the dead-after period (3 heartbeats) while the
// others go on: they take it for dead and release what its connections held. Its clients are
// still connected to it, and would go on under names that others may now take.

const HEARTBEAT_MS = 100;

await describeWithRedis("a node presumed dead while it was only cut off", (redisUrl) => {
  it("closes its connections once it is back, so that they log in again", async () => {
    const redisPrefix = testKeyPrefix("presumed-dead");
    // Registered before the relays start, so they run after the relays have closed.
    onTestFinished(async () => {
      await deleteKeysWithPrefix(redisUrl, redisPrefix);
    });
    const link = await startTcpProxy(new URL(redisUrl).host);
    onTestFinished(() => link.close());
    const cutOff = await useRelay({ store: "redis", redisUrl: link.redisUrl, redisPrefix, heartbeatIntervalMs: HEARTBEAT_MS });
    const other = await useRelay({ store: "redis", redisPrefix, heartbeatIntervalMs: HEARTBEAT_MS });
    const pool = clientPool();
    onTestFinished(() => pool.closeAll());
    const bob = await pool.keyed(cutOff.url, "bob", "lobby");
    const gus = await useMember(cutOff, "gus", ["lobby"]);
    const closed = new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error("gus's connection was never closed: two connections are logged in as gus"));
      }, 20_000);
      gus.once("disconnect", (reason) => {
        clearTimeout(timer);
        resolve(reason);
      });
    });

    link.cut();
    // The other node reaps the silent one: gus's name is free there.
    const impostor = await useSocket(other);
    await waitUntil(async () => (await impostor.emitWithAck("login", "gus")).ok, "the other node gives gus's name away");

    link.mend();
    // Otherwise two people would chat as gus, each on their own node. Closed as a transport is,
    // which a socket.io client (this one has reconnection off) reconnects after.
    expect(await closed).toBe("transport close");
    const again = await reconnectedLogin(gus);
    expect(again).toMatchObject({ ok: false, error: { code: "NAME_TAKEN" } });
    // The SDK reconnects and logs in again by itself: bob is back in lobby.
    const sent = await bob.client.send("lobby", "back");
    expect(sent.seq).toBeGreaterThan(0);
  });
});

/** Connects `socket` again and logs it in as gus, as a client does after the server closed it. */
async function reconnectedLogin(socket: TestSocket) {
  socket.connect();
  await new Promise<void>((resolve) => {
    socket.once("connect", () => {
      resolve();
    });
  });
  return socket.emitWithAck("login", "gus");
}
