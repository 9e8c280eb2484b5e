import { describe, expect, it } from "vitest";
import { nextEvent, record, useClients, useRelayPerTest } from "@pigeon/testing";

describe("typing", () => {
  const server = useRelayPerTest();
  const { guest: user } = useClients(server);

  it("tells the others in the room that someone is typing, once per burst of keystrokes", async () => {
    const alice = await user("alice", "lobby");
    const bob = await user("bob", "lobby");
    const seen = record(bob, "typing");
    const first = nextEvent(bob, "typing");
    for (let key = 0; key < 20; key += 1) alice.typing("lobby");
    expect(await first).toEqual({ room: "lobby", user: "alice" });
    // A message after the keystrokes arrives after any typing event they caused.
    const message = nextEvent(bob, "message");
    await alice.send("lobby", "hi");
    await message;
    expect(seen).toHaveLength(1);
  });
});
