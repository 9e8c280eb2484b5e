import { expect, it, onTestFinished } from "vitest";
import { deleteKeysWithPrefix, describeWithRedis, greeting, testIdentity, testKeyPrefix, useRelay, useSocket, type TestServer, type TestSocket } from "@pigeon/testing";

await describeWithRedis("rate limits on two nodes sharing one Redis", (redisUrl) => {
  it("caps one identity's messages over both nodes together", async () => {
    const redisPrefix = testKeyPrefix("limits");
    // Registered before the relays start, so it runs after they have closed.
    onTestFinished(async () => {
      await deleteKeysWithPrefix(redisUrl, redisPrefix);
    });
    const config = { store: "redis", redisUrl, redisPrefix, messagesPerMinute: 5 } as const;
    const nodes = [await useRelay({ ...config, nodeId: "node-a" }), await useRelay({ ...config, nodeId: "node-b" })];
    const identity = testIdentity();
    const login = async (server: TestServer): Promise<TestSocket> => {
      const socket = await useSocket(server);
      expect(await socket.emitWithAck("login", identity.loginPayload("sprayer", greeting(socket)))).toMatchObject({ ok: true });
      expect(await socket.emitWithAck("join", "lobby")).toMatchObject({ ok: true });
      return socket;
    };
    const sockets = [await login(nodes[0] as TestServer), await login(nodes[1] as TestServer)];
    const codes = [];
    for (let index = 0; index < 10; index += 1) {
      const ack = await (sockets[index % 2] as TestSocket).emitWithAck("chat", { room: "lobby", text: `line ${index}` });
      codes.push(ack.ok ? "ok" : ack.error.code);
    }
    expect(codes.filter((code) => code === "ok")).toHaveLength(5);
    expect(codes.slice(5)).toEqual(Array(5).fill("RATE_LIMITED"));
  });
});
