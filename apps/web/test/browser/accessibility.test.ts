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

describe.skipIf(skipReason !== "")("web client: accessibility of encrypted rooms", () => {
  const world = useWorld();

  it("reaches the Verify dialog and the key warning by keyboard; no violations at desktop and phone width", async () => {
    const [alice] = await world().gather({ name: "alice" });
    const a = alice.chat;
    await a.pinStaleKey("alice", "bob");
    const [bob] = await world().gather({ name: "bob", viewport: VIEWPORTS.phone });
    const b = bob.chat;
    const warning = a.keyWarning("bob");
    await warning.waitFor();
    await b.send("hello from the new key");
    await a.sees("hello from the new key");
    expect(await accessibilityViolations(a.page)).toEqual([]);

    // Keyboard only: Tab to the warning's button, Enter opens the dialog with focus inside it.
    const keyboard = a.page.keyboard;
    await tabUntilButton(a.page, "Compare safety numbers with bob");
    await keyboard.press("Enter");
    await a.verifyDialog().getByTestId("safety-number").waitFor();
    expect(await a.page.evaluate(() => document.activeElement?.closest("dialog") !== null)).toBe(true);
    expect(await accessibilityViolations(a.page)).toEqual([]);
    // Focus stays in the dialog (the page under it is inert), Escape closes it and focus returns.
    for (let presses = 0; presses < 6; presses += 1) {
      await keyboard.press("Tab");
      expect(await a.page.evaluate(() => document.activeElement === document.body || document.activeElement?.closest("dialog") !== null)).toBe(true);
    }
    await keyboard.press("Escape");
    await a.verifyDialog().waitFor({ state: "hidden" });
    expect(await a.page.evaluate(() => document.activeElement?.textContent)).toBe("Compare safety numbers with bob");
    await tabUntilButton(a.page, "Accept new key of bob");
    await keyboard.press("Enter");
    await warning.waitFor({ state: "hidden" });

    // The phone: the People panel, Verify, the dialog fit 390 px without sideways scrolling.
    await b.safetyNumber("alice");
    expect(await accessibilityViolations(b.page)).toEqual([]);
    expect(await b.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(VIEWPORTS.phone.width);
    const box = await b.verifyDialog().boundingBox();
    expect(box !== null && box.x >= 0 && box.x + box.width <= VIEWPORTS.phone.width).toBe(true);
  });

  it("the screen for a name in use in another tab has no violations", async () => {
    const [alice] = await world().gather({ name: "alice" });
    const second = await alice.profile.newTab();
    await second.goto(`${alice.serverUrl}/`);
    await second.getByTestId("elsewhere").waitFor();
    expect(await accessibilityViolations(second)).toEqual([]);
    // Its main action has focus: Enter takes the chat over.
    await second.keyboard.press("Enter");
    await second.getByRole("heading", { name: "#lobby", exact: true }).waitFor();
  });
});

async function tabUntilButton(page: Page, name: string): Promise<void> {
  for (let presses = 0; presses < 40; presses += 1) {
    if ((await page.evaluate(() => (document.activeElement instanceof HTMLButtonElement ? document.activeElement.textContent : ""))) === name) return;
    await page.keyboard.press("Tab");
  }
  throw new Error(`Tab never reached the ${name} button`);
}

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
