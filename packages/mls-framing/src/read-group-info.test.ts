import { describe, expect, it } from "vitest";
import { FramingErrorCode } from "./errors.js";
import { applicationMessage, codeOf, groupInfoObject, groupInfoOf, joinExternally, newGroup, signer } from "./groups.fixture.js";
import { readGroupInfo } from "./read-group-info.js";

const alice = signer("alice");
const bob = signer("bob");

describe("readGroupInfo", () => {
  it("reads a new group's epoch, id and only leaf", async () => {
    const state = await newGroup("pigeon/inc/team", alice);
    expect(readGroupInfo(await groupInfoOf(state))).toEqual({
      epoch: 0n,
      groupId: new TextEncoder().encode("pigeon/inc/team"),
      leaves: [{ leaf: 0, name: "alice", signatureKey: alice.publicKey }],
    });
  });

  it("reads every leaf after an external join, at the next epoch", async () => {
    const state = await newGroup("g", alice);
    const { state: joined } = await joinExternally(await groupInfoObject(state), bob);
    const framing = readGroupInfo(await groupInfoOf(joined));
    expect(framing.epoch).toBe(1n);
    expect(framing.leaves).toEqual([
      { leaf: 0, name: "alice", signatureKey: alice.publicKey },
      { leaf: 1, name: "bob", signatureKey: bob.publicKey },
    ]);
  });

  it("refuses a GroupInfo without its ratchet tree", async () => {
    const state = await newGroup("g", alice);
    const bare = await groupInfoOf(state, false);
    expect(codeOf(() => readGroupInfo(bare))).toBe(FramingErrorCode.NO_RATCHET_TREE);
  });

  it("refuses two leaves with one signature key", async () => {
    const state = await newGroup("g", alice);
    // ts-mls lets the same key join a second time (RFC 9420 section 7.3 forbids it).
    const { state: twice } = await joinExternally(await groupInfoObject(state), { ...alice, name: "alice2" });
    const duplicated = await groupInfoOf(twice);
    expect(codeOf(() => readGroupInfo(duplicated))).toBe(FramingErrorCode.DUPLICATE_SIGNATURE_KEY);
  });

  it("refuses a leaf whose credential is not a basic one", async () => {
    const state = await newGroup("g", alice, { credentialType: "x509", certificates: [new Uint8Array([1, 2, 3])] });
    const x509 = await groupInfoOf(state);
    expect(codeOf(() => readGroupInfo(x509))).toBe(FramingErrorCode.UNSUPPORTED);
  });

  it("refuses log entries, truncations and trailing bytes", async () => {
    const state = await newGroup("g", alice);
    const message = await applicationMessage(state, "hi");
    expect(codeOf(() => readGroupInfo(message))).toBe(FramingErrorCode.WRONG_WIRE_FORMAT);
    const whole = await groupInfoOf(state);
    for (let length = 0; length < whole.length; length += 1) {
      expect(codeOf(() => readGroupInfo(whole.subarray(0, length)))).toBe(FramingErrorCode.UNREADABLE);
    }
    const longer = new Uint8Array(whole.length + 3);
    longer.set(whole);
    expect(codeOf(() => readGroupInfo(longer))).toBe(FramingErrorCode.UNREADABLE);
  });
});
