import type { Locator, Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { accessibilityViolations } from "./harness/axe.js";
import { UI_WAIT_MS, type ChatPage } from "./harness/chat-page.js";
import { skipReason } from "./harness/skip.js";
import { useWorld } from "./harness/world.js";

/** The open room's scrolling message list. */
function scroller(chat: ChatPage): Locator {
  return chat.page.locator(".message-scroller");
}

/** Where `target`'s top is, in px from the top of the visible part of the message list. */
async function offsetInList(chat: ChatPage, target: Locator): Promise<number> {
  const list = await scroller(chat).boundingBox();
  const box = await target.boundingBox();
  if (list === null || box === null) throw new Error("not laid out");
  return box.y - list.y;
}

/** How far (px) the message list is from its end. */
async function distanceFromBottom(chat: ChatPage): Promise<number> {
  return await scroller(chat).evaluate((element) => element.scrollHeight - element.scrollTop - element.clientHeight);
}

/** Whether a sighted person sees `target`: laid out larger than the 1 px of text kept for screen readers. */
async function shown(target: Locator): Promise<boolean> {
  const box = await target.boundingBox();
  return box !== null && box.width > 1 && box.height > 1;
}

/**
 * Records what the page adds to its live regions from now on, as a screen reader would hear it:
 * the text of nodes added inside an element that is live (`aria-live` other than "off", or a
 * role that is live by default), and text changed in one.
 */
async function recordAnnouncements(page: Page): Promise<() => Promise<string[]>> {
  await page.evaluate(() => {
    const heard: string[] = [];
    const liveRegionOf = (node: Node): Element | null => {
      for (let element = node instanceof Element ? node : node.parentElement; element !== null; element = element.parentElement) {
        const live = element.getAttribute("aria-live");
        if (live !== null) return live === "off" ? null : element;
        if (["log", "status", "alert"].includes(element.getAttribute("role") ?? "")) return element;
      }
      return null;
    };
    new MutationObserver((mutations) => {
      for (const mutation of mutations) {
        if (liveRegionOf(mutation.target) === null) continue;
        if (mutation.type === "characterData") heard.push(mutation.target.textContent ?? "");
        for (const node of mutation.addedNodes) heard.push(node.textContent ?? "");
      }
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
    Object.assign(window, { pigeonHeard: heard });
  });
  return () => page.evaluate(() => (window as unknown as { pigeonHeard: string[] }).pigeonHeard.filter((text) => text.trim() !== ""));
}

describe.skipIf(skipReason !== "")("web client: the timeline", () => {
  const world = useWorld();

  it("opens a room at its first unread message, offers to jump to the latest with a count, and shows what the person sends", async () => {
    const [alice, bob] = await world().gather({ name: "alice", rooms: ["lobby", "design"] }, { name: "bob", rooms: ["lobby", "design"] });
    const [a, b] = [alice.chat, bob.chat];
    for (let index = 1; index <= 12; index += 1) await b.send(`read ${index}: something Alice saw while she was here`);
    await a.sees("read 12: something Alice saw while she was here");
    await a.open("lobby");
    for (let index = 1; index <= 30; index += 1) await b.send(`unread ${index}: something new that Alice has not read yet`);
    await a.page.getByRole("button", { name: "design 30 unread" }).waitFor({ timeout: UI_WAIT_MS });

    // Opening the room shows the "New messages" line near the top, the first unread under it.
    await a.open("design");
    await a.sees("unread 30");
    const divider = a.page.getByTestId("divider").filter({ hasText: "New messages" });
    const height = await scroller(a).evaluate((element) => element.clientHeight);
    const top = await offsetInList(a, divider);
    expect(top).toBeGreaterThanOrEqual(0);
    expect(top).toBeLessThan(height / 3);
    expect(await distanceFromBottom(a)).toBeGreaterThan(0);

    // Reading there, new messages do not move the view: a button offers them, with their count.
    const jump = a.page.getByRole("button", { name: /jump to latest/u });
    expect(await jump.count()).toBe(0);
    for (const text of ["fresh 1", "fresh 2", "fresh 3"]) await b.send(text);
    await a.sees("fresh 3");
    await a.page.getByRole("button", { name: "3 new messages, jump to latest" }).waitFor({ timeout: UI_WAIT_MS });
    expect(await offsetInList(a, divider)).toBe(top);
    expect(await accessibilityViolations(a.page)).toEqual([]);
    await jump.click();
    await expect.poll(() => distanceFromBottom(a)).toBeLessThan(2);
    await expect.poll(() => jump.count()).toBe(0);

    // Scrolled up again: one more arrival is counted as one; what the person sends is brought into view.
    await scroller(a).evaluate((element) => {
      element.scrollTop = 0;
    });
    await b.send("one more");
    await a.page.getByRole("button", { name: "1 new message, jump to latest" }).waitFor({ timeout: UI_WAIT_MS });
    await a.send("my answer while scrolled up");
    const mine = await a.sees("my answer while scrolled up");
    await expect.poll(() => distanceFromBottom(a)).toBeLessThan(2);
    expect(await mine.isVisible()).toBe(true);
    await expect.poll(() => jump.count()).toBe(0);
  });

  it("follows the newest line as long messages arrive, also after going to the end past ones it never laid out", async () => {
    const [alice, bob] = await world().gather({ name: "alice", rooms: ["lobby", "design"] }, { name: "bob", rooms: ["lobby", "design"] });
    const [a, b] = [alice.chat, bob.chat];
    await a.open("lobby");
    // Messages of one to about twelve lines, more than the newest 50 that are always laid out:
    // older bubbles off screen are laid out only once seen, so the list's height is an estimate
    // until then, and the end must still be the end.
    const long = (index: number) => `long ${index}: ${"a line of words that wraps ".repeat(1 + ((index * 7) % 23))}`.trim();
    for (let index = 1; index <= 60; index += 1) await b.send(long(index));
    await a.page.getByRole("button", { name: "design 60 unread" }).waitFor({ timeout: UI_WAIT_MS });
    await a.open("design");
    await a.sees(long(60));
    await scroller(a).evaluate((element) => {
      element.scrollTop = element.scrollHeight;
    });
    await expect.poll(() => distanceFromBottom(a)).toBeLessThan(2);

    for (let index = 61; index <= 70; index += 1) {
      await b.send(long(index));
      await a.sees(long(index));
      await expect.poll(() => distanceFromBottom(a)).toBeLessThan(2);
    }
    expect(await a.message(long(70)).isVisible()).toBe(true);
    expect(await a.page.getByRole("button", { name: /jump to latest/u }).count()).toBe(0);
  });

  it("announces others' new messages once, not the room's history on a switch nor own messages' states", async () => {
    const [alice, bob] = await world().gather({ name: "alice", rooms: ["design", "lobby"] }, { name: "bob", rooms: ["lobby", "design"] });
    const [a, b] = [alice.chat, bob.chat];
    await b.send("old news in design");
    await a.page.getByRole("button", { name: "design 1 unread" }).waitFor({ timeout: UI_WAIT_MS });
    const heard = await recordAnnouncements(a.page);

    await a.open("design");
    await a.sees("old news in design");
    await a.send("my own words");
    await a.statusIs("my own words", "Delivered to all");
    await b.send("news from bob");
    await a.sees("news from bob");
    await expect.poll(async () => (await heard()).filter((text) => text.includes("news from bob")).length).toBe(1);
    const all = (await heard()).join("\n");
    expect(all).not.toContain("old news in design");
    expect(all).not.toContain("my own words");
    expect(all).not.toMatch(/Sending|Sent|Delivered/u);
  });

  it("groups a sender's messages, marks days, and says 'Delivered to all' once, under the latest", async () => {
    const [alice, bob] = await world().gather({ name: "alice" }, { name: "bob" });
    const [a, b] = [alice.chat, bob.chat];
    await a.send("first of a few");
    await a.send("second of a few");
    await a.statusIs("second of a few", "Delivered to all");
    await b.sees("second of a few");

    // One "Today" line; one name and time for the run (the second is part of the first's group).
    expect(await b.page.getByTestId("day").allTextContents()).toEqual(["Today"]);
    const second = b.message("second of a few");
    expect(await second.getAttribute("class")).toContain("message-continued");
    expect(await shown(second.locator(".message-user"))).toBe(false);
    expect(await shown(second.locator(".message-time"))).toBe(false);
    expect(await shown(b.message("first of a few").locator(".message-time"))).toBe(true);
    // Screen readers still get each message's sender and time.
    expect(await second.locator(".message-meta").evaluate((element) => (element as HTMLElement).innerText)).toMatch(/^alice\s*,\s*\d\d:\d\d$/u);

    // Only the latest own message says it reached everyone.
    await expect.poll(() => a.message("first of a few").locator(".status-label").count()).toBe(0);
    expect(await a.page.locator(".status-label").allTextContents()).toEqual(["Delivered to all"]);
  });

  it("lays out right-to-left text right to left, makes links of web and mail addresses only, folds long messages and enlarges emoji", async () => {
    const [sara, bob] = await world().gather({ name: "سارة" }, { name: "bob" });
    const [s, b] = [sara.chat, bob.chat];
    await s.send("مرحبا بالجميع");
    const arabic = await b.sees("مرحبا بالجميع");
    expect(await arabic.locator(".message-text").evaluate((element) => getComputedStyle(element).direction)).toBe("rtl");
    expect(await arabic.locator(".message-user").evaluate((element) => getComputedStyle(element).direction)).toBe("rtl");
    const member = b.members().locator(".member-name").getByText("سارة", { exact: true });
    expect(await member.evaluate((element) => getComputedStyle(element).direction)).toBe("rtl");

    await s.send("Notes at https://example.com/wiki/Pigeon_(app). Or mail ops@example.com: mailto:ops@example.com");
    const notes = await b.sees("Notes at");
    const links = notes.locator(".message-text a");
    expect(await links.evaluateAll((anchors) => anchors.map((anchor) => [anchor.getAttribute("href"), anchor.textContent, anchor.getAttribute("rel"), anchor.getAttribute("target")]))).toEqual([
      ["https://example.com/wiki/Pigeon_(app)", "https://example.com/wiki/Pigeon_(app)", "noopener noreferrer", "_blank"],
      ["mailto:ops@example.com", "mailto:ops@example.com", "noopener noreferrer", "_blank"],
    ]);
    expect(await notes.locator(".message-text").textContent()).toBe("Notes at https://example.com/wiki/Pigeon_(app). Or mail ops@example.com: mailto:ops@example.com");
    await s.send("not a link: javascript:alert(1) <b>bold</b>");
    const script = await b.sees("not a link: javascript:alert(1)");
    expect(await script.locator("a, b").count()).toBe(0);
    expect(await script.locator(".message-text").textContent()).toBe("not a link: javascript:alert(1) <b>bold</b>");

    // A 4,000-character message is folded, and opens and closes from the keyboard; folded, the
    // link at its end is not in the page (Tab would reach it unseen).
    const long = `Long report. ${"All systems nominal, nothing to add. ".repeat(110)}`.slice(0, 3970) + " https://example.com/end";
    await s.send(long);
    const folded = await b.sees("Long report.");
    expect((await folded.boundingBox())?.height).toBeLessThan(400);
    expect(await folded.locator(".message-text a").count()).toBe(0);
    const more = folded.getByRole("button", { name: "Show more" });
    expect(await more.getAttribute("aria-expanded")).toBe("false");
    await more.focus();
    await b.page.keyboard.press("Enter");
    const less = folded.getByRole("button", { name: "Show less" });
    expect(await less.getAttribute("aria-expanded")).toBe("true");
    expect((await folded.boundingBox())?.height).toBeGreaterThan(800);
    expect(await folded.locator(".message-text").textContent()).toBe(long);
    expect(await folded.locator(".message-text a").getAttribute("href")).toBe("https://example.com/end");
    await b.page.keyboard.press("Enter");
    expect((await folded.boundingBox())?.height).toBeLessThan(400);

    expect(await accessibilityViolations(b.page)).toEqual([]);
    expect(await accessibilityViolations(s.page)).toEqual([]);

    // Emoji alone are shown large; with words, at text size.
    for (const text of ["👍🏽", "👨‍👩‍👧🇫🇷", "ok 👍"]) await s.send(text);
    await b.sees("ok 👍");
    expect(await b.message("👍🏽").getAttribute("class")).toContain("message-emoji-only");
    expect(await b.message("👨‍👩‍👧🇫🇷").getAttribute("class")).toContain("message-emoji-only");
    expect(await b.message("ok 👍").getAttribute("class")).not.toContain("message-emoji-only");
    expect(await accessibilityViolations(b.page)).toEqual([]);
  });
});

describe.skipIf(skipReason !== "")("web client: a message the server refuses", () => {
  // A relay with room for short messages only: a long one is refused (QUOTA_EXCEEDED).
  const world = useWorld({ maxHeldBytes: 3_000 });

  it("announces once that it was not sent", async () => {
    const [alice, bob] = await world().gather({ name: "alice", plain: true }, { name: "bob", plain: true });
    const [a, b] = [alice.chat, bob.chat];
    const heard = await recordAnnouncements(a.page);
    const long = `Too long for this server. ${"x".repeat(3_900)}`;
    await a.send(long);
    await a.statusIs("Too long for this server.", "Not sent");
    await b.send("still here");
    await a.sees("still here");
    await expect.poll(async () => (await heard()).filter((text) => text.includes("still here")).length).toBe(1);
    expect((await heard()).filter((text) => text.startsWith("Not sent: Too long for this server."))).toHaveLength(1);
  });
});
