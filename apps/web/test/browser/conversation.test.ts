import { describe, expect, it } from "vitest";
import { VIEWPORTS } from "./harness/chromium.js";
import { skipReason } from "./harness/skip.js";
import { useWorld } from "./harness/world.js";

describe.skipIf(skipReason !== "")("web client: two people", () => {
  const world = useWorld();

  it("chat; one closes the browser, misses a message, comes back with the same key and gets it, marked", async () => {
    const [alice, bob] = await world().gather({ name: "alice" }, { name: "bob", viewport: VIEWPORTS.phone });
    const [a, b] = [alice.chat, bob.chat];

    await a.send("Morning Bob! Did the deploy go out?");
    const received = await b.sees("Morning Bob! Did the deploy go out?");
    expect(await received.textContent()).toContain("alice");
    await a.statusIs("Morning Bob! Did the deploy go out?", "Delivered to all");
    await b.send("It did, at 9. All green so far.");
    await a.sees("It did, at 9. All green so far.");
    await b.statusIs("It did, at 9. All green so far.", "Delivered to all");
    // Own messages are set apart: they carry a status, others' carry their sender's name.
    expect(await a.message("Morning Bob!").getAttribute("class")).toContain("message-own");
    expect(await a.message("It did, at 9.").getAttribute("class")).toContain("message-other");

    // Bob closes his browser: he is still a member, now offline.
    await bob.profile.close();
    const people = a.members();
    await expect.poll(() => people.getByRole("listitem").filter({ hasText: "bob" }).textContent()).toContain("offline");
    await a.send("Bob, the release notes are in the doc when you are back.");
    await a.statusIs("Bob, the release notes are in the doc when you are back.", /^(Sent|Delivered to 0 of 1)$/u);

    // He comes back: the same profile, so the same key from IndexedDB; the name is remembered.
    const back = await bob.open(VIEWPORTS.phone);
    await back.signedIn();
    const missed = await back.sees("Bob, the release notes are in the doc when you are back.");
    expect(await missed.textContent()).toContain("while you were away");
    await expect.poll(() => back.page.getByTestId("divider").allTextContents()).toContain("While you were away");
    await a.statusIs("Bob, the release notes are in the doc when you are back.", "Delivered to all");
    // What he had before is still there: this browser kept it (the server no longer has it).
    expect(await back.texts()).toEqual([
      "Morning Bob! Did the deploy go out?",
      "It did, at 9. All green so far.",
      "Bob, the release notes are in the doc when you are back.",
    ]);
    expect(await back.message("It did, at 9.").getAttribute("class")).toContain("message-own");

    expect(a.problems()).toEqual([]);
    expect(back.problems()).toEqual([]);
  });
});

describe.skipIf(skipReason !== "")("web client: messages that will never come", () => {
  // A room holds at most 3 messages for people who are away, one sender at most 2 of them.
  const world = useWorld({ maxRoomEntries: 3 });

  it("tells someone back from being away how many messages the room's limit dropped meanwhile", async () => {
    // A plain room: in an encrypted one the room's entries include its group changes, so the
    // count is "up to" (the encrypted rooms' tests show their notices).
    const [alice, bob] = await world().gather({ name: "alice", plain: true }, { name: "bob" });
    const a = alice.chat;
    await bob.profile.close();

    const sent = ["one", "two", "three", "four", "five"];
    for (const text of sent) await a.send(text);
    await a.statusIs("five", /^(Sent|Delivered to 0 of 1)$/u);

    const back = await bob.open(VIEWPORTS.desktop);
    await back.signedIn();
    await back.sees("five");
    const gap = back.page.getByTestId("gap");
    expect(await gap.textContent()).toBe("3 messages were deleted from the server before you got them.");
    expect(await back.texts()).toEqual(["four", "five"]);
  });
});
