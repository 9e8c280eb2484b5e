// socket.io's sharded Redis adapter as the relay sets it up (../../redis-adapter.ts), on Redis
// processes of the test's own: a Cluster, and a single Redis that goes down.
import { once } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Redis } from "ioredis";
import { Server } from "socket.io";
import { io as connectClient, type Socket as ClientSocket } from "socket.io-client";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createRedisAdapter, skipOwnBroadcasts } from "./redis-adapter.js";
import {
  describeWithRedisBinaries,
  shardSubscribers,
  startRedisServer,
  useRedisCluster,
  waitUntil,
  type RedisServerProcess,
} from "@pigeon/testing";

const PREFIX = "adapter-test";
/** The sharded adapter's channel for a room, in "dynamic" mode. */
const LOBBY_CHANNEL = `${PREFIX}:sio#/#lobby#`;

/** Waits until `channel` has `count` subscribers: adapters subscribe without waiting. */
async function subscribed(ports: readonly number[], channel: string, count: number): Promise<void> {
  await waitUntil(async () => (await shardSubscribers(ports, channel)) >= count, `${count} subscribers of ${channel}`);
}

describeWithRedisBinaries("the sharded Redis adapter", () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  /** A socket.io server on port 0 with the relay's adapter; every socket joins `lobby`. */
  const startNode = async (redisUrl: string, redisCluster: boolean) => {
    const adapter = await createRedisAdapter({ redisUrl, redisCluster, redisPrefix: PREFIX });
    const httpServer = createServer();
    const io = new Server(httpServer, { adapter: adapter.adapter });
    io.on("connection", (socket) => {
      void socket.join("lobby");
      socket.emit("joined");
    });
    httpServer.listen(0, "127.0.0.1");
    await once(httpServer, "listening");
    cleanups.push(async () => {
      await io.close();
      await adapter.close();
    });
    return { io, url: `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}` };
  };
  const joinedClient = async (url: string) => {
    const client: ClientSocket = connectClient(url, { transports: ["websocket"], reconnection: false });
    cleanups.push(() => Promise.resolve(client.disconnect()));
    await new Promise((resolve) => client.once("joined", resolve));
    return client;
  };
  const received = (client: ClientSocket) => new Promise((resolve) => client.once("news", resolve));

  describe("on a Redis Cluster", () => {
    const cluster = useRedisCluster(3);

    it("delivers io.to(room).emit on one node to the room's socket on another", async () => {
      const [a, b] = [await startNode(cluster().url, true), await startNode(cluster().url, true)];
      const [clientA, clientB] = [await joinedClient(a.url), await joinedClient(b.url)];
      await subscribed(cluster().nodes.map(({ port }) => port), LOBBY_CHANNEL, 2);
      const news = [received(clientA), received(clientB)];
      a.io.to("lobby").emit("news", "from node a");
      expect(await Promise.all(news)).toEqual(["from node a", "from node a"]);
    });
  });

  describe("on one Redis, which may go down", () => {
    let server: RedisServerProcess;
    beforeAll(async () => {
      server = await startRedisServer();
    });
    afterAll(async () => {
      await server.stop();
    });

    it("drops its own broadcasts unread, and still hears another node's, even one whose text ends like its own", async () => {
      const [a, b] = [await startNode(server.url, false), await startNode(server.url, false)];
      const [onA, onB] = [await joinedClient(a.url), await joinedClient(b.url)];
      await subscribed([server.port], LOBBY_CHANNEL, 2);
      // What the nodes publish, as Redis carries it.
      const listener = new Redis(server.url);
      cleanups.push(() => listener.quit());
      const published: Buffer[] = [];
      listener.on("smessageBuffer", (_channel: Buffer, message: Buffer) => published.push(message));
      await listener.ssubscribe(LOBBY_CHANNEL);
      const uidOf = (io: Server) => (io.of("/").adapter as unknown as { uid: string }).uid;
      const forged = `","uid":"${uidOf(a.io)}","nsp":"/"}`;

      const heard = [received(onA), received(onB)];
      a.io.to("lobby").emit("news", "from node a");
      expect(await Promise.all(heard)).toEqual(["from node a", "from node a"]);
      const fromB = [received(onA), received(onB)];
      b.io.to("lobby").emit("news", forged);
      expect(await Promise.all(fromB)).toEqual([forged, forged]);
      await waitUntil(() => Promise.resolve(published.length === 2), "both broadcasts published");

      // Node a's filter, on what each node published: its own is dropped, b's (forged tail and all) decoded.
      const decoded: Buffer[] = [];
      const filter = skipOwnBroadcasts({ uid: uidOf(a.io), nsp: { name: "/" }, onRawMessage: (raw: Buffer, _channel: string) => decoded.push(raw) });
      for (const raw of published) filter.onRawMessage(raw, LOBBY_CHANNEL);
      expect(decoded).toEqual([published[1]]);
    });

    it("tells when a room's subscription is in place, so a join can wait for it", async () => {
      const adapter = await createRedisAdapter({ redisUrl: server.url, redisCluster: false, redisPrefix: PREFIX });
      const io = new Server(createServer(), { adapter: adapter.adapter });
      cleanups.push(async () => {
        await io.close();
        await adapter.close();
      });
      // What a join does: a socket enters the room here, then the relay waits on subscribed().
      void io.of("/").adapter.addAll("a-socket-id", new Set(["lobby"]));
      await adapter.subscribed("lobby");
      expect(await shardSubscribers([server.port], LOBBY_CHANNEL)).toBe(1);
      // A room nobody here joined has nothing under way: nothing to wait for.
      await adapter.subscribed("elsewhere");
      expect(await shardSubscribers([server.port], `${PREFIX}:sio#/#elsewhere#`)).toBe(0);
    });

    it("subscribes a room created during the outage once Redis is back", async () => {
      const [a, b] = [await startNode(server.url, false), await startNode(server.url, false)];
      await server.kill();
      const clientB = await joinedClient(b.url);
      await server.restart();
      await subscribed([server.port], LOBBY_CHANNEL, 1);
      const news = received(clientB);
      a.io.to("lobby").emit("news", "after the outage");
      expect(await news).toBe("after the outage");
    });

    it("closes during an outage at once, not waiting for Redis", async () => {
      const node = await startNode(server.url, false);
      await server.kill();
      await joinedClient(node.url);
      for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
      await server.restart();
    });
  });

  it("survives subscriptions Redis refuses (the adapter does not handle their failure)", async () => {
    // No channel may be subscribed: every SSUBSCRIBE fails with NOPERM. Unhandled, that would
    // end a Node process (and fail this test run).
    const server = await startRedisServer({ args: ["--user", "default", "on", "nopass", "~*", "resetchannels", "+@all"] });
    cleanups.push(() => server.stop());
    const node = await startNode(server.url, false);
    await joinedClient(node.url);
    expect(await shardSubscribers([server.port], LOBBY_CHANNEL)).toBe(0);
  });
});
