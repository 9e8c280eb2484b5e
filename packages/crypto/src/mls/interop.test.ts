import { readFileSync } from "node:fs";
import {
  createGroup,
  createGroupInfoWithExternalPubAndRatchetTree,
  decodeMlsMessage,
  defaultCapabilities,
  defaultLifetime,
  generateKeyPackage,
  getCiphersuiteFromName,
  getCiphersuiteImpl,
  joinGroupExternal,
  type GroupInfo,
} from "ts-mls";
import { decodeGroupInfo } from "ts-mls/groupInfo.js";
import { describe, expect, it } from "vitest";

// A GroupInfo written by an OpenMLS-based implementation (Wire's core-crypto 10.3.0): see
// test/fixtures/mls-vectors/README.md.
const vector = (file: string) => new Uint8Array(readFileSync(new URL(`../../test/fixtures/mls-vectors/${file}`, import.meta.url)));
const suite = await getCiphersuiteImpl(getCiphersuiteFromName("MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519"));
const credential = (name: string) => ({ credentialType: "basic" as const, identity: new TextEncoder().encode(name) });

function externalPubOf(groupInfo: GroupInfo): Uint8Array {
  const extension = groupInfo.extensions.find((candidate) => candidate.extensionType === "external_pub");
  if (extension === undefined) throw new Error("no external_pub extension");
  return extension.extensionData;
}

describe("ts-mls with the external_pub patch (upstream pull request 449)", () => {
  it("decodes the independent implementation's GroupInfo, with a length-prefixed 32-byte external_pub", () => {
    const bytes = vector("groupinfo.bin");
    const decoded = decodeGroupInfo(bytes, 0);
    expect(decoded?.[1]).toBe(bytes.length);
    const externalPub = externalPubOf(decoded![0]);
    expect(externalPub.length).toBe(33);
    expect(externalPub[0]).toBe(0x20);

    const framed = decodeMlsMessage(vector("groupinfo.mlsmessage.bin"), 0)?.[0];
    expect(framed?.wireformat).toBe("mls_group_info");
    expect(framed?.wireformat === "mls_group_info" && framed.groupInfo.groupContext.epoch).toBe(1n);
  });

  it("joins that group by external commit (the GroupInfo signature verifies against the signer's leaf)", async () => {
    const groupInfo = decodeGroupInfo(vector("groupinfo.bin"), 0)![0];
    const { publicPackage, privatePackage } = await generateKeyPackage(credential("zed"), defaultCapabilities(), defaultLifetime, [], suite);
    const { newState, publicMessage } = await joinGroupExternal(groupInfo, publicPackage, privatePackage, false, suite);
    expect(publicMessage.content.epoch).toBe(1n);
    expect(newState.groupContext.epoch).toBe(2n);
    expect(newState.ratchetTree.filter((node) => node?.nodeType === "leaf")).toHaveLength(2);
  });

  it("refuses a GroupInfo whose signature does not verify", async () => {
    const bytes = vector("groupinfo.bin");
    const groupInfo = decodeGroupInfo(bytes, 0)![0];
    const tampered = { ...groupInfo, signature: groupInfo.signature.map((byte, index) => (index === 0 ? byte ^ 1 : byte)) };
    const { publicPackage, privatePackage } = await generateKeyPackage(credential("zed"), defaultCapabilities(), defaultLifetime, [], suite);
    await expect(joinGroupExternal(tampered, publicPackage, privatePackage, false, suite)).rejects.toThrow(/signature/i);
  });

  it("writes external_pub as RFC 9420 does: 33 bytes, a one-byte length and the 32-byte key", async () => {
    const { publicPackage, privatePackage } = await generateKeyPackage(credential("alice"), defaultCapabilities(), defaultLifetime, [], suite);
    const state = await createGroup(new TextEncoder().encode("room"), publicPackage, privatePackage, [], suite);
    const groupInfo = await createGroupInfoWithExternalPubAndRatchetTree(state, [], suite);
    const externalPub = externalPubOf(groupInfo);
    expect(externalPub.length).toBe(33);
    expect(externalPub[0]).toBe(0x20);

    const joiner = await generateKeyPackage(credential("bob"), defaultCapabilities(), defaultLifetime, [], suite);
    const { newState } = await joinGroupExternal(groupInfo, joiner.publicPackage, joiner.privatePackage, false, suite);
    expect(newState.groupContext.epoch).toBe(1n);
  });
});
