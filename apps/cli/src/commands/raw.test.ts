import { describe, expect, it } from "vitest";
import { startCli } from "../../test/cli-process.js";
import { closedPortUrl, useServer } from "../../test/fixtures.js";

describe("pigeon raw", () => {
  const server = useServer();

  it("reproduces the tutorial: two raw clients log in, join test, and one hears the other", async () => {
    const { url } = server();
    const one = startCli(["raw", "--server", url]);
    one.write("login\none\njoin\ntest\n");
    // The server sends the room its member list on every join; seeing ours means we are in.
    await one.waitForStdout(/^members \{"room":"test","members":\[\{"name":"one","online":true\}\],"mode":"plain"\}$/m);

    const two = startCli(["raw", "--server", url]);
    two.write("login\ntwo\njoin\ntest\nchat\nhello\n");
    const [, json = ""] = await one.waitForStdout(/^message (\{.*\})$/m);
    expect(JSON.parse(json)).toMatchObject({ user: "two", message: "hello", room: "test", seq: 1 });
    two.end();
    expect(await two.exit()).toEqual({ code: 0, signal: null });
    expect(two.stdout).toMatch(/^message \{"user":"two","message":"hello"/m);
    one.end();
    expect(await one.exit()).toEqual({ code: 0, signal: null });
    expect(one.stdout).toMatch(/^Event : login\nData : one\nEvent : join\nData : test\n/m);
    expect(one.stdout).toMatch(/^hello \{"protocolVersion":\d+,/m);
  });

  it("sends data that parses as a JSON object as that object, and prints error events", async () => {
    const raw = startCli(["raw", "--server", server().url]);
    raw.write('login\n{"name":"obj"}\njoin\n{"room":"two words"}\n');
    const [, json = ""] = await raw.waitForStdout(/^error (\{.*\})$/m);
    expect(JSON.parse(json)).toMatchObject({ event: "join", code: "BAD_REQUEST" });
    const names = [...server().relay.io.sockets.sockets.values()].map((socket) => socket.data.name);
    expect(names).toEqual(["obj"]);
    raw.end();
    expect((await raw.exit()).code).toBe(0);
  });

  it("exits 4 when no server listens", async () => {
    const url = await closedPortUrl();
    const raw = startCli(["raw", "--server", url, "--connect-timeout", "0.5"]);
    raw.write("login\nnobody\n");
    expect((await raw.exit()).code).toBe(4);
    expect(raw.stderr).toMatch(/^pigeon: cannot reach http:\/\/127\.0\.0\.1:\d+/m);
  });
});
