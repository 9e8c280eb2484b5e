import { expect } from "vitest";
import type { Locator, Page } from "playwright-core";
import { pageProblems } from "./chromium.js";

/** How long a UI expectation may take (a reconnect with socket.io's backoff included). */
export const UI_WAIT_MS = 15_000;

/**
 * The web client as a person uses it, through what they see: labels, roles, names. Nothing here
 * reaches into the app's internals, so these tests also check that the UI is accessible.
 */
export class ChatPage {
  constructor(readonly page: Page) {}

  /** Loads the app from the relay (or a proxy in front of it) at `url`; it talks to that origin. */
  async goto(url: string): Promise<void> {
    await this.page.goto(`${url}/`);
  }

  /** Picks a name on the sign-in screen and waits for the chat. */
  async signIn(name: string): Promise<void> {
    await this.page.getByLabel("Name").fill(name);
    await this.page.getByRole("button", { name: "Start chatting" }).click();
    await this.signedIn();
  }

  /** Waits until the chat screen is up. */
  async signedIn(): Promise<void> {
    await this.page.getByRole("button", { name: "Sign out" }).or(this.page.getByRole("button", { name: /^Rooms/u })).first().waitFor({ timeout: UI_WAIT_MS });
  }

  /**
   * Joins `room` with the sidebar's Room field (opening the rooms panel on a phone); with
   * `plain`, ticks "Plain room" first, so that a new room is made plain.
   */
  async join(room: string, { plain = false }: { plain?: boolean } = {}): Promise<void> {
    await this.#showRooms();
    if (plain) await this.page.getByLabel("Plain room (not encrypted)").check();
    const field = this.page.getByLabel("Room", { exact: true });
    await field.fill(room);
    await field.press("Enter");
    await this.roomHeading(room).waitFor({ timeout: UI_WAIT_MS });
    // The room shows as soon as the server sent its members; the mode once the join is done
    // (for an encrypted room: in its group, with the group's state saved).
    await this.roomMode();
  }

  /** The open room's mode as its header shows it ("Encrypted" or "Not encrypted"), once shown. */
  async roomMode(): Promise<string> {
    const label = this.page.locator(".room-header [data-testid=room-mode] .mode-label");
    await label.waitFor({ timeout: UI_WAIT_MS });
    return (await label.textContent()) ?? "";
  }

  /** The warning that `name`'s key changed, in the open room. */
  keyWarning(name: string): Locator {
    return this.page.getByRole("alert", { name: `${name}'s key changed` });
  }

  /**
   * Opens `name`'s safety number from the member list (opening the People panel on a phone)
   * and resolves with its 60 digits; the Verify dialog stays open.
   */
  async safetyNumber(name: string): Promise<string> {
    await this.#showMembers();
    await this.members().getByRole("button", { name: `Verify ${name}`, exact: true }).click();
    const number = this.verifyDialog().getByTestId("safety-number");
    await number.waitFor({ timeout: UI_WAIT_MS });
    return ((await number.textContent()) ?? "").replace(/\D/gu, "");
  }

  /**
   * Pins a made-up key for `name` in this browser's storage of `profile`, as if `name` had been
   * seen before with another key: their real key then shows as a changed key.
   */
  async pinStaleKey(profile: string, name: string): Promise<void> {
    await this.page.evaluate(
      ([owner, pinned]) =>
        new Promise<void>((resolve, reject) => {
          const request = indexedDB.open("pigeon");
          request.onsuccess = () => {
            const transaction = request.result.transaction("pins", "readwrite");
            transaction.objectStore("pins").put({ profile: owner, name: pinned, key: crypto.getRandomValues(new Uint8Array(32)) });
            transaction.oncomplete = () => {
              resolve();
            };
            transaction.onerror = () => {
              reject(new Error("could not pin a key"));
            };
          };
        }),
      [profile, name] as const,
    );
  }

  /** The open Verify dialog. */
  verifyDialog(): Locator {
    return this.page.getByRole("dialog", { name: /^Verify /u });
  }

  /** Opens a joined room from the rooms list. */
  async open(room: string): Promise<void> {
    await this.#showRooms();
    await this.roomLink(room).click();
    await this.roomHeading(room).waitFor({ timeout: UI_WAIT_MS });
  }

  /** Types `text` in the Message field and presses Enter. */
  async send(text: string): Promise<void> {
    const field = this.page.getByLabel("Message", { exact: true });
    await field.fill(text);
    await field.press("Enter");
    await expect.poll(() => field.inputValue()).toBe("");
  }

  /** The open room's heading. */
  roomHeading(room: string): Locator {
    return this.page.getByRole("heading", { name: `#${room}`, exact: true });
  }

  /** A room's entry in the rooms list (its accessible name carries the unread count: "lobby 2 unread"). */
  roomLink(room: string): Locator {
    return this.page
      .getByRole("navigation", { name: "Rooms" })
      .getByRole("button", { name: new RegExp(`^${room}(, not encrypted)?( [\\d+]+ unread)?$`, "u") });
  }

  /** The message of the open room whose text is `text`. */
  message(text: string): Locator {
    return this.page.getByTestId("message").filter({ has: this.page.locator(".message-text", { hasText: text }) });
  }

  /** Resolves once `text` shows in the open room. */
  async sees(text: string): Promise<Locator> {
    const message = this.message(text);
    await message.waitFor({ timeout: UI_WAIT_MS });
    return message;
  }

  /** Waits until the own message `text` shows `status` (e.g. "Delivered to all"). */
  async statusIs(text: string, status: string | RegExp): Promise<void> {
    await expect.poll(() => this.message(text).locator(".status-label").textContent(), { timeout: UI_WAIT_MS }).toMatch(status);
  }

  /** The texts of the open room's messages, in order. */
  async texts(): Promise<string[]> {
    return await this.page.locator(".message-text").allTextContents();
  }

  /** The connection banner, when it shows. */
  offlineBanner(): Locator {
    return this.page.getByRole("status").filter({ hasText: /Offline|Disconnected/u });
  }

  /** The member list of the open room (on narrow screens, the People panel must be open). */
  members(): Locator {
    return this.page.getByRole("complementary", { name: /^People in/u });
  }

  /** Saves a screenshot. */
  async screenshot(path: string): Promise<void> {
    await this.page.screenshot({ path, animations: "disabled", caret: "hide" });
  }

  /** Page errors and CSP violations seen so far. */
  problems(): string[] {
    return pageProblems.get(this.page) ?? [];
  }

  async #showMembers(): Promise<void> {
    const toggle = this.page.getByRole("button", { name: "People", exact: true });
    if ((await toggle.isVisible()) && (await toggle.getAttribute("aria-expanded")) !== "true") await toggle.click();
  }

  async #showRooms(): Promise<void> {
    const toggle = this.page.getByRole("button", { name: /^Rooms/u });
    if ((await toggle.isVisible()) && (await toggle.getAttribute("aria-expanded")) !== "true") await toggle.click();
  }
}
