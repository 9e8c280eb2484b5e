import type { RelayConfigInput } from "@pigeon/testing";
import { startTestServer, type TestServer } from "@pigeon/testing";
import { afterEach, beforeEach, inject } from "vitest";
import { ChatPage } from "./chat-page.js";
import { createProfile, type BrowserProfile } from "./chromium.js";
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

/** What every browser test gets: a fresh relay serving the build, people and proxies. */
export interface World {
  readonly relay: TestServer;
  /** A new person; with `network: "cuttable"` their traffic goes through a proxy the test can cut. */
  person(options?: { proxy?: CuttableProxy }): Promise<Person>;
  /** A proxy in front of the relay whose network can be cut. */
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
    const relay = await startTestServer({ receiptIntervalMs: 50, webDir: inject("webDist"), ...config });
    cleanups.push(() => relay.close());
    world = {
      relay,
      async proxy() {
        const proxy = await startCuttableProxy(relay.url);
        cleanups.push(() => proxy.close());
        return proxy;
      },
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
    };
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
