import { describe, expect, it } from "vitest";
import { useRelay, useSocket } from "@pigeon/testing";

describe("compactHandshake", () => {
  it("keeps each socket's handshake address and time, with its empty parts shared", async () => {
    const server = await useRelay();
    await useSocket(server);
    await useSocket(server, ["polling"]);
    const [first, second] = [...server.relay.io.of("/").sockets.values()].map((socket) => socket.handshake);
    expect(first?.address).toMatch(/127\.0\.0\.1$/);
    expect(first?.time).toBe(String(new Date(first?.issued ?? 0)));
    expect(first).toMatchObject({ headers: {}, query: {}, auth: {}, xdomain: false, secure: true });
    expect(first?.headers).toBe(second?.headers);
  });
});
