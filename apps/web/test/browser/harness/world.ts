import type { RelayConfigInput } from "@pigeon/testing";
import { startTestServer, type TestServer } from "@pigeon/testing";
import { afterEach, beforeEach, inject } from "vitest";
import { ChatPage } from "./chat-page.js";
import { createProfile, VIEWPORTS, type BrowserProfile } from "./chromium.js";
import { startCuttableProxy, type CuttableProxy } from "../../support/cuttable-proxy.js";

/** One browser profile (a person on one device) and its page. */
export interface Person {
  readonly profile: BrowserProfile;
  /** The page of the profile's latest opening. */
  readonly chat: ChatPage;
  /** Where the page is loaded from and talks to: the relay, or a proxy in front of it. */
  readonly serverUrl: string;
  /** Opens the profile's browser (again) at the app. */
  open(viewport: { width: number; height: number }): Promise<ChatPage>;
}

/** Someone {@link World.gather} brings into the chat: their name, and how they reach it. */
export interface Arrival {
  readonly name: string;
  /** Their window; the desktop one unless given. */
  readonly viewport?: { width: number; height: number };
  /** A proxy (from {@link World.proxy}) their traffic goes through. */
  readonly proxy?: CuttableProxy;
  /** The rooms they join, in this order, so the last one is open; `["lobby"]` unless given. */
  readonly rooms?: readonly string[];
  /** Join new rooms as plain rooms (not encrypted), ticking the join form's box. */
  readonly plain?: boolean;
}

/** What every browser test gets: a fresh relay serving the build, people and proxies. */
export interface World {
  readonly relay: TestServer;
  /** A new person; with a `proxy` their traffic goes through it, so the test can cut it. */
  person(options?: { proxy?: CuttableProxy }): Promise<Person>;
  /**
   * New people who each open the app, sign in and join their rooms, one after the other; each
   * one's page is their `chat`.
   *
   * @example
   * const [alice, bob] = await world().gather({ name: "alice" }, { name: "bob", viewport: VIEWPORTS.phone });
   * await alice.chat.send("hi bob");
   * await bob.chat.sees("hi bob");
   */
  gather<const T extends readonly Arrival[]>(...arrivals: T): Promise<{ -readonly [K in keyof T]: Person }>;
  /** The proxy in front of the relay whose network can be cut (one per test; the relay answers at its origin too). */
  proxy(): Promise<CuttableProxy>;
}

/**
 * A fresh relay (with `config`) for each test, serving the production build at `/` exactly as
 * in production (same origin, the relay's Content-Security-Policy), and cleanup of every
 * browser, proxy and profile it made. Receipts are sent every 50 ms so statuses settle quickly.
 */
export function useWorld(config: RelayConfigInput = {}): () => World {
  let world: World | undefined;
  const cleanups: (() => Promise<void>)[] = [];
  const pages: ChatPage[] = [];
  beforeEach(async () => {
    // The proxy starts first, so that the relay can list its origin among those it answers at:
    // a page loaded through it signs logins for the proxy's origin, as behind a real proxy.
    const target: { url?: string } = {};
    const proxy = await startCuttableProxy(() => target.url ?? "http://127.0.0.1:1");
    cleanups.push(() => proxy.close());
    const relay = await startTestServer({ receiptIntervalMs: 50, webDir: inject("webDist"), ...config }, { alsoAnsweringAt: [proxy.url] });
    target.url = relay.url;
    cleanups.push(() => relay.close());
    const created: World = {
      relay,
      proxy: () => Promise.resolve(proxy),
      async person(options = {}) {
        const profile = await createProfile();
        cleanups.push(() => profile.remove());
        const serverUrl = options.proxy?.url ?? relay.url;
        let chat: ChatPage | undefined;
        return {
          profile,
          serverUrl,
          get chat() {
            if (chat === undefined) throw new Error("open() the person's browser first");
            return chat;
          },
          async open(viewport) {
            chat = new ChatPage(await profile.open(viewport));
            pages.push(chat);
            await chat.goto(serverUrl);
            return chat;
          },
        };
      },
      async gather(...arrivals) {
        const people: Person[] = [];
        for (const { name, viewport = VIEWPORTS.desktop, proxy, rooms = ["lobby"], plain = false } of arrivals) {
          const person = await created.person({ proxy });
          const chat = await person.open(viewport);
          await chat.signIn(name);
          for (const room of rooms) await chat.join(room, { plain });
          people.push(person);
        }
        return people as { -readonly [K in keyof typeof arrivals]: Person };
      },
    };
    world = created;
  });
  afterEach(async () => {
    // Any page error or Content-Security-Policy violation fails the test that caused it.
    const problems = pages.splice(0).flatMap((page) => page.problems());
    // Browsers first (they hold connections to the relay), then proxies, the relay.
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
    world = undefined;
    if (problems.length > 0) throw new Error(`the pages reported problems:\n${problems.join("\n")}`);
  });
  return () => {
    if (world === undefined) throw new Error("no world: call inside a test");
    return world;
  };
}
