import { expect, it } from "vitest";
import {
  aliceAndBobInTeam,
  base64,
  createRoomGroup,
  describeEachStore,
  greeting,
  joinRoomGroup,
  nextEvent,
  record,
  useMlsMember,
  useRelay,
  useSocket,
  untyped,
  type TestSocket,
} from "@pigeon/testing";
import { signLogin, type MlsGroup } from "@pigeon/crypto";

const text = (value: string) => new TextEncoder().encode(value);
const bytes = (value: string) => new Uint8Array(Buffer.from(value, "base64"));
const read = async (group: MlsGroup, message: string) => {
  const processed = await group.process(bytes(message));
  return processed.kind === "message" ? new TextDecoder().decode(processed.plaintext) : processed.kind;
};
const send = async (socket: TestSocket, group: MlsGroup, value: string, clientId?: string) =>
  socket.emitWithAck("mls", { room: "team", message: base64(await group.encrypt(text(value))), ...(clientId ? { clientId } : {}) });

describeEachStore("mls", (store) => {
  it("carries a group's creation, an external join and messages, reading kind and epoch from the framing", async () => {
    const server = await useRelay({ store });
    const alice = await useMlsMember(server, "alice", ["team"]);
    const aliceGroup = await createRoomGroup(alice, "team");
    const bob = await useMlsMember(server, "bob", ["team"]);
    const seen = nextEvent(alice.socket, "message");
    const joined = await joinRoomGroup(bob, "team");
    expect(joined.ack).toMatchObject({ ok: true, data: { room: "team", seq: 1, kind: "commit", epoch: 1 } });
    const commit = await seen;
    expect(commit).toMatchObject({ user: "bob", seq: 1, mls: "commit", epoch: 0, message: base64(joined.commit) });
    expect(await read(aliceGroup, commit.message)).toBe("commit");

    const heard = nextEvent(bob.socket, "message", ({ user }) => user === "alice");
    expect(await send(alice.socket, aliceGroup, "hi bob")).toMatchObject({ ok: true, data: { seq: 2, kind: "application", epoch: 1 } });
    const message = await heard;
    expect(message).toMatchObject({ user: "alice", mls: "application", epoch: 1 });
    expect(await read(joined.group, message.message)).toBe("hi bob");
    expect(await alice.socket.emitWithAck("groupInfo", { room: "team" })).toMatchObject({ ok: true, data: { groupInfo: base64(joined.groupInfo), epoch: 1, pending: [], seq: 2 } });
  });

  it("takes the first of two commits made in one epoch; the other gets STALE_EPOCH with the group's epoch", async () => {
    const server = await useRelay({ store });
    const alice = await useMlsMember(server, "alice", ["team"]);
    await createRoomGroup(alice, "team");
    const [carol, dave] = await Promise.all([useMlsMember(server, "carol", ["team"]), useMlsMember(server, "dave", ["team"])]);
    const answers = await Promise.all([joinRoomGroup(carol, "team"), joinRoomGroup(dave, "team")]);
    const codes = answers.map(({ ack }) => (ack.ok ? "ok" : ack.error.code)).sort();
    expect(codes).toEqual(["STALE_EPOCH", "ok"]);
    expect(answers.find(({ ack }) => !ack.ok)?.ack).toMatchObject({ error: { group: { epoch: 1, pending: [] } } });
    const loser = answers.findIndex(({ ack }) => !ack.ok) === 0 ? carol : dave;
    // The loser retries against the new GroupInfo, as the SDK does.
    expect((await joinRoomGroup(loser, "team")).ack).toMatchObject({ ok: true, data: { epoch: 2 } });
  });

  it("makes a leaver's leaf pending, refuses application messages until a commit removes it", async () => {
    const { alice, aliceGroup, bob } = await aliceAndBobInTeam(store);
    const pending = nextEvent(alice.socket, "groupStatus");
    expect(await bob.socket.emitWithAck("leave", { room: "team" })).toMatchObject({ ok: true });
    expect(await pending).toMatchObject({ room: "team", epoch: 1, pending: [{ leaf: 1, name: "bob" }] });
    const refused = await send(alice.socket, aliceGroup, "not for bob");
    expect(refused).toMatchObject({ ok: false, error: { code: "REMOVALS_PENDING", group: { epoch: 1, pending: [{ leaf: 1, name: "bob" }] } } });

    const removal = await aliceGroup.commitRemovals([{ leaf: 1, name: "bob" }]);
    if (removal === undefined) throw new Error("bob is not in alice's group");
    const cleared = nextEvent(alice.socket, "groupStatus");
    const answer = await alice.socket.emitWithAck("mls", { room: "team", message: base64(removal.commit), groupInfo: base64(removal.groupInfo) });
    expect(answer).toMatchObject({ ok: true, data: { kind: "commit", epoch: 2 } });
    removal.accept();
    expect(await cleared).toMatchObject({ epoch: 2, pending: [] });
    const after = await send(alice.socket, aliceGroup, "bob cannot read this");
    expect(after).toMatchObject({ ok: true, data: { epoch: 2 } });
  });

  it("sends receipts for a member's messages, never for its commits", async () => {
    const server = await useRelay({ store });
    const alice = await useMlsMember(server, "alice", ["team"]);
    await createRoomGroup(alice, "team");
    const bob = await useMlsMember(server, "bob", ["team"]);
    const joined = await joinRoomGroup(bob, "team");
    expect(joined.ack).toMatchObject({ ok: true, data: { seq: 1, kind: "commit" } });
    const receipts = record(bob.socket, "receipts");
    const gone = nextEvent(bob.socket, "receipts", (event) => event.receipts.some(({ seq, deleted }) => seq === 2 && deleted));
    expect(await send(bob.socket, joined.group, "hi alice")).toMatchObject({ ok: true, data: { seq: 2, kind: "application" } });
    await alice.socket.emitWithAck("ack", { room: "team", seq: 1 });
    await alice.socket.emitWithAck("ack", { room: "team", seq: 2 });
    await bob.socket.emitWithAck("ack", { room: "team", seq: 2 });
    // The commit is deleted no later than the message after it, so its receipt would be here by now.
    await gone;
    const seqs = receipts.flatMap((event) => event.receipts.map(({ seq }) => seq));
    expect(seqs).toContain(2);
    expect(seqs).not.toContain(1);
  });

  it("replays MLS entries with kind and epoch to a member who was away", async () => {
    const { server, alice, aliceGroup, bob, joined } = await aliceAndBobInTeam(store);
    const offline = nextEvent(alice.socket, "memberChanges", ({ changes }) => changes.some(({ name, online }) => name === "bob" && !online));
    bob.socket.disconnect();
    await offline;
    for (const value of ["one", "two"]) expect(await send(alice.socket, aliceGroup, value)).toMatchObject({ ok: true });

    const back = await useSocket(server);
    const replayed = record(back, "message");
    const caughtUp = nextEvent(back, "caughtUp");
    await back.emitWithAck("login", signLogin(bob.options.identity.key, { ...greeting(back), name: "bob" }));
    await caughtUp;
    const mine = replayed.filter(({ user }) => user === "alice");
    expect(mine.map(({ mls, epoch, replayed: marked }) => ({ mls, epoch, marked }))).toEqual([
      { mls: "application", epoch: 1, marked: true },
      { mls: "application", epoch: 1, marked: true },
    ]);
    expect([await read(joined.group, mine[0]?.message ?? ""), await read(joined.group, mine[1]?.message ?? "")]).toEqual(["one", "two"]);
  });

  it("answers a retried clientId with the original's place, storing and broadcasting nothing", async () => {
    const server = await useRelay({ store });
    const alice = await useMlsMember(server, "alice", ["team"]);
    const aliceGroup = await createRoomGroup(alice, "team");
    const messages = record(alice.socket, "message");
    const message = base64(await aliceGroup.encrypt(text("once")));
    const first = await alice.socket.emitWithAck("mls", { room: "team", message, clientId: "retry-0001" });
    const again = await alice.socket.emitWithAck("mls", { room: "team", message, clientId: "retry-0001" });
    expect(first).toMatchObject({ ok: true, data: { seq: 1, kind: "application", epoch: 0 } });
    expect(again).toEqual(first);
    const broadcast = nextEvent(alice.socket, "message", ({ seq }) => seq === 2);
    const next = await send(alice.socket, aliceGroup, "twice");
    expect(next).toMatchObject({ ok: true, data: { seq: 2 } });
    await broadcast;
    expect(messages.map(({ seq, clientId }) => [seq, clientId])).toEqual([
      [1, "retry-0001"],
      [2, undefined],
    ]);
  });

  it("answers a send without an ack callback by its echo (a repeat by an echo to the sender alone), a refusal by an error event", async () => {
    const { alice, aliceGroup, bob } = await aliceAndBobInTeam(store);
    const atBob = record(bob.socket, "message");

    const message = base64(await aliceGroup.encrypt(text("echoed")));
    const echo = nextEvent(alice.socket, "message", ({ clientId }) => clientId === "echo-mls-1");
    untyped(alice.socket).emit("mls", { room: "team", message, clientId: "echo-mls-1" });
    const answer = await echo;
    expect(answer).toMatchObject({ user: "alice", room: "team", seq: 2, mls: "application", epoch: 1, message });
    expect(answer).toEqual(expect.objectContaining({ id: expect.any(String), incarnation: expect.any(String), sentAt: expect.any(Number) }));

    const repeat = nextEvent(alice.socket, "message", ({ clientId }) => clientId === "echo-mls-1");
    untyped(alice.socket).emit("mls", { room: "team", message, clientId: "echo-mls-1" });
    expect(await repeat).toEqual(answer);

    // A refusal names the client id and, like the ack's, carries where the group stands.
    const left = nextEvent(alice.socket, "groupStatus");
    expect(await bob.socket.emitWithAck("leave", { room: "team" })).toMatchObject({ ok: true });
    await left;
    const refused = nextEvent(alice.socket, "error");
    untyped(alice.socket).emit("mls", { room: "team", message: base64(await aliceGroup.encrypt(text("not for bob"))), clientId: "echo-mls-2" });
    expect(await refused).toMatchObject({ event: "mls", code: "REMOVALS_PENDING", clientId: "echo-mls-2", group: { epoch: 1, pending: [{ leaf: 1, name: "bob" }] } });
    // Bob had the first send once, and neither the repeat nor the refused one.
    expect(atBob.filter(({ user }) => user === "alice").map(({ seq }) => seq)).toEqual([2]);
    expect(await alice.socket.emitWithAck("groupInfo", { room: "team" })).toMatchObject({ ok: true, data: { seq: 2 } });
  });
});
