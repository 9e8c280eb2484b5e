import { describe, expect, it } from "vitest";
import { skipReason } from "./harness/skip.js";
import { useWorld } from "./harness/world.js";

describe.skipIf(skipReason !== "")("web client: offline", () => {
  const world = useWorld();

  it("keeps typing while disconnected: a banner says so, messages wait, then go out in order on reconnect", async () => {
    const proxy = await world().proxy();
    const [alice, bob] = await world().gather({ name: "alice", proxy }, { name: "bob" });
    const [a, b] = [alice.chat, bob.chat];
    await a.send("before the tunnel");
    await b.sees("before the tunnel");

    proxy.cut();
    const banner = a.offlineBanner();
    await banner.waitFor();
    expect(await banner.textContent()).toContain("messages go out when the connection is back");
    const offline = ["in the tunnel, one", "in the tunnel, two", "in the tunnel, three"];
    for (const text of offline) await a.send(text);
    for (const text of offline) await a.statusIs(text, "Sending…");
    await expect.poll(() => banner.textContent()).toContain("3 messages wait to be sent");
    expect(await b.texts()).toEqual(["before the tunnel"]);

    proxy.restore();
    await banner.waitFor({ state: "detached", timeout: 20_000 });
    await a.statusIs("in the tunnel, three", "Delivered to all");
    // Only the latest own message says so; the earlier ones, delivered as well, show no status.
    for (const text of offline.slice(0, -1)) await expect.poll(() => a.message(text).locator(".status-label").count()).toBe(0);
    await expect.poll(() => b.texts()).toEqual(["before the tunnel", ...offline]);
    // Each went out once.
    expect(await a.texts()).toEqual(["before the tunnel", ...offline]);
    expect(a.problems()).toEqual([]);
  });
});
