import { describe, expect, it } from "vitest";
import { VIEWPORTS } from "./harness/chromium.js";
import { screenshotPath } from "./harness/screenshots.js";
import { skipReason } from "./harness/skip.js";
import { useWorld } from "./harness/world.js";

// A small team's morning, for the README's screenshots (docs/screenshots/).
describe.skipIf(skipReason !== "")("web client: screenshots", () => {
  const world = useWorld();

  it("shows a conversation at desktop and phone width, the rooms panel, and the offline banner", async () => {
    const proxy = await world().proxy();
    const alice = await world().person({ proxy });
    const a = await alice.open(VIEWPORTS.desktop);
    await a.page.getByLabel("Name").waitFor();
    await a.screenshot(screenshotPath("desktop-sign-in.png"));
    await a.signIn("alice");
    await a.join("design");
    await a.join("lobby");
    const [bob, carol] = await world().gather({ name: "bob", viewport: VIEWPORTS.phone }, { name: "carol", rooms: ["design", "lobby"] });
    const [b, c] = [bob.chat, carol.chat];

    await c.send("Morning! Standup moves to 10:30 today.");
    await a.sees("Morning! Standup moves to 10:30 today.");
    await b.send("Works for me. I'll bring the release checklist.");
    await a.send("Thanks Bob. Carol, did the new build fix the login bug?");
    await c.send("It did. The fix is on staging, have a look when you can.");
    await c.send("Also: the retro notes are in the shared doc.");
    await a.send("Great, checking now");
    await a.statusIs("Great, checking now", "Delivered to all");
    await b.sees("Great, checking now");
    await b.screenshot(screenshotPath("phone-chat.png"));
    await bob.profile.close();
    await a.send("Bob, ping me when you're back, I have a question about the checklist.");
    await a.statusIs("Bob, ping me when you're back, I have a question about the checklist.", /^(Sent|Delivered to 1 of 2)$/u);
    // Carol writes in the other room: alice sees an unread count there.
    await c.open("design");
    await c.send("New icons are up for review in #design");
    await c.send("Feedback by Friday would be great");
    await expect.poll(() => a.roomLink("design").textContent()).toContain("2 unread");
    await a.screenshot(screenshotPath("desktop-chat.png"));

    // Bob comes back on his phone: what he missed is marked.
    const back = await bob.open(VIEWPORTS.phone);
    await back.signedIn();
    await back.sees("Bob, ping me when you're back, I have a question about the checklist.");
    await back.screenshot(screenshotPath("phone-away.png"));
    await back.page.getByRole("button", { name: /^Rooms/u }).click();
    await back.screenshot(screenshotPath("phone-rooms.png"));
    await back.page.keyboard.press("Escape");

    // Alice's network drops: she keeps typing; the messages wait and then go out.
    proxy.cut();
    await a.offlineBanner().waitFor();
    await a.send("Train wifi is flaky, this goes out when I'm back");
    await a.statusIs("Train wifi is flaky, this goes out when I'm back", "Sending…");
    await a.screenshot(screenshotPath("desktop-offline.png"));
    proxy.restore();
    await a.statusIs("Train wifi is flaky, this goes out when I'm back", "Delivered to all");
  });

  it("shows an encrypted room, the Verify dialog and a key-change warning", async () => {
    const [alice] = await world().gather({ name: "alice", rooms: ["launch"] });
    const a = alice.chat;
    // Alice's browser knew another key for bob: his real one shows as a change.
    await a.pinStaleKey("alice", "bob");
    const [carol, bob] = await world().gather({ name: "carol", rooms: ["launch"] }, { name: "bob", viewport: VIEWPORTS.phone, rooms: ["launch"] });
    await carol.chat.send("Launch plan is final: Thursday 9:00, press embargo until 14:00.");
    await a.sees("Launch plan is final");
    await a.send("Thanks. Keep the embargo time to this room, please.");
    await carol.chat.sees("Keep the embargo time");
    await carol.chat.safetyNumber("alice");
    await carol.chat.verifyDialog().getByRole("button", { name: "Mark as verified" }).click();
    await carol.chat.verifyDialog().getByTestId("verify-status").filter({ hasText: "You verified alice." }).waitFor();
    await carol.chat.screenshot(screenshotPath("desktop-verify.png"));
    await carol.chat.verifyDialog().getByRole("button", { name: "Close" }).click();
    await carol.chat.members().getByRole("listitem").filter({ hasText: "verified" }).waitFor();
    await carol.chat.screenshot(screenshotPath("desktop-encrypted.png"));

    await bob.chat.send("Can someone resend the embargo time? New phone.");
    await a.sees("New phone.");
    await a.keyWarning("bob").waitFor();
    await a.screenshot(screenshotPath("desktop-key-warning.png"));
    await bob.chat.safetyNumber("alice");
    await bob.chat.screenshot(screenshotPath("phone-verify.png"));
  });
});
