import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { accessibilityViolations } from "./harness/axe.js";
import { VIEWPORTS } from "./harness/chromium.js";
import { skipReason } from "./harness/skip.js";
import { useWorld } from "./harness/world.js";

describe.skipIf(skipReason !== "")("web client: accessibility", () => {
  const world = useWorld();

  it("works with the keyboard alone: name, Enter, Tab to the Room field, Enter, Tab to Message, Enter", async () => {
    const alice = await world().person();
    const page = await alice.open(VIEWPORTS.desktop);
    const keyboard = page.page.keyboard;
    // The Name field has focus on arrival.
    await expect.poll(() => page.page.evaluate(() => document.activeElement?.getAttribute("name"))).toBe("name");
    await keyboard.type("alice");
    await keyboard.press("Enter");
    await page.signedIn();
    await tabUntilFocused(page.page, "Room");
    await keyboard.type("lobby");
    await keyboard.press("Enter");
    await page.roomHeading("lobby").waitFor();
    await tabUntilFocused(page.page, "Message");
    await keyboard.type("typed without a mouse");
    await keyboard.press("Enter");
    await page.statusIs("typed without a mouse", /Sent|Delivered to all/u);
    // Shift+Enter makes a new line rather than sending.
    await keyboard.type("line one");
    await keyboard.press("Shift+Enter");
    await keyboard.type("line two");
    await keyboard.press("Enter");
    await page.sees("line one\nline two");
  });

  it("has no WCAG 2.1 AA violations (contrast included) at desktop and phone width", async () => {
    const alice = await world().person();
    const a = await alice.open(VIEWPORTS.desktop);
    await a.page.getByLabel("Name").waitFor();
    expect(await accessibilityViolations(a.page)).toEqual([]);
    await a.signIn("alice");
    expect(await accessibilityViolations(a.page)).toEqual([]);
    await a.join("lobby");
    await a.join("random");
    await a.open("lobby");
    const [bob] = await world().gather({ name: "bob", viewport: VIEWPORTS.phone, rooms: ["random", "lobby"] });
    const b = bob.chat;
    await b.send("hello alice");
    await a.send("hello bob");
    await b.open("random");
    await b.send("unread for alice");
    await a.sees("hello bob");
    await a.page.getByRole("button", { name: "random 1 unread" }).waitFor();
    expect(await accessibilityViolations(a.page)).toEqual([]);
    expect(await accessibilityViolations(b.page)).toEqual([]);
    await b.page.getByRole("button", { name: /^Rooms/u }).click();
    expect(await accessibilityViolations(b.page)).toEqual([]);
  });
});

async function tabUntilFocused(page: Page, label: string): Promise<void> {
  for (let presses = 0; presses < 25; presses += 1) {
    const focused = await page.evaluate(() => {
      const element = document.activeElement;
      if (!(element instanceof HTMLInputElement || element instanceof HTMLTextAreaElement)) return "";
      return element.labels?.[0]?.textContent ?? "";
    });
    if (focused === label) return;
    await page.keyboard.press("Tab");
  }
  throw new Error(`Tab never reached the ${label} field`);
}
