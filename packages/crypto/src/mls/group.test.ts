import {
  defaultCapabilities,
  defaultLifetime,
  encodeMlsMessage,
  generateKeyPackageWithKey,
  joinGroupExternal,
  decodeMlsMessage,
} from "ts-mls";
import { describe, expect, it } from "vitest";
import type { Identity } from "../identity-document.js";
import { createIdentityKey } from "../identity-key.js";
import { nodeCryptoProvider } from "../node/node-crypto-provider.js";
import { loadCipherSuite } from "./cipher-suite.js";
import { GroupErrorCode } from "./errors.js";
import { MlsGroup, type GroupOptions, type Removal } from "./group.js";
import { credentialOf, sameKey } from "./members.js";

const suite = await loadCipherSuite(nodeCryptoProvider);
const text = (value: string) => new TextEncoder().encode(value);

/** The relay as a delivery service: one ordered log and the latest GroupInfo. */
class Room {
  readonly log: Uint8Array[] = [];
  readonly vouched = new Map<string, Uint8Array>();
  groupInfo: Uint8Array = new Uint8Array();

  identity(name: string): Identity {
    const identity = { name, key: createIdentityKey() };
    this.vouched.set(name, identity.key.publicKey);
    return identity;
  }

  options(identity: Identity): GroupOptions {
    return { suite, identity, checkCredential: ({ name, signatureKey }) => sameKey(this.vouched.get(name) ?? new Uint8Array(), signatureKey) };
  }

  async create(name: string): Promise<Member> {
    const identity = this.identity(name);
    const { group, groupInfo } = await MlsGroup.create(text("room#1"), this.options(identity));
    this.groupInfo = groupInfo;
    return new Member(this, identity, group, 0);
  }

  async join(name: string, identity = this.identity(name)): Promise<Member> {
    const { group, commit, groupInfo } = await MlsGroup.joinExternal(this.groupInfo, this.options(identity));
    this.submit(commit, groupInfo);
    return new Member(this, identity, group, this.log.length);
  }

  submit(commit: Uint8Array, groupInfo: Uint8Array): void {
    this.log.push(commit);
    this.groupInfo = groupInfo;
  }
}

/** A client: its group, its place in the log, and what it has read. */
class Member {
  readonly read: string[] = [];

  constructor(
    readonly room: Room,
    readonly identity: Identity,
    public group: MlsGroup,
    public cursor: number,
  ) {}

  async catchUp(): Promise<void> {
    // A removed member reads nothing more; its SDK would rejoin or leave.
    for (; this.cursor < this.room.log.length && this.group.active; this.cursor += 1) {
      const result = await this.group.process(this.room.log[this.cursor]!);
      if (result.kind === "message") this.read.push(`${result.sender}: ${new TextDecoder().decode(result.plaintext)}`);
    }
  }

  async send(message: string): Promise<Uint8Array> {
    await this.catchUp();
    const bytes = await this.group.encrypt(text(message));
    this.room.log.push(bytes);
    return bytes;
  }

  async remove(...names: string[]): Promise<void> {
    await this.catchUp();
    const pending = await this.group.commitRemovals(leavesOf(this.group, names));
    if (pending === undefined) throw new Error("nothing to remove");
    this.room.submit(pending.commit, pending.groupInfo);
    pending.accept();
  }
}

/** The relay's pending removals for `names`: each of their leaves, with the name. */
function leavesOf(group: MlsGroup, names: readonly string[]): Removal[] {
  return group.members.filter((member) => names.includes(member.name)).map(({ leaf, name }) => ({ leaf, name }));
}

async function roomOf(...names: string[]): Promise<[Room, ...Member[]]> {
  const room = new Room();
  const [first, ...others] = names;
  const members = [await room.create(first!)];
  for (const name of others) members.push(await room.join(name));
  for (const member of members) await member.catchUp();
  return [room, ...members];
}

describe("MlsGroup", () => {
  it("grows to 10 members by external joins alone; all share an epoch and read each other", async () => {
    const [, ...members] = await roomOf(...Array.from({ length: 10 }, (_, index) => `member${index}`));
    expect(new Set(members.map((member) => member.group.epoch))).toEqual(new Set([9n]));
    expect(members[0]!.group.members.map((member) => member.name)).toEqual(members.map((member) => member.identity.name));
    for (const member of members) await member.send(`hello from ${member.identity.name}`);
    for (const member of members) await member.catchUp();
    for (const member of members) {
      expect(member.read).toEqual(members.filter((other) => other !== member).map((other) => `${other.identity.name}: hello from ${other.identity.name}`));
    }
  });

  it("lets an offline member process three commits and 50 messages in log order", async () => {
    const [room, alice, bob, carol] = await roomOf("alice", "bob", "carol");
    const sent: string[] = [];
    const say = async (index: number) => {
      await alice!.send(`message ${index}`);
      sent.push(`alice: message ${index}`);
    };
    for (let index = 0; index < 10; index += 1) await say(index);
    const dave = await room.join("dave");
    for (let index = 10; index < 25; index += 1) await say(index);
    await alice!.remove("carol");
    for (let index = 25; index < 40; index += 1) await say(index);
    await room.join("erin");
    for (let index = 40; index < 50; index += 1) await say(index);

    await bob!.catchUp();
    expect(bob!.read).toEqual(sent);
    expect(bob!.group.epoch).toBe(alice!.group.epoch);
    expect(bob!.group.members.map((member) => member.name).sort()).toEqual(["alice", "bob", "dave", "erin"]);
    await carol!.catchUp();
    expect(carol!.group.active).toBe(false);
    expect(carol!.read).toEqual(sent.slice(0, 25));
    await dave.catchUp();
    expect(dave.read).toEqual(sent.slice(10));
  });

  it("reads its member list once per tree: the same members across messages, a new list after each commit", async () => {
    const [room, alice, bob] = await roomOf("alice", "bob", "carol");
    await bob!.catchUp();
    const names = () => bob!.group.members.map((member) => `${member.leaf}:${member.name}`);
    const first = bob!.group.members;
    for (let index = 0; index < 5; index += 1) await alice!.send(`message ${index}`);
    await bob!.catchUp();
    const later = bob!.group.members;
    // Application messages keep the tree, so its members are not built again (each read of them
    // walked the whole tree before: twice per message processed, in the SDK and in process).
    expect(later).not.toBe(first);
    for (const [index, member] of later.entries()) expect(member).toBe(first[index]);
    later.pop();
    expect(bob!.group.members).toHaveLength(3);

    await alice!.remove("carol");
    await bob!.catchUp();
    expect(names()).toEqual(["0:alice", "1:bob"]);
    await room.join("dave");
    await bob!.catchUp();
    expect(names()).toEqual(["0:alice", "1:bob", "2:dave"]);
    expect(bob!.group.members[0]).not.toBe(first[0]);
    expect(bob!.read.slice(-5)).toEqual(Array.from({ length: 5 }, (_, index) => `alice: message ${index}`));
  });

  it("reports a removal to the removed member, who cannot decrypt what is sent afterwards", async () => {
    const [room, alice, bob, dave] = await roomOf("alice", "bob", "dave");
    const before = dave!.group.encode();
    await alice!.remove("dave");
    const result = await dave!.group.process(room.log.at(-1)!);
    expect(result).toMatchObject({ kind: "commit", removedMe: true });
    expect(dave!.group.active).toBe(false);

    const later = await bob!.send("after dave left");
    await expect(dave!.group.process(later)).rejects.toMatchObject({ code: GroupErrorCode.REMOVED });
    await expect(dave!.group.encrypt(text("still here?"))).rejects.toMatchObject({ code: GroupErrorCode.REMOVED });
    const oldState = await MlsGroup.restore(before, room.options(dave!.identity));
    await expect(oldState.process(later)).rejects.toMatchObject({ code: GroupErrorCode.UNREADABLE });
    await alice!.catchUp();
    expect(alice!.read).toEqual(["bob: after dave left"]);
  });

  it("rejoins by resync after losing its state, replacing its old leaf", async () => {
    const [room, alice, bob] = await roomOf("alice", "bob");
    const rejoin = await MlsGroup.joinExternal(room.groupInfo, room.options(bob!.identity));
    expect(rejoin.resync).toBe(true);
    room.submit(rejoin.commit, rejoin.groupInfo);
    const again = new Member(room, bob!.identity, rejoin.group, room.log.length);
    await alice!.send("welcome back");
    await again.catchUp();
    await alice!.catchUp();
    expect(again.read).toEqual(["alice: welcome back"]);
    expect(alice!.group.members.map((member) => member.name)).toEqual(["alice", "bob"]);
    expect(again.group.epoch).toBe(alice!.group.epoch);
  });

  it("continues from encoded state, which does not hold the identity's secret key", async () => {
    const [room, alice, bob] = await roomOf("alice", "bob");
    const stored = bob!.group.encode();
    expect(Buffer.from(stored).includes(Buffer.from(bob!.identity.key.secretKey))).toBe(false);
    const restarted = new Member(room, bob!.identity, await MlsGroup.restore(stored, room.options(bob!.identity)), bob!.cursor);
    await alice!.send("still here?");
    await restarted.send("yes");
    await restarted.catchUp();
    await alice!.catchUp();
    expect(restarted.read).toEqual(["alice: still here?"]);
    expect(alice!.read).toEqual(["bob: yes"]);
  });

  it("refuses to restore state for another identity", async () => {
    const [room, , bob] = await roomOf("alice", "bob");
    const other = room.identity("mallory");
    await expect(MlsGroup.restore(bob!.group.encode(), room.options(other))).rejects.toMatchObject({ code: GroupErrorCode.STATE_MISMATCH });
  });

  it("rejects a commit that adds a second leaf with a signature key already in the group", async () => {
    const [room, alice, bob] = await roomOf("alice", "bob");
    // A second device of bob's joins without resync: ts-mls itself would accept the duplicate.
    const { identity } = bob!;
    const keyPair = { signKey: identity.key.secretKey, publicKey: identity.key.publicKey };
    const { publicPackage, privatePackage } = await generateKeyPackageWithKey(credentialOf("bob"), defaultCapabilities(), defaultLifetime, [], keyPair, suite);
    const groupInfo = decodeMlsMessage(room.groupInfo, 0)![0];
    if (groupInfo.wireformat !== "mls_group_info") throw new Error("not a GroupInfo");
    const { publicMessage } = await joinGroupExternal(groupInfo.groupInfo, publicPackage, privatePackage, false, suite);
    const epoch = alice!.group.epoch;
    const commit = encodeMlsMessage({ version: "mls10", wireformat: "mls_public_message", publicMessage });
    await expect(alice!.group.process(commit)).rejects.toMatchObject({ code: GroupErrorCode.DUPLICATE_SIGNATURE_KEY });
    expect(alice!.group.epoch).toBe(epoch);
  });

  it("rejects a member whose credential does not match the key vouched for its name", async () => {
    const [room, alice] = await roomOf("alice");
    const impostor = { name: "bob", key: createIdentityKey() };
    room.vouched.set("bob", createIdentityKey().publicKey);
    const { commit } = await MlsGroup.joinExternal(room.groupInfo, { ...room.options(impostor), checkCredential: () => true });
    await expect(alice!.group.process(commit)).rejects.toMatchObject({ code: GroupErrorCode.CREDENTIAL_REJECTED });
    expect(alice!.group.epoch).toBe(0n);

    const strict = await MlsGroup.joinExternal(room.groupInfo, { ...room.options(room.identity("carol")), checkCredential: ({ name }) => name !== "alice" }).catch((error: unknown) => error);
    expect(strict).toMatchObject({ code: GroupErrorCode.CREDENTIAL_REJECTED });
  });

  it("recognises its own entries in the log instead of failing on them", async () => {
    const [room, alice] = await roomOf("alice", "bob");
    const mine = await alice!.send("mine");
    expect(await alice!.group.process(mine)).toEqual({ kind: "own" });
    expect(room.log.at(-1)).toBe(mine);
  });

  it("never reuses a message key: a message the relay refused leaves the next one readable", async () => {
    const [, alice, bob] = await roomOf("alice", "bob");
    const refused = await alice!.group.encrypt(text("refused"));
    const next = await alice!.send("next");
    expect(Buffer.from(refused).equals(Buffer.from(next))).toBe(false);
    await bob!.catchUp();
    expect(bob!.read).toEqual(["alice: next"]);
  });

  it("drops a commit the relay refused, so the loser of a race follows the winner", async () => {
    const [room, alice, bob] = await roomOf("alice", "bob", "carol");
    const winner = await alice!.group.commitRemovals(leavesOf(alice!.group, ["carol"]));
    const loser = await bob!.group.commitRemovals(leavesOf(bob!.group, ["carol"]));
    room.submit(winner!.commit, winner!.groupInfo);
    winner!.accept();
    expect(loser?.epoch).toBe(bob!.group.epoch);
    await bob!.catchUp();
    expect(bob!.group.epoch).toBe(alice!.group.epoch);
    expect(bob!.group.members.map((member) => member.name)).toEqual(["alice", "bob"]);
  });

  it("removes a leaf only while it holds the name given with it, and never our own", async () => {
    const [room, alice, bob, carol] = await roomOf("alice", "bob", "carol");
    const carolLeaf = carol!.group.members.find((member) => member.name === "carol")!.leaf;
    const aliceLeaf = alice!.group.members.find((member) => member.name === "alice")!.leaf;
    await expect(alice!.group.commitRemovals([{ leaf: carolLeaf, name: "dave" }])).resolves.toBeUndefined();
    await expect(alice!.group.commitRemovals([{ leaf: aliceLeaf, name: "alice" }])).resolves.toBeUndefined();
    await expect(alice!.group.commitRemovals([{ leaf: 99, name: "carol" }])).resolves.toBeUndefined();
    const pending = await alice!.group.commitRemovals([
      { leaf: carolLeaf, name: "carol" },
      { leaf: aliceLeaf, name: "alice" },
    ]);
    room.submit(pending!.commit, pending!.groupInfo);
    pending!.accept();
    await bob!.catchUp();
    expect(bob!.group.members.map((member) => member.name)).toEqual(["alice", "bob"]);
  });

  it("reads messages of the epoch before its own commit, also after a restore from that point", async () => {
    const [room, alice, bob, carol] = await roomOf("alice", "bob", "carol");
    const late = await bob!.group.encrypt(text("sent before alice's commit"));
    const pending = await alice!.group.commitRemovals(leavesOf(alice!.group, ["carol"]));
    room.submit(pending!.commit, pending!.groupInfo);
    pending!.accept();
    const stored = alice!.group.encode();
    const restored = await MlsGroup.restore(stored, room.options(alice!.identity));
    for (const group of [alice!.group, restored]) {
      const result = await group.process(late);
      expect(result).toMatchObject({ kind: "message", sender: "bob" });
    }
    expect(carol!.group.active).toBe(true);
  });
});
