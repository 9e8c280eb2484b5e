import { createClient, type PigeonClient } from "@pigeon/client";
import { createIdentityKey } from "@pigeon/crypto";
import { nodeCryptoProvider } from "@pigeon/crypto/node";
import { startTestServer } from "@pigeon/testing";
import { afterEach, describe, expect, it, onTestFinished } from "vitest";
import { startCli } from "../../test/cli-process.js";
import { useServer } from "../../test/fixtures.js";

describe("pigeon listen", () => {
  const server = useServer();
  const clients: PigeonClient[] = [];
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
  });

  // A keyed SDK client, which joins the room's encrypted group as the CLI does.
  async function sender(name: string, room: string): Promise<PigeonClient> {
    const client = createClient({ url: server().url, logger: { warn: () => undefined }, mls: { cryptoProvider: nodeCryptoProvider } });
    clients.push(client);
    await client.connect();
    await client.login(name, { identity: createIdentityKey() });
    await client.join(room);
    return client;
  }

  it("prints messages of its room as readable lines, nothing else on stdout", async () => {
    const listener = startCli(["listen", "--server", server().url, "--name", "bob", "--room", "lobby", "--count", "2"]);
    await listener.waitForStderr(/listening to lobby/);
    const alice = await sender("alice", "lobby");
    await alice.join("elsewhere");
    await alice.send("lobby", "first");
    await alice.send("elsewhere", "not for bob");
    await alice.send("lobby", "second \u001b[31mred\u001b[0m");
    expect(await listener.exit()).toEqual({ code: 0, signal: null });
    expect(listener.stdout).toMatch(/^\d\d:\d\d \[lobby\] alice: first\n\d\d:\d\d \[lobby\] alice: second \uFFFD\[31mred\uFFFD\[0m\n$/);
  });

  it("keeps listening through a restart of the relay, says the room started over and prints what follows", async () => {
    const first = server();
    const listener = startCli(["listen", "--server", first.url, "--name", "bob", "--room", "lobby", "--count", "4"]);
    await listener.waitForStderr(/listening to lobby/);
    const alice = await sender("alice", "lobby");
    for (const text of ["one", "two", "three"]) await alice.send("lobby", text);
    await listener.waitForStdout(/alice: three/);

    // The memory store starts empty again: lobby's seqs begin again at 1.
    await first.close();
    const second = await startTestServer({}, { port: first.port });
    onTestFinished(() => second.close());
    await listener.waitForStderr(/^\[lobby\] the room started over on the server/m);
    // The room's group started over with it: what alice sends before bob is in the new group
    // is not his to read (he would be told so), so wait until he is.
    await listener.waitForStderr(/reconnecting…[^]*^\[lobby\] you (?:created the room's|joined the) encrypted group/mu);
    await alice.send("lobby", "after the restart");
    expect(await listener.exit()).toEqual({ code: 0, signal: null });
    expect(listener.stdout.split("\n").filter(Boolean).map((line) => line.replace(/^\d\d:\d\d /, ""))).toEqual([
      "[lobby] alice: one",
      "[lobby] alice: two",
      "[lobby] alice: three",
      "[lobby] alice: after the restart",
    ]);
  });

  it("exits 0 when its timeout ends", async () => {
    const listener = startCli(["listen", "--server", server().url, "--name", "bob", "--room", "lobby", "--timeout", "0.3"]);
    expect(await listener.exit()).toEqual({ code: 0, signal: null });
    expect(listener.stdout).toBe("");
    expect(listener.stderr).toContain("listening to lobby");
  });

  it("exits 1 when the server closes the connection", async () => {
    const listener = startCli(["listen", "--server", server().url, "--name", "bob", "--room", "lobby"]);
    await listener.waitForStderr(/listening to lobby/);
    for (const socket of server().relay.io.sockets.sockets.values()) socket.disconnect(true);
    expect((await listener.exit()).code).toBe(1);
    expect(listener.stderr).toMatch(/^pigeon: the server closed the connection$/m);
  });
});
