import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { io } from "socket.io-client";
import { describe, expect, it, onTestFinished } from "vitest";

const MAIN = fileURLToPath(new URL("./main.ts", import.meta.url));

function startMain(args: string[], env: Record<string, string> = {}): ChildProcessWithoutNullStreams {
  const child = spawn(process.execPath, ["--conditions=@source", "--import", "tsx", MAIN, ...args], {
    env: { ...process.env, ...env },
  });
  onTestFinished(() => {
    child.kill("SIGKILL");
  });
  return child;
}

/** Resolves with the first JSON log line that has `msg`. */
async function logLine(child: ChildProcessWithoutNullStreams, msg: string): Promise<Record<string, unknown>> {
  for await (const line of createInterface({ input: child.stdout })) {
    const entry = JSON.parse(line) as Record<string, unknown>;
    if (typeof entry.msg === "string" && entry.msg.startsWith(msg)) return entry;
  }
  throw new Error(`the server exited before logging "${msg}"`);
}

describe("pigeon-server process", () => {
  it("starts from flags, serves clients, and on SIGTERM sends them away and exits 0", async () => {
    const server = startMain(["--port", "0", "--host", "127.0.0.1"], { PIGEON_NODE_ID: "main-test" });
    // Port 0 asks the OS for a free port; the process logs the one it bound.
    const listening = await logLine(server, "Pigeon listening");
    expect(listening).toMatchObject({ node: "main-test", store: "memory" });
    const url = `http://127.0.0.1:${String(listening.port)}`;

    const client = io(url, { transports: ["websocket"], reconnection: false });
    await new Promise((resolve) => client.once("hello", resolve));
    const disconnected = new Promise((resolve) => client.once("disconnect", resolve));
    const exited = once(server, "exit");
    server.kill("SIGTERM");
    expect(await disconnected).toBe("transport close");
    expect(await exited).toEqual([0, null]);
  });

  it("prints usage for --help and refuses bad configuration with exit code 2", async () => {
    const help = startMain(["--help"]);
    let usage = "";
    help.stdout.on("data", (chunk: Buffer) => (usage += chunk.toString()));
    expect(await once(help, "exit")).toEqual([0, null]);
    expect(usage).toContain("--port");
    expect(usage).toContain("PIGEON_STORE");

    const bad = startMain([], { PORT: "not-a-port" });
    let complaint = "";
    bad.stderr.on("data", (chunk: Buffer) => (complaint += chunk.toString()));
    expect(await once(bad, "exit")).toEqual([2, null]);
    expect(complaint).toContain("port");
  });
});
