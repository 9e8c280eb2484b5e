// Found by the chaos churn: on the Redis store the leave handler did not wait for
// `io.in(user).socketsLeave(room)`, which the Redis adapter publishes first and applies on its
// own node only when Redis answers. A join right after the leave's ack ran before that, and the
// stale removal then took the rejoined connection out of the room: a member in the store that
// got no broadcasts and whose sends were refused (NOT_IN_ROOM).
import { expect, it } from "vitest";
import { describeEachStore, useClients, useRelayPerTest } from "@pigeon/testing";

/** How late the Redis adapter's publishes are answered here (a busy Redis, a slow network). */
const PUBLISH_DELAY_MS = 50;

describeEachStore("leave, then join again at once", (store) => {
  const server = useRelayPerTest({ store });
  const { keyed } = useClients(server);

  it("keeps the rejoined connection in the room's broadcasts", async () => {
    // The Redis adapter's publishes (socket.io-adapter's ClusterAdapter) answer late; the
    // memory store's in-process adapter has none and applies a leave at once.
    const adapter = server().relay.io.of("/").adapter as unknown as { publishAndReturnOffset?: (message: unknown) => Promise<unknown> };
    const publish = adapter.publishAndReturnOffset?.bind(adapter);
    if (publish !== undefined) {
      adapter.publishAndReturnOffset = async (message) => {
        await new Promise((resolve) => setTimeout(resolve, PUBLISH_DELAY_MS));
        return publish(message);
      };
    }
    const alice = await keyed("alice", "lobby");
    const bob = await keyed("bob", "lobby");
    await alice.client.leave("lobby");
    await alice.client.join("lobby", { mode: "plain" });
    await new Promise((resolve) => setTimeout(resolve, PUBLISH_DELAY_MS * 2));

    await bob.client.send("lobby", "still there?");
    await expect(alice.client.send("lobby", "yes")).resolves.toMatchObject({ room: "lobby" });
    await expect.poll(() => alice.received.get("lobby")?.map((m) => m.message)).toEqual(["still there?", "yes"]);
  });
});
