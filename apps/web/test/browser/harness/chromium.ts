import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";

/** The machine's Chromium (Debian's `chromium` package); playwright downloads none here. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
];

/** A desktop window and a phone, in CSS pixels. */
export const VIEWPORTS = {
  desktop: { width: 1280, height: 800 },
  phone: { width: 390, height: 844 },
} as const;

/** A browser profile on disk: closing and reopening it keeps IndexedDB and localStorage. */
export interface BrowserProfile {
  readonly dir: string;
  /** Opens the profile (again) and returns its page. */
  open(viewport: { width: number; height: number }): Promise<Page>;
  /** Another tab of the open browser (same storage, same Web Locks), showing nothing yet. */
  newTab(): Promise<Page>;
  /** Closes the browser, keeping the profile on disk (the person closed the window). */
  close(): Promise<void>;
  /** Closes the browser and deletes the profile. */
  remove(): Promise<void>;
}

/**
 * A fresh Chromium profile in a temporary directory. Each is its own person: its own
 * IndexedDB, so its own keys.
 *
 * @example
 * const alice = await createProfile();
 * const page = await alice.open(VIEWPORTS.desktop);
 */
export async function createProfile(): Promise<BrowserProfile> {
  const dir = await mkdtemp(join(tmpdir(), "pigeon-chromium-"));
  let context: BrowserContext | undefined;
  const profile: BrowserProfile = {
    dir,
    async open(viewport) {
      await profile.close();
      context = await chromium.launchPersistentContext(dir, {
        executablePath: CHROMIUM_PATH,
        headless: true,
        args: ARGS,
        viewport,
        deviceScaleFactor: 1,
        locale: "en-GB",
        timezoneId: "UTC",
        reducedMotion: "reduce",
      });
      const page = context.pages()[0] ?? (await context.newPage());
      watchConsole(page);
      return page;
    },
    async newTab() {
      if (context === undefined) throw new Error("open() the profile first");
      const page = await context.newPage();
      watchConsole(page);
      return page;
    },
    async close() {
      const open = context;
      context = undefined;
      await open?.close();
    },
    async remove() {
      await profile.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
  return profile;
}

/** Page errors and Content-Security-Policy violations, per page, for tests to assert on. */
export const pageProblems = new WeakMap<Page, string[]>();

function watchConsole(page: Page): void {
  const problems: string[] = [];
  pageProblems.set(page, problems);
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("console", (message) => {
    const text = message.text();
    if (message.type() === "error" && /Content Security Policy|Refused to/u.test(text)) problems.push(`CSP: ${text}`);
  });
}
