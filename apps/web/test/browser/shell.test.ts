import { MAX_NAME_LENGTH, MAX_ROOM_LENGTH, MAX_TEXT_LENGTH } from "@pigeon/protocol";
import type { Locator, Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { accessibilityViolations } from "./harness/axe.js";
import { VIEWPORTS } from "./harness/chromium.js";
import { skipReason } from "./harness/skip.js";
import { useWorld } from "./harness/world.js";

/** Between the phone and the wide layout: the rooms list is a column, the member list an overlay. */
const TABLET = { width: 900, height: 800 } as const;

describe.skipIf(skipReason !== "")("web client: the shell (sidebar, header, join form, overlays, composer)", () => {
  const world = useWorld();

  it("asks before leaving a room, says what leaving deletes, and cancels with Escape", async () => {
    const [alice] = await world().gather({ name: "alice", rooms: ["lobby", "design"] });
    const a = alice.chat;
    const leave = a.page.getByRole("button", { name: "Leave #design" });
    await leave.click();
    const dialog = a.page.getByRole("alertdialog", { name: "Leave #design?" });
    await dialog.waitFor();
    // What leaving means, before it happens: the server's copies and this device's history go.
    const text = (await dialog.textContent()) ?? "";
    expect(text).toContain("server");
    expect(text).toContain("this device");
    expect(await accessibilityViolations(a.page)).toEqual([]);
    // Focus is in the dialog, on the safe choice, and stays there.
    expect(await focusedText(a.page)).toBe("Cancel");
    for (let presses = 0; presses < 5; presses += 1) {
      await a.page.keyboard.press("Tab");
      expect(await a.page.evaluate(() => document.activeElement === document.body || document.activeElement?.closest("[role=alertdialog]") !== null)).toBe(
        true,
      );
    }
    // Escape cancels: still in the room, focus back on Leave.
    await a.page.keyboard.press("Escape");
    await dialog.waitFor({ state: "hidden" });
    await a.roomHeading("design").waitFor();
    expect(await focusedText(a.page)).toBe("Leave #design");

    // Confirmed: the room goes, and focus is where the next message is written.
    await leave.click();
    await dialog.getByRole("button", { name: "Leave #design" }).click();
    await a.roomHeading("lobby").waitFor();
    expect(await a.page.getByRole("navigation", { name: "Rooms" }).getByRole("listitem").allTextContents()).toEqual(["#lobby"]);
    await expect.poll(() => focusedLabel(a.page)).toBe("Message");
  });

  it("keeps long room and member names inside the sidebar and the window, with unread badges in view", async () => {
    const longRoom = `w${"m".repeat(MAX_ROOM_LENGTH - 1)}`;
    const longName = `W${"w".repeat(MAX_NAME_LENGTH - 1)}`;
    const [alice, bob] = await world().gather({ name: "alice", rooms: [longRoom, "lobby"] }, { name: longName, viewport: VIEWPORTS.phone, rooms: [longRoom, "lobby"] });
    const [a, b] = [alice.chat, bob.chat];
    await b.open(longRoom);
    await b.send("one");
    await b.send("two");
    const link = a.page.getByRole("button", { name: `${longRoom} 2 unread` });
    await link.waitFor();
    const sidebar = a.page.getByRole("navigation", { name: "Rooms" });
    expect(await sidebar.evaluate((element) => element.scrollWidth <= element.clientWidth)).toBe(true);
    expect(await insideViewport(a.page, link.locator(".badge"))).toBe(true);
    expect(await link.getAttribute("title")).toBe(longRoom);

    // The long member name: in the member list of the desktop, and on Bob's phone.
    await a.open(longRoom);
    const member = a.members().locator(".member-name", { hasText: longName });
    await member.waitFor();
    expect(await member.getAttribute("title")).toBe(longName);
    expect(await insideViewport(a.page, member)).toBe(true);
    expect(await a.page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    await b.page.getByRole("button", { name: "People" }).click();
    const own = b.members().locator(".member-name", { hasText: longName });
    await own.waitFor();
    expect(await insideViewport(b.page, own)).toBe(true);
    expect(await b.page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);

    // The Verify dialog's title names them in full, wrapped inside the dialog.
    await a.safetyNumber(longName);
    expect(await a.verifyDialog().evaluate((element) => element.scrollWidth <= element.clientWidth)).toBe(true);
  });

  it("puts focus where the next action is: after signing in, joining, sending and opening a room", async () => {
    const alice = await world().person();
    const a = await alice.open(VIEWPORTS.desktop);
    await a.page.getByLabel("Name").fill("alice");
    await a.page.getByLabel("Name").press("Enter");
    await a.signedIn();
    // No room yet: the Room field is next.
    await expect.poll(() => focusedLabel(a.page)).toBe("Room");

    // Joined with the Enter key in the Room field, then with the Join button: the Message field.
    await a.page.keyboard.type("lobby");
    await a.page.keyboard.press("Enter");
    await a.roomHeading("lobby").waitFor();
    await expect.poll(() => focusedLabel(a.page)).toBe("Message");
    await a.page.getByLabel("Room", { exact: true }).fill("design");
    await a.page.getByRole("button", { name: "Join", exact: true }).click();
    await a.roomHeading("design").waitFor();
    await expect.poll(() => focusedLabel(a.page)).toBe("Message");

    // Sent with the Send button: still in the Message field, for the next one.
    await a.page.getByLabel("Message", { exact: true }).fill("sent by button");
    await a.page.getByRole("button", { name: "Send" }).click();
    await a.sees("sent by button");
    await expect.poll(() => focusedLabel(a.page)).toBe("Message");

    await a.roomLink("lobby").click();
    await a.roomHeading("lobby").waitFor();
    await expect.poll(() => focusedLabel(a.page)).toBe("Message");
  });

  it("on a phone, Join #lobby on the empty screen puts focus in the Message field", async () => {
    const alice = await world().person();
    const a = await alice.open(VIEWPORTS.phone);
    await a.signIn("alice");
    await a.page.getByRole("button", { name: "Join #lobby" }).click();
    await a.roomHeading("lobby").waitFor();
    await expect.poll(() => focusedLabel(a.page)).toBe("Message");
  });

  it("on a phone, the Rooms panel takes focus, keeps it, closes with Escape or its button, and returns focus", async () => {
    const [alice] = await world().gather({ name: "alice", viewport: VIEWPORTS.phone, rooms: ["lobby"] });
    const page = alice.chat.page;
    const toggle = page.getByRole("button", { name: /^Rooms/u });
    await toggle.click();
    const panel = page.locator("#rooms-panel");
    await expect.poll(() => page.evaluate(() => document.getElementById("rooms-panel")?.contains(document.activeElement) === true)).toBe(true);
    await expectFocusTrapped(page, "#rooms-panel");
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.keyboard.press("Escape");
    expect(await panel.isVisible()).toBe(false);
    expect(await page.evaluate(() => document.activeElement?.getAttribute("aria-controls"))).toBe("rooms-panel");

    await toggle.click();
    await panel.getByRole("button", { name: "Close rooms" }).click();
    expect(await panel.isVisible()).toBe(false);
    expect(await page.evaluate(() => document.activeElement?.getAttribute("aria-controls"))).toBe("rooms-panel");
  });

  it("at tablet width, the People panel traps focus and closes with its button; Choose a room leaves the Room field uncovered", async () => {
    const alice = await world().person();
    const a = await alice.open(TABLET);
    await a.signIn("alice");
    await a.page.getByRole("button", { name: "Choose a room" }).click();
    const field = a.page.getByLabel("Room", { exact: true });
    await expect.poll(() => focusedLabel(a.page)).toBe("Room");
    // Nothing (no dimmed overlay) lies over the field: a click or a tap reaches it.
    expect(await field.evaluate((element) => {
      const box = element.getBoundingClientRect();
      return document.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2) === element;
    })).toBe(true);
    await a.page.keyboard.type("lobby");
    await a.page.keyboard.press("Enter");
    await a.roomHeading("lobby").waitFor();

    const people = a.page.getByRole("button", { name: "People" });
    await people.click();
    await expect.poll(() => a.page.evaluate(() => document.getElementById("members-panel")?.closest(".panel-members")?.contains(document.activeElement) === true)).toBe(
      true,
    );
    await expectFocusTrapped(a.page, ".panel-members");
    await a.page.getByRole("button", { name: "Close people" }).click();
    expect(await a.members().isVisible()).toBe(false);
    expect(await focusedText(a.page)).toBe("People");
  });

  it("reopens the room you were in after a reload, in the same sidebar order, with each room's unsent draft", async () => {
    const [alice] = await world().gather({ name: "alice", rooms: ["zeta", "alpha", "mid"] });
    const a = alice.chat;
    const rooms = a.page.getByRole("navigation", { name: "Rooms" }).getByRole("listitem");
    expect(await rooms.allTextContents()).toEqual(["#zeta", "#alpha", "#mid"]);
    const message = a.page.getByLabel("Message", { exact: true });
    await message.fill("draft for mid");
    await a.open("zeta");
    await message.fill("half a thought");

    await a.page.reload();
    await a.signedIn();
    await a.roomHeading("zeta").waitFor();
    expect(await rooms.allTextContents()).toEqual(["#zeta", "#alpha", "#mid"]);
    expect(await message.inputValue()).toBe("half a thought");
    await a.open("mid");
    expect(await message.inputValue()).toBe("draft for mid");
  });

  it("shows a join error at the Room field, tied to it, until the name is edited", async () => {
    const alice = await world().person();
    const a = await alice.open(VIEWPORTS.desktop);
    await a.signIn("alice");
    const field = a.page.getByLabel("Room", { exact: true });
    await field.fill("no spaces allowed");
    await field.press("Enter");
    await expect.poll(() => field.getAttribute("aria-invalid")).toBe("true");
    const described = (await field.getAttribute("aria-describedby")) ?? "";
    const error = await a.page.evaluate((ids) => ids.split(" ").map((id) => document.getElementById(id)?.textContent ?? "").join(" "), described);
    expect(error).toMatch(/letters, digits/u);
    expect(await a.page.locator(".toast").count()).toBe(0);
    expect(await accessibilityViolations(a.page)).toEqual([]);

    await field.press("End");
    await field.press("Backspace");
    expect(await field.getAttribute("aria-invalid")).not.toBe("true");
    expect(await a.page.getByText(/letters, digits/u).count()).toBe(0);
  });

  it("says when a paste was cut at the length limit", async () => {
    const [alice] = await world().gather({ name: "alice" });
    const page = alice.chat.page;
    await page.context().grantPermissions(["clipboard-read", "clipboard-write"]);
    await page.evaluate((text) => navigator.clipboard.writeText(text), "p".repeat(MAX_TEXT_LENGTH + 100));
    const message = page.getByLabel("Message", { exact: true });
    await message.focus();
    await page.keyboard.press("ControlOrMeta+V");
    await expect.poll(() => message.inputValue().then((value) => value.length)).toBe(MAX_TEXT_LENGTH);
    await page.getByRole("status").filter({ hasText: /100 characters .*didn.t fit/u }).waitFor();
  });

  it("on a phone: shows the character counter, keeps the Message field short, and lets touch typing make new lines", async () => {
    const [alice] = await world().gather({ name: "alice", viewport: VIEWPORTS.phone });
    const a = alice.chat;
    const message = a.page.getByLabel("Message", { exact: true });
    await message.fill("c".repeat(MAX_TEXT_LENGTH - 100));
    expect(await a.page.getByText("100 characters left").isVisible()).toBe(true);

    await message.fill(Array.from({ length: 60 }, (_, line) => `line ${line}`).join("\n"));
    const size = await message.evaluate((element) => ({ height: element.clientHeight, content: element.scrollHeight }));
    expect(size.height).toBeLessThanOrEqual(VIEWPORTS.phone.height * 0.25);
    expect(size.content).toBeGreaterThan(size.height);
    await message.fill("");

    // A touch screen (coarse pointer): Enter makes a new line; the Send button sends.
    const session = await a.page.context().newCDPSession(a.page);
    await session.send("Emulation.setTouchEmulationEnabled", { enabled: true, maxTouchPoints: 5 });
    await expect.poll(() => a.page.evaluate(() => matchMedia("(pointer: coarse)").matches)).toBe(true);
    await message.focus();
    await a.page.keyboard.type("first line");
    await a.page.keyboard.press("Enter");
    await a.page.keyboard.type("second line");
    expect(await message.inputValue()).toBe("first line\nsecond line");
    await a.page.getByRole("button", { name: "Send" }).click();
    await a.sees("first line\nsecond line");
  });

  it("keeps the Join button's label readable on hover", async () => {
    const alice = await world().person();
    const a = await alice.open(VIEWPORTS.desktop);
    await a.signIn("alice");
    await a.page.getByLabel("Room", { exact: true }).fill("lobby");
    const join = a.page.getByRole("button", { name: "Join", exact: true });
    await join.hover();
    const colours = await join.evaluate((element) => {
      const style = getComputedStyle(element);
      return { text: style.color, background: style.backgroundColor };
    });
    expect(contrast(colours.text, colours.background)).toBeGreaterThanOrEqual(4.5);
  });
});

/** The text of the focused element (screen-reader-only words included). */
async function focusedText(page: Page): Promise<string> {
  return await page.evaluate(() => (document.activeElement?.textContent ?? "").replace(/\s+/gu, " ").trim());
}

/** The label of the focused field ("" when focus is not in a labelled field). */
async function focusedLabel(page: Page): Promise<string> {
  return await page.evaluate(() => {
    const element = document.activeElement;
    if (!(element instanceof HTMLInputElement || element instanceof HTMLTextAreaElement)) return "";
    return element.labels?.[0]?.textContent ?? "";
  });
}

/** Tab (and Shift+Tab) never leave the open panel `selector` for the page under it. */
async function expectFocusTrapped(page: Page, selector: string): Promise<void> {
  for (const key of ["Tab", "Tab", "Tab", "Tab", "Tab", "Tab", "Tab", "Tab", "Shift+Tab", "Shift+Tab", "Shift+Tab"]) {
    await page.keyboard.press(key);
    const inside = await page.evaluate(
      (panel) => document.activeElement === document.body || document.activeElement?.closest(panel) !== null,
      selector,
    );
    expect(inside, `focus left ${selector} after ${key}`).toBe(true);
  }
}

/** Whether the element is shown entirely inside the window. */
async function insideViewport(page: Page, element: Locator): Promise<boolean> {
  const box = await element.boundingBox();
  const viewport = page.viewportSize();
  return box !== null && viewport !== null && box.width > 0 && box.x >= 0 && box.y >= 0 && box.x + box.width <= viewport.width && box.y + box.height <= viewport.height;
}

/** WCAG contrast of two computed `rgb(…)` colours. */
function contrast(a: string, b: string): number {
  const luminance = (colour: string): number => {
    const [r = 0, g = 0, bl = 0] = (colour.match(/[\d.]+/gu) ?? []).slice(0, 3).map((part) => {
      const channel = Number(part) / 255;
      return channel <= 0.03928 ? channel / 12.92 : ((channel + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (light + 0.05) / (dark + 0.05);
}
