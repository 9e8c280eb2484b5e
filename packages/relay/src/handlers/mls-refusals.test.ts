import { expect, it } from "vitest";
import {
  base64,
  createRoomGroup,
  describeEachStore,
  helloOf,
  joinRoomGroup,
  roomGroupId,
  untyped,
  useKeyed,
  useMember,
  useMlsMember,
  useRelay,
  useSocket,
  testIdentity,
  type MlsTestMember,
} from "@pigeon/testing";
import { createIdentityKey, MlsGroup } from "@pigeon/crypto";

/** Where `member`'s view of the room stands: epoch, pending and latest seq. */
async function standing(member: MlsTestMember) {
  const info = await member.socket.emitWithAck("groupInfo", { room: "team" });
  return info.ok ? { epoch: info.data.epoch, seq: info.data.seq, pending: info.data.pending } : info.error.code;
}

describeEachStore("encrypted rooms' refusals", (store) => {
  it("refuses guests and the tutorial's client with E2E_REQUIRED, and still lets them chat in plain rooms", async () => {
    const server = await useRelay({ store });
    const alice = await useMlsMember(server, "alice", ["team"]);
    const guest = await useMember(server, "guest");
    const refused = await guest.emitWithAck("join", "team");
    expect(refused).toMatchObject({ ok: false, error: { code: "E2E_REQUIRED", message: expect.stringContaining("end-to-end encrypted") } });
    expect(await guest.emitWithAck("join", { room: "secret", mode: "encrypted" })).toMatchObject({ ok: false, error: { code: "E2E_REQUIRED" } });
    // The seed tutorial's client: string login and join, no acks; the refusal comes as an `error` event.
    const seed = await useSocket(server);
    untyped(seed).emit("login", "seed");
    const error = new Promise((resolve) => seed.once("error", resolve));
    untyped(seed).emit("join", "team");
    expect(await error).toMatchObject({ event: "join", code: "E2E_REQUIRED" });
    expect((await alice.socket.emitWithAck("groupInfo", { room: "team" })).ok).toBe(true);
    expect((await server.relay.context.store.members("team")).map(({ name }) => name)).toEqual(["alice"]);
    // Plain rooms are as before.
    expect(await guest.emitWithAck("join", "lobby")).toMatchObject({ ok: true, data: { mode: "plain" } });
    expect(await guest.emitWithAck("chat", { room: "lobby", text: "hi" })).toMatchObject({ ok: true });
  });

  it("refuses plain text in an encrypted room, and MLS in a plain one", async () => {
    const server = await useRelay({ store });
    const alice = await useMlsMember(server, "alice", ["team"]);
    await createRoomGroup(alice, "team");
    const chat = await alice.socket.emitWithAck("chat", { room: "team", text: "in clear" });
    expect(chat).toMatchObject({ ok: false, error: { code: "E2E_REQUIRED", message: "room team is end-to-end encrypted: send MLS messages (a Pigeon client), not plain text" } });
    expect((await server.relay.context.store.entriesAfter("team", 0)).lastSeq).toBe(0);

    const joined = await alice.socket.emitWithAck("join", { room: "lobby", mode: "plain" });
    expect(joined).toMatchObject({ ok: true, data: { mode: "plain" } });
    const info = await alice.socket.emitWithAck("groupInfo", { room: "team" });
    const groupInfo = info.ok ? (info.data.groupInfo ?? "") : "";
    expect(await alice.socket.emitWithAck("mls", { room: "lobby", message: groupInfo })).toMatchObject({ ok: false, error: { code: "BAD_REQUEST" } });
    const ownGroup = await MlsGroup.create(roomGroupId("lobby", "x"), alice.options);
    const message = base64(await ownGroup.group.encrypt(new TextEncoder().encode("hi")));
    expect(await alice.socket.emitWithAck("mls", { room: "lobby", message })).toMatchObject({
      ok: false,
      error: { code: "BAD_REQUEST", message: expect.stringContaining("room lobby is plain") },
    });
    // A guest is refused before anything is read.
    const guest = await useMember(server, "guest", ["lobby"]);
    expect(await guest.emitWithAck("mls", { room: "lobby", message })).toMatchObject({ ok: false, error: { code: "E2E_REQUIRED" } });
  });

  it("refuses an external commit under another name or key with UNAUTHORIZED, changing nothing", async () => {
    const server = await useRelay({ store });
    const alice = await useMlsMember(server, "alice", ["team"]);
    await createRoomGroup(alice, "team");
    const before = await standing(alice);
    const asAlice = await useMlsMember(server, "mallory", ["team"], { credential: "alice" });
    expect((await joinRoomGroup(asAlice, "team")).ack).toMatchObject({ ok: false, error: { code: "UNAUTHORIZED" } });
    const otherKey = await useMlsMember(server, "trudy", ["team"]);
    const stolen = { ...otherKey, options: { ...otherKey.options, identity: { name: "trudy", key: createIdentityKey() } } };
    expect((await joinRoomGroup(stolen, "team")).ack).toMatchObject({ ok: false, error: { code: "UNAUTHORIZED" } });
    expect(await standing(alice)).toEqual(before);
  });

  it("refuses a group that is not the caller's, or not for this room's incarnation", async () => {
    const server = await useRelay({ store });
    const alice = await useMlsMember(server, "alice", ["team"]);
    const info = await alice.socket.emitWithAck("groupInfo", { room: "team" });
    const incarnation = info.ok ? info.data.incarnation : "";
    const other = await useMlsMember(server, "bob", ["team"]);
    const bobs = await MlsGroup.create(roomGroupId("team", incarnation), other.options);
    expect(await alice.socket.emitWithAck("createGroup", { room: "team", groupInfo: base64(bobs.groupInfo) })).toMatchObject({
      ok: false,
      error: { code: "UNAUTHORIZED" },
    });
    const stale = await MlsGroup.create(roomGroupId("team", "elsewhen"), alice.options);
    expect(await alice.socket.emitWithAck("createGroup", { room: "team", groupInfo: base64(stale.groupInfo) })).toMatchObject({
      ok: false,
      error: { code: "BAD_REQUEST", message: `the group of room team must have the id "pigeon/${incarnation}/team"` },
    });
    await createRoomGroup(alice, "team");
    const again = await MlsGroup.create(roomGroupId("team", incarnation), alice.options);
    expect(await alice.socket.emitWithAck("createGroup", { room: "team", groupInfo: base64(again.groupInfo) })).toMatchObject({
      ok: false,
      error: { code: "STALE_EPOCH", group: { epoch: 0, pending: [] } },
    });
  });

  it("answers hostile payloads with typed errors and changes nothing", async () => {
    const server = await useRelay({ store });
    const alice = await useMlsMember(server, "alice", ["team"]);
    const group = await createRoomGroup(alice, "team");
    const before = await standing(alice);
    const application = await group.encrypt(new TextEncoder().encode("hi"));
    // A private commit: the content type byte after the version, wire format, group id and epoch.
    const privateCommit = Uint8Array.from(application);
    privateCommit[4 + 1 + (privateCommit[4] ?? 0) + 8] = 3;
    const info = await alice.socket.emitWithAck("groupInfo", { room: "team" });
    const cases: [string, Record<string, unknown>, string, string?][] = [
      ["garbage base64", { message: "AAAAAAAA" }, "BAD_REQUEST"],
      ["non-canonical base64", { message: "AAAAA" }, "BAD_REQUEST"],
      ["a GroupInfo as a message", { message: info.ok ? (info.data.groupInfo ?? "") : "" }, "BAD_REQUEST", "a GroupInfo is not a log entry"],
      ["a private commit", { message: base64(privateCommit) }, "BAD_REQUEST", "a commit must be sent as a PublicMessage"],
      ["a message with trailing bytes", { message: base64(Uint8Array.from([...application, 0])) }, "BAD_REQUEST"],
      ["an application message with a groupInfo", { message: base64(application), groupInfo: info.ok ? (info.data.groupInfo ?? "") : "" }, "BAD_REQUEST"],
      ["an application message past the limit", { message: base64(await group.encrypt(new Uint8Array(21 * 1024))) }, "PAYLOAD_TOO_LARGE"],
      ["a message that is not base64 at all", { message: "not base64!" }, "BAD_REQUEST"],
      ["a claimed epoch", { message: base64(application), epoch: 5 }, "BAD_REQUEST"],
    ];
    for (const [what, payload, code, says = ""] of cases) {
      const answer = await untyped(alice.socket).emitWithAck("mls", { room: "team", ...payload });
      expect({ what, answer }).toMatchObject({ what, answer: { ok: false, error: { code, message: expect.stringContaining(says) } } });
    }
    expect(await standing(alice)).toEqual(before);
    expect(await server.relay.context.store.heldEntries()).toBe(0);
  });

  it("refuses to put a keyed member asking for an encrypted room into a plain one: nobody sees it come and go", async () => {
    const server = await useRelay({ store });
    const bob = await useKeyed(server, testIdentity(), "bob");
    expect(await bob.emitWithAck("join", { room: "lobby", mode: "plain" })).toMatchObject({ ok: true, data: { mode: "plain" } });
    const alice = await useKeyed(server, testIdentity(), "alice");
    expect(await alice.emitWithAck("join", { room: "lobby", mode: "encrypted" })).toMatchObject({
      ok: false,
      error: { code: "ROOM_NOT_ENCRYPTED", message: expect.stringContaining("plain") },
    });
    // Refused before anything changed: alice is neither a member nor present, so the room never
    // saw her come and go (before, she joined, and her SDK left again at once).
    expect(await server.relay.context.store.members("lobby")).toEqual([expect.objectContaining({ name: "bob" })]);
    // Asking for the room as it is works.
    expect(await alice.emitWithAck("join", { room: "lobby", mode: "plain" })).toMatchObject({ ok: true, data: { mode: "plain" } });
  });

  it("refuses plain rooms on a relay that requires end-to-end encryption", async () => {
    const server = await useRelay({ store, requireE2e: true });
    const alice = await useMlsMember(server, "alice", ["team"]);
    expect(helloOf(alice.socket)?.e2eRequired).toBe(true);
    expect(await alice.socket.emitWithAck("join", "lobby")).toMatchObject({ ok: false, error: { code: "E2E_REQUIRED" } });
    expect(await alice.socket.emitWithAck("join", { room: "lobby", mode: "plain" })).toMatchObject({ ok: false, error: { code: "E2E_REQUIRED" } });
    expect(await server.relay.context.store.roomMode("lobby")).toBeUndefined();
    const keyed = await useKeyed(server, testIdentity(), "bob");
    expect(await keyed.emitWithAck("join", { room: "team" })).toMatchObject({ ok: true, data: { mode: "encrypted", group: { epoch: null, pending: [] } } });
    const guest = await useMember(server, "guest");
    expect(await guest.emitWithAck("join", "lobby")).toMatchObject({ ok: false, error: { code: "E2E_REQUIRED" } });
  });
});
