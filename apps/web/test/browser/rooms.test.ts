import { describe, expect, it } from "vitest";
import { VIEWPORTS } from "./harness/chromium.js";
import { skipReason } from "./harness/skip.js";
import { useWorld } from "./harness/world.js";

describe.skipIf(skipReason !== "")("web client: rooms", () => {
  const world = useWorld();

  it("is in several rooms at once, counts unread messages per room, marks them, and leaves a room", async () => {
    const [alice, bob] = await world().gather({ name: "alice", rooms: ["design", "lobby"] }, { name: "bob", rooms: ["lobby", "design"] });
    const [a, b] = [alice.chat, bob.chat];

    // Bob writes in #design while Alice reads #lobby.
    await b.send("first in design");
    await b.send("second in design");
    await a.page.getByRole("button", { name: "design 2 unread" }).waitFor();
    await expect.poll(() => a.page.title()).toBe("(2) #lobby · Pigeon");

    await a.open("design");
    await a.sees("second in design");
    expect(await a.page.getByTestId("divider").allTextContents()).toEqual(["New messages"]);
    await a.page.getByRole("button", { name: "design", exact: true }).waitFor();
    expect(await a.page.title()).toBe("#design · Pigeon");

    // Messages in the open room are read at once.
    await b.send("third in design");
    await a.sees("third in design");
    expect(await a.roomLink("design").textContent()).not.toContain("unread");

    // Leaving (confirmed in its dialog): the room goes from the list and Bob sees Alice leave its member list.
    await a.page.getByRole("button", { name: "Leave #design" }).click();
    await a.page.getByRole("alertdialog", { name: "Leave #design?" }).getByRole("button", { name: "Leave #design" }).click();
    await a.roomHeading("lobby").waitFor();
    expect(await a.page.getByRole("navigation", { name: "Rooms" }).getByRole("listitem").allTextContents()).toEqual(["#lobby"]);
    await expect.poll(() => b.members().textContent()).not.toContain("alice");
  });

  it("shows who is online, who is not, and who is typing", async () => {
    const [alice, bob] = await world().gather({ name: "alice" }, { name: "bob", viewport: VIEWPORTS.phone });
    const [a, b] = [alice.chat, bob.chat];
    await expect.poll(() => a.members().getByRole("region", { name: "Online, 2" }).textContent()).toContain("bob");
    expect(await a.page.getByText("2 members, 2 online").count()).toBe(1);

    // On a phone the member list is behind the People button.
    expect(await b.members().isVisible()).toBe(false);
    await b.page.getByRole("button", { name: "People" }).click();
    await expect.poll(() => b.members().textContent()).toContain("alice");
    await b.page.keyboard.press("Escape");
    expect(await b.members().isVisible()).toBe(false);

    // Bob starts typing; Alice sees it until his message arrives.
    await b.page.getByLabel("Message", { exact: true }).fill("almost");
    await a.page.getByText("bob is typing…").waitFor();
    await b.page.getByLabel("Message", { exact: true }).press("Enter");
    await a.sees("almost");
    expect(await a.page.getByText("bob is typing…").count()).toBe(0);

    await bob.profile.close();
    await expect.poll(() => a.members().getByRole("region", { name: "Offline, 1" }).textContent()).toContain("bob");
    expect(await a.page.getByText("2 members, 1 online").count()).toBe(1);
  });
});
