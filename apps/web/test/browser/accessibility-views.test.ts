import { describe, expect, it } from "vitest";
import { accessibilityViolationsInStates } from "./harness/axe.js";
import { VIEWPORTS } from "./harness/chromium.js";
import { skipReason } from "./harness/skip.js";
import { useWorld } from "./harness/world.js";

// Every view of the app, at desktop and phone width, with axe-core's WCAG 2.2 AA and best-practice
// rules at rest and its contrast rules with each kind of control hovered and focused.
describe.skipIf(skipReason !== "")("web client: every view, at rest, hovered and focused, has no accessibility violations", () => {
  const world = useWorld();

  for (const [width, viewport] of Object.entries(VIEWPORTS)) {
    it(`at ${width} width (${viewport.width} px)`, async () => {
      const violations: string[] = [];
      const check = async (view: string, page: Parameters<typeof accessibilityViolationsInStates>[0]) => {
        // A room name typed (not sent) enables the Join button, so its hover and focus are checked too.
        const roomField = page.getByLabel("Room", { exact: true });
        if (await roomField.isVisible()) await roomField.fill("next");
        violations.push(...(await accessibilityViolationsInStates(page)).map((line) => `${view}: ${line}`));
      };

      // Sign-in.
      const newcomer = await world().person();
      const signIn = await newcomer.open(viewport);
      await signIn.page.getByLabel("Name").waitFor();
      await check("sign-in", signIn.page);

      // A room with messages (own, others', a key-change warning) and unread messages elsewhere.
      const proxy = await world().proxy();
      const [alice] = await world().gather({ name: "alice", viewport, proxy, rooms: ["random", "lobby"] });
      const a = alice.chat;
      await a.pinStaleKey("alice", "bob");
      const [bob] = await world().gather({ name: "bob", rooms: ["random", "lobby"] });
      const b = bob.chat;
      await b.send("hello alice");
      await a.sees("hello alice");
      await a.send("hello bob");
      await b.open("random");
      await b.send("unread for alice");
      // The room's entry on a desktop, the Rooms button on a phone.
      await a.page.getByRole("button", { name: /1 unread/u }).filter({ visible: true }).first().waitFor();
      await a.keyWarning("bob").waitFor();
      await check("room with a key-change warning", a.page);

      // The rooms list, as an overlay on a phone.
      const rooms = a.page.getByRole("button", { name: /^Rooms/u });
      if (await rooms.isVisible()) {
        await rooms.click();
        await check("Rooms overlay", a.page);
        await a.page.keyboard.press("Escape");
      }

      // People, then the Verify dialog from it.
      const people = a.page.getByRole("button", { name: "People", exact: true });
      if (await people.isVisible()) {
        if ((await people.getAttribute("aria-expanded")) !== "true") await people.click();
        await a.members().waitFor();
        await check("People", a.page);
      }
      await a.safetyNumber("bob");
      await check("Verify dialog", a.page);
      await a.page.keyboard.press("Escape");
      await a.verifyDialog().waitFor({ state: "hidden" });

      // Offline, with messages waiting.
      proxy.cut();
      await a.offlineBanner().waitFor();
      await a.send("waiting in the tunnel");
      await a.statusIs("waiting in the tunnel", "Sending…");
      await check("offline", a.page);
      proxy.restore();

      expect(violations).toEqual([]);
    });
  }
});
