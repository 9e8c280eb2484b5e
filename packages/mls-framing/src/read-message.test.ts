import { describe, expect, it, vi } from "vitest";
import { FramingError, FramingErrorCode } from "./errors.js";
import {
  applicationMessage,
  codeOf,
  emptyCommit,
  groupInfoObject,
  groupInfoOf,
  joinExternally,
  newGroup,
  signer,
} from "./groups.fixture.js";
import { readGroupInfo } from "./read-group-info.js";
import { readMlsMessage } from "./read-message.js";

const alice = signer("alice");
const bob = signer("bób");
const state = await newGroup("pigeon/inc/team", alice);
const joined = await joinExternally(await groupInfoObject(state), bob);

describe("readMlsMessage", () => {
  it("decodes without the garbage upstream ts-mls makes per value (patches/ts-mls@1.6.4.patch)", async () => {
    // Upstream ts-mls turned each decoded enum value (wire format, content type, sender type,
    // cipher suite...) into its name through a reverse map it rebuilt from Object.entries, one
    // object spread per key, on every call; and gathered each struct's fields with a reduce that
    // copied the values so far at every field. Together most of what reading framing cost.
    const [message, groupInfo] = [await applicationMessage(state, "hello"), await groupInfoOf(state)];
    const entries = vi.spyOn(Object, "entries");
    const values = vi.spyOn(Object, "values");
    const reduce = vi.spyOn(Array.prototype, "reduce");
    try {
      for (let round = 0; round < 10; round += 1) {
        readMlsMessage(message);
        readMlsMessage(joined.commit);
        readGroupInfo(groupInfo);
      }
      expect(entries).not.toHaveBeenCalled();
      expect(values).not.toHaveBeenCalled();
      expect(reduce).not.toHaveBeenCalled();
    } finally {
      entries.mockRestore();
      values.mockRestore();
      reduce.mockRestore();
    }
  });

  it("reads an application message's epoch and kind from a PrivateMessage, sender hidden", async () => {
    const framing = readMlsMessage(await applicationMessage(state, "hello"));
    expect(framing).toEqual({
      wireformat: "private",
      epoch: 0n,
      kind: "application",
      groupId: new TextEncoder().encode("pigeon/inc/team"),
      sender: { type: "encrypted" },
    });
  });

  it("reads an external commit's joiner: its name and signature key", () => {
    const framing = readMlsMessage(joined.commit);
    expect(framing).toMatchObject({ wireformat: "public", epoch: 0n, kind: "commit" });
    expect(framing.sender).toEqual({ type: "new_member_commit", name: "bób", signatureKey: bob.publicKey });
  });

  it("reads a member's public commit with its leaf", async () => {
    const framing = readMlsMessage(await emptyCommit(joined.state, true));
    expect(framing).toMatchObject({ wireformat: "public", epoch: 1n, kind: "commit", sender: { type: "member", leaf: 1 } });
  });

  it("refuses a commit sent as a PrivateMessage", async () => {
    const privateCommit = await emptyCommit(state, false);
    expect(codeOf(() => readMlsMessage(privateCommit))).toBe(FramingErrorCode.PRIVATE_COMMIT);
  });

  it("refuses a GroupInfo as a log entry", async () => {
    const groupInfo = await groupInfoOf(state);
    expect(codeOf(() => readMlsMessage(groupInfo))).toBe(FramingErrorCode.WRONG_WIRE_FORMAT);
  });

  it("refuses every truncation of a commit and of an application message, and trailing bytes", async () => {
    for (const whole of [joined.commit, await applicationMessage(state, "hi")]) {
      for (let length = 0; length < whole.length; length += 1) {
        expect(codeOf(() => readMlsMessage(whole.subarray(0, length)))).toBe(FramingErrorCode.UNREADABLE);
      }
      const longer = new Uint8Array(whole.length + 1);
      longer.set(whole);
      expect(codeOf(() => readMlsMessage(longer))).toBe(FramingErrorCode.UNREADABLE);
    }
  });

  it("refuses garbage and lengths far past the input without reading past it", () => {
    let seed = 7;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) % 256;
    for (let round = 0; round < 500; round += 1) {
      const garbage = Uint8Array.from({ length: 1 + (round % 90) }, random);
      expect(codeOf(() => readMlsMessage(garbage))).toBe(FramingErrorCode.UNREADABLE);
    }
    // mls10, private_message, then a group id whose varint length claims 2^30 - 1 bytes.
    const claimsTooMuch = Uint8Array.from([0, 1, 0, 2, 0xbf, 0xff, 0xff, 0xff, 1, 2, 3]);
    expect(codeOf(() => readMlsMessage(claimsTooMuch))).toBe(FramingErrorCode.UNREADABLE);
  });

  it("never puts the bytes in its error message", () => {
    expect.assertions(3);
    const secret = new TextEncoder().encode("the secret plaintext");
    try {
      readMlsMessage(secret);
    } catch (error) {
      expect(error).toBeInstanceOf(FramingError);
      expect(String(error)).not.toContain("secret");
      expect((error as Error).message).not.toMatch(/[0-9a-f]{16}/);
    }
  });
});
