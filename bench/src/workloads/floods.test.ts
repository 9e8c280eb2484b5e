// A tiny run of every flood against a real Pigeon process (from source), with its limits
// lowered so that tiny floods meet them, and of the limits-off switch the limits-cost rows
// use. Nothing here asserts on timing: only that the table comes out and the floods were refused.
import { afterAll, describe, expect, it } from "vitest";
import { FLOODS, runFlood } from "../clients/flooders.js";
import { ThinClient } from "../clients/thin-client.js";
import { waitUntil } from "../measure/wait.js";
import { floodsMarkdown } from "../report/floods-markdown.js";
import { machineInfo, versions } from "../machine/info.js";
import { LIMITS_OFF_MARK } from "../servers/launch-options.js";
import { startPigeon } from "../servers/pigeon.js";
import { killAllServers } from "../servers/process.js";
import { runFloods, type FloodsSettings } from "./floods.js";

afterAll(() => {
  killAllServers();
});

const SESSIONS_PER_ADDRESS = 20;
const NEW_IDENTITIES_PER_HOUR = 8;

const TINY: FloodsSettings = {
  probeRatePerSecond: 10,
  warmupMs: 100,
  measureMs: 400,
  count: { chat: 300, badLogins: 60, pollingHandshakes: 60, idleSockets: 40, slowReaders: 200, guestRoom: 300, newIdentities: 20 },
  // Each flood's first round alone goes past its limit, so that it is refused however slow the
  // machine is: a loaded CI machine once opened only 9 idle sockets, 8 at a time, in the window.
  // The floods that blast (chat, bad logins, the guest's room) do so in their first round anyway.
  concurrency: {
    chat: 1,
    badLogins: 1,
    // Sessions past the limit, the probes' two included.
    pollingHandshakes: SESSIONS_PER_ADDRESS + 4,
    idleSockets: SESSIONS_PER_ADDRESS + 4,
    slowReaders: 2,
    guestRoom: 1,
    newIdentities: NEW_IDENTITIES_PER_HOUR + 4,
  },
  // The defaults are sized for people and refuse only big floods; these refuse small ones.
  relayEnv: {
    PIGEON_EVENT_BURST: "50",
    PIGEON_SESSIONS_PER_ADDRESS: String(SESSIONS_PER_ADDRESS),
    PIGEON_NEW_IDENTITIES_PER_HOUR: String(NEW_IDENTITIES_PER_HOUR),
  },
};

describe("floods", () => {
  it("measures the probes before and during every flood, and every flood is refused", { timeout: 120_000 }, async () => {
    const results = await runFloods(TINY, () => undefined);
    expect(results.map((result) => result.flood)).toEqual([...FLOODS]);
    for (const result of results) {
      expect(result.baseline.count, result.flood).toBeGreaterThan(0);
      expect(result.underFlood.count, result.flood).toBeGreaterThan(0);
      expect(result.outcome.attempted, result.flood).toBeGreaterThan(0);
      const refused = Object.values(result.outcome.refused).reduce((total, count) => total + count, 0);
      expect(refused, `${result.flood}: ${JSON.stringify(result.outcome)}`).toBeGreaterThan(0);
      expect(result.rssAfterBytes).toBeGreaterThan(0);
    }
    const table = floodsMarkdown(results, {
      startedAt: new Date().toISOString(),
      durationSeconds: 1,
      machine: machineInfo(),
      versions: versions(),
    });
    expect(table.split("\n").filter((line) => line.startsWith("| ") && !line.startsWith("| flood") && !line.startsWith("| ---"))).toHaveLength(FLOODS.length);
  });
});

describe("a flood whose window closes before it is set up", () => {
  it("still sends its first round: a loaded machine may take a short window to connect and log in", async () => {
    const server = await startPigeon({ limits: "defaults" });
    try {
      const outcome = await runFlood({ kind: "chat", port: server.port, count: 100, durationMs: 0, concurrency: 1 });
      expect(outcome.attempted).toBeGreaterThan(0);
    } finally {
      await server.kill();
    }
  });
});

describe("limits off", () => {
  it("replaces the relay's limit checks by no-ops: a burst of 1 refuses nothing", async () => {
    const server = await startPigeon({ limits: "off", env: { PIGEON_EVENT_BURST: "1", PIGEON_EVENTS_PER_SECOND: "1", PIGEON_MESSAGES_PER_MINUTE: "1" } });
    try {
      expect(await waitUntil(() => server.output().includes(LIMITS_OFF_MARK), 10_000)).toBe(true);
      const client = await ThinClient.connect({ port: server.port, name: "unlimited" });
      await client.login();
      await client.join("lobby");
      for (let index = 0; index < 5; index += 1) await client.request("chat", { room: "lobby", text: `${String(index)}:hi` });
      expect(await waitUntil(() => client.messages === 5, 10_000)).toBe(true);
      client.close();
    } finally {
      await server.kill();
    }
  });
});
