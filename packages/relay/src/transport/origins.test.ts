import { io } from "socket.io-client";
import { describe, expect, it, onTestFinished } from "vitest";
import { useRelay, type TestServer } from "@pigeon/testing";

const ALLOWED = "https://chat.example.org";
const HOSTILE = "https://evil.example";

/** A polling handshake as a browser page at `origin` would make it (no Origin: as Node clients do). */
async function pollingHandshake(server: TestServer, origin?: string): Promise<{ status: number; body: string; cors: string | null }> {
  const response = await fetch(`${server.url}/socket.io/?EIO=4&transport=polling`, origin === undefined ? {} : { headers: { origin } });
  return { status: response.status, body: await response.text(), cors: response.headers.get("access-control-allow-origin") };
}

/** A WebSocket connection as a browser page at `origin` would open it: "connected", or the error. */
async function websocket(server: TestServer, origin?: string): Promise<string> {
  const socket = io(server.url, {
    transports: ["websocket"],
    reconnection: false,
    forceNew: true,
    ...(origin === undefined ? {} : { extraHeaders: { origin } }),
  });
  onTestFinished(() => {
    socket.close();
  });
  return new Promise((resolve) => {
    socket.once("hello", () => {
      resolve("connected");
    });
    socket.once("connect_error", (error) => {
      resolve(error.message);
    });
  });
}

describe("allowedOrigins", () => {
  it("refuses polling handshakes from an origin not listed, with a clear error, and admits listed ones and none", async () => {
    const server = await useRelay({ allowedOrigins: `${ALLOWED}, https://other.example.org` });
    const hostile = await pollingHandshake(server, HOSTILE);
    expect(hostile.status).toBe(403);
    expect(JSON.parse(hostile.body)).toMatchObject({ message: `origin ${HOSTILE} is not allowed to connect to this relay (see allowedOrigins)` });
    expect(hostile.cors).toBeNull();

    const allowed = await pollingHandshake(server, ALLOWED);
    expect(allowed.status).toBe(200);
    expect(allowed.body).toContain('"sid"');
    expect(allowed.cors).toBe(ALLOWED);
    // Node clients, the CLI and the tutorial's scripts send no Origin.
    expect((await pollingHandshake(server)).status).toBe(200);
  });

  it("refuses WebSocket handshakes from an origin not listed, and admits listed ones and none", async () => {
    const server = await useRelay({ allowedOrigins: ALLOWED });
    expect(await websocket(server, HOSTILE)).not.toBe("connected");
    expect(await websocket(server, ALLOWED)).toBe("connected");
    expect(await websocket(server)).toBe("connected");
  });

  it("always admits the relay's own origin, which serves the web client", async () => {
    const server = await useRelay({ allowedOrigins: ALLOWED });
    expect(await websocket(server, server.url)).toBe("connected");
    expect((await pollingHandshake(server, server.url)).status).toBe(200);
    // Same host, another port: another origin.
    expect(await websocket(server, `http://127.0.0.1:${String(server.port + 1)}`)).not.toBe("connected");
  });

  it("admits every origin when unset, as the seed's clients expect", async () => {
    const server = await useRelay();
    expect(await websocket(server, HOSTILE)).toBe("connected");
    expect((await pollingHandshake(server, HOSTILE)).status).toBe(200);
  });
});
