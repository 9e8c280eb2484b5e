import { describe, expect, it } from "vitest";
import { ChatPage, UI_WAIT_MS } from "./harness/chat-page.js";
import { VIEWPORTS } from "./harness/chromium.js";
import { skipReason } from "./harness/skip.js";
import { useWorld } from "./harness/world.js";

// Encrypted rooms as people use them in the browser: the web client creates rooms as MLS
// groups, keeps each group's state in IndexedDB, shows safety numbers and warns of changed keys.

describe.skipIf(skipReason !== "")("web client: encrypted rooms", () => {
  const world = useWorld();

  it("chat encrypted; a reload continues in the group; both see the same safety number, and verifying sticks", async () => {
    const [alice, bob] = await world().gather({ name: "alice" }, { name: "bob", viewport: VIEWPORTS.phone });
    const [a, b] = [alice.chat, bob.chat];
    expect(await a.roomMode()).toBe("Encrypted");
    expect(await b.roomMode()).toBe("Encrypted");

    await a.send("This one is for your eyes only.");
    await b.sees("This one is for your eyes only.");
    await b.send("Only ours: the server sees ciphertext.");
    await a.sees("Only ours: the server sees ciphertext.");

    // Bob reloads: his group state comes back from IndexedDB, so the next message is readable
    // and nothing is reported lost.
    await b.page.reload();
    await b.signedIn();
    await b.sees("Only ours: the server sees ciphertext.");
    await a.send("Still there after your reload?");
    await b.sees("Still there after your reload?");
    expect(await b.page.getByTestId("gap").count()).toBe(0);

    const [fromAlice, fromBob] = [await a.safetyNumber("bob"), await b.safetyNumber("alice")];
    expect(fromAlice).toMatch(/^\d{60}$/u);
    expect(fromAlice).toBe(fromBob);
    // Shown in twelve groups of five digits.
    expect(await a.verifyDialog().getByTestId("safety-number").locator("span").allTextContents()).toHaveLength(12);

    await a.verifyDialog().getByRole("button", { name: "Mark as verified" }).click();
    await expect.poll(() => a.verifyDialog().getByTestId("verify-status").textContent()).toBe(" You verified bob.");
    await a.page.keyboard.press("Escape");
    await a.verifyDialog().waitFor({ state: "hidden" });
    const bobInList = a.members().getByRole("listitem").filter({ hasText: "bob" });
    await expect.poll(() => bobInList.textContent()).toContain("verified");

    // The mark is kept with the key, in IndexedDB: a reload still shows it.
    await a.page.reload();
    await a.signedIn();
    await expect.poll(() => a.members().getByRole("listitem").filter({ hasText: "bob" }).textContent(), { timeout: UI_WAIT_MS }).toContain("verified");
  });

  it("one tab at a time uses a profile: the second says so, and can take over", async () => {
    const [alice, bob] = await world().gather({ name: "alice" }, { name: "bob" });
    const second = new ChatPage(await alice.profile.newTab());
    await second.goto(alice.serverUrl);
    const elsewhere = second.page.getByTestId("elsewhere");
    await elsewhere.waitFor({ timeout: UI_WAIT_MS });
    expect(await elsewhere.textContent()).toContain("alice is signed in in another tab");

    await second.page.getByRole("button", { name: "Use Pigeon in this tab" }).click();
    await second.signedIn();
    await alice.chat.page.getByTestId("elsewhere").waitFor({ timeout: UI_WAIT_MS });
    await bob.chat.send("Which tab are you in?");
    await second.sees("Which tab are you in?");
    await second.send("The new one.");
    await bob.chat.sees("The new one.");
    expect(await second.page.getByTestId("gap").count()).toBe(0);
    expect(second.problems()).toEqual([]);
  });

  it("says how many messages it could not read when its group state was lost, and keeps sending meanwhile", async () => {
    const [alice, bob] = await world().gather({ name: "alice" }, { name: "bob" });
    await alice.chat.send("Before the crash.");
    await bob.chat.sees("Before the crash.");
    await alice.chat.statusIs("Before the crash.", "Delivered to all");
    // Bob's browser loses the group state (storage cleared, a crash mid-write), keeps the key.
    await bob.chat.page.evaluate(
      () =>
        new Promise<void>((resolve, reject) => {
          const request = indexedDB.open("pigeon");
          request.onsuccess = () => {
            const transaction = request.result.transaction("groups", "readwrite", { durability: "strict" });
            transaction.objectStore("groups").clear();
            transaction.oncomplete = () => {
              resolve();
            };
            transaction.onerror = () => {
              reject(new Error("could not clear the groups"));
            };
          };
        }),
    );
    await bob.profile.close();
    await alice.chat.send("You missed this one.");
    await alice.chat.send("And this one.");
    await alice.chat.statusIs("And this one.", /^(Sent|Delivered to 0 of 1)$/u);

    const back = await bob.open(VIEWPORTS.desktop);
    await back.signedIn();
    // Written while the group is being rejoined: it waits ("Sending…") and goes out after.
    await back.send("Back, what did I miss?");
    await alice.chat.sees("Back, what did I miss?");
    const notice = back.page.getByTestId("gap");
    await notice.waitFor({ timeout: UI_WAIT_MS });
    expect(await notice.textContent()).toMatch(/^2 messages couldn't be decrypted: this device's keys for the room had fallen behind/u);
    expect(await back.texts()).not.toContain("You missed this one.");
    await alice.chat.send("Two messages, now you read me again.");
    await back.sees("Two messages, now you read me again.");
  });
});

describe.skipIf(skipReason !== "")("web client: a name that changed hands", () => {
  // Members away for 2 s are dropped from their rooms (and from the group), freeing the name.
  const world = useWorld({ memberTtlMs: 2_000, sweepIntervalMs: 200 });

  it("warns everyone who knew the old key, marks the new key's messages until accepted", async () => {
    const [alice, bob] = await world().gather({ name: "alice" }, { name: "bob" });
    const a = alice.chat;
    await a.safetyNumber("bob");
    await a.verifyDialog().getByRole("button", { name: "Mark as verified" }).click();
    await a.verifyDialog().getByRole("button", { name: "Close" }).click();

    // Bob's browser goes away for good; after the member TTL the name is free again.
    await bob.profile.remove();
    const people = a.members();
    await expect.poll(() => people.textContent(), { timeout: UI_WAIT_MS }).not.toContain("bob");
    // Bob's removal from the group is pending: Alice's next message waits ("Sending…") while her
    // browser commits it, then goes out, once, to a group without him.
    await a.send("Is anyone still here?");
    await a.statusIs("Is anyone still here?", /^(Sent|Delivered to all)$/u);

    // Someone else (a new browser: a new key) signs in as bob and joins.
    const [impostor] = await world().gather({ name: "bob" });
    const warning = a.keyWarning("bob");
    await warning.waitFor({ timeout: UI_WAIT_MS });
    expect(await warning.textContent()).toContain("the one you had verified");
    expect(await warning.textContent()).toContain("someone else now has the name bob");
    await expect.poll(() => people.getByRole("listitem").filter({ hasText: "bob" }).textContent()).toContain("key changed");

    await impostor.chat.send("It's me, new laptop. Send me the vault code?");
    const marked = await a.sees("It's me, new laptop.");
    expect(await marked.textContent()).toContain("new key");

    // Comparing safety numbers shows the new key's number; accepting it ends the warning.
    expect(await a.safetyNumber("bob")).toBe(await impostor.chat.safetyNumber("alice"));
    await expect.poll(() => a.verifyDialog().textContent()).toContain("key changed recently");
    await a.verifyDialog().getByRole("button", { name: "Close" }).click();
    await warning.getByRole("button", { name: "Accept new key of bob" }).click();
    await warning.waitFor({ state: "hidden" });
    expect(await a.message("It's me, new laptop.").textContent()).not.toContain("new key");
    expect(await people.getByRole("listitem").filter({ hasText: "bob" }).textContent()).not.toContain("verified");
  });
});
