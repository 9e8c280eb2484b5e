import { io } from "socket.io-client";
import { afterEach, describe, expect, it } from "vitest";
import { cliConfigDir, runCli, type CliRun } from "./harness/cli.js";
import { skipReason } from "./harness/skip.js";
import { useWorld } from "./harness/world.js";

describe.skipIf(skipReason !== "")("web client with other clients", () => {
  const world = useWorld();
  const runs: CliRun[] = [];
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const run of runs.splice(0)) run.kill();
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  it("chats with the pigeon CLI, both ways", async () => {
    const config = await cliConfigDir();
    cleanups.push(config.remove);
    const server = ["--server", world().relay.url];
    const [alice] = await world().gather({ name: "alice" });
    const page = alice.chat;

    // Both ends encrypted: the browser created lobby as an MLS group, the CLI joins it.
    expect(await page.roomMode()).toBe("Encrypted");
    const send = runCli(["send", ...server, "--name", "carol", "--room", "lobby", "hello from the terminal"], config.dir);
    runs.push(send);
    expect(await send.exited).toBe(0);
    const fromCli = await page.sees("hello from the terminal");
    expect(await fromCli.locator(".message-user").textContent()).toBe("carol");

    const listen = runCli(["listen", ...server, "--name", "carol", "--room", "lobby", "--count", "1"], config.dir);
    runs.push(listen);
    await listen.waitFor("stderr", /listening to/u);
    await page.send("hi carol, from the browser");
    await listen.waitFor("stdout", /\[lobby\] alice: hi carol, from the browser/u);
    expect(await listen.exited).toBe(0);
    await page.statusIs("hi carol, from the browser", "Delivered to all");
  });

  it("shows the tutorial client's messages, and the tutorial client gets the browser's", async () => {
    // The tutorial's clients can't do MLS: the person makes lobby a plain room, deliberately.
    const [alice] = await world().gather({ name: "alice", plain: true });
    const page = alice.chat;
    expect(await page.roomMode()).toBe("Not encrypted");

    // The seed tutorial's client: plain socket.io, string payloads, no acks.
    const seed = io(world().relay.url, { transports: ["polling", "websocket"], reconnection: false });
    cleanups.push(() => {
      seed.disconnect();
      return Promise.resolve();
    });
    const heard: { user: string; message: string }[] = [];
    seed.on("message", (payload: { user: string; message: string }) => heard.push(payload));
    seed.emit("login", "tutorial");
    seed.emit("join", "lobby");
    seed.emit("chat", "hello from the tutorial client");

    const fromSeed = await page.sees("hello from the tutorial client");
    expect(await fromSeed.locator(".message-user").textContent()).toBe("tutorial");
    await expect.poll(() => page.members().textContent()).toContain("tutorial");
    await page.send("welcome, tutorial");
    await expect.poll(() => heard.map(({ user, message }) => `${user}: ${message}`)).toContain("alice: welcome, tutorial");
  });
});
