// Raw socket.io clients against a real relay, as the relay's own tests and the seed tutorial use it.
import { createIdentityKey, loadCipherSuite, MlsGroup, signLogin, type GroupOptions, type Identity, type MlsCipherSuite } from "@pigeon/crypto";
import { nodeCryptoProvider } from "@pigeon/crypto/node";
import type { ClientToServerEvents, Hello, ServerToClientEvents } from "@pigeon/protocol";
import { io, type Socket } from "socket.io-client";
import { onTestFinished } from "vitest";
import { useRelay, type TestServer } from "./test-server.js";
import type { StoreKind } from "./each-store.js";
import type { LoginContext, TestIdentity } from "./signer.js";
import { waitUntil } from "./wait.js";
import { MemoryStore, RelayConfig, retentionLimits, type RelayConfigInput } from "@pigeon/relay";

export type TestSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** Where a relay listens: an in-process `TestServer`, or a relay in a process of its own. */
export type RelayAddress = Pick<TestServer, "url">;

/**
 * The socket as the seed tutorial's plain JavaScript client sees it: no event typing, so it
 * can emit without acks and send payloads the protocol's types would refuse.
 */
export function untyped(socket: TestSocket): Socket {
  return socket;
}

/** A connected socket.io client, closed after the current test; resolves once `hello` came. */
export function useSocket(server: RelayAddress, transports = ["websocket"]): Promise<TestSocket> {
  return connect(server, transports, {});
}

/**
 * Like {@link useSocket}, but claiming to come from `address` through a proxy (X-Forwarded-For):
 * for relays configured with `trustProxy`, so one test can be several clients' addresses.
 */
export function useSocketFrom(server: RelayAddress, address: string, transports = ["websocket"]): Promise<TestSocket> {
  return connect(server, transports, { "x-forwarded-for": address });
}

async function connect(server: RelayAddress, transports: string[], extraHeaders: Record<string, string>): Promise<TestSocket> {
  const socket: TestSocket = io(server.url, { transports, reconnection: false, forceNew: true, extraHeaders });
  onTestFinished(() => {
    socket.close();
  });
  const hello = await new Promise<Hello>((resolve, reject) => {
    socket.once("hello", resolve);
    socket.once("connect_error", reject);
  });
  hellos.set(socket, hello);
  greetings.set(socket, { origin: originOf(server), challenge: hello.challenge });
  return socket;
}

const hellos = new WeakMap<TestSocket, Hello>();
const greetings = new WeakMap<TestSocket, LoginContext>();

/** The `hello` a socket from `useSocket` was greeted with. */
export function helloOf(socket: TestSocket): Hello | undefined {
  return hellos.get(socket);
}

/** What a keyed login on a socket from `useSocket` signs besides the name: the relay's origin and the socket's challenge. */
export function greeting(socket: TestSocket): LoginContext {
  const found = greetings.get(socket);
  if (found === undefined) throw new Error("not a socket from useSocket");
  return found;
}

/** The origin a keyed login to `server` signs: its URL's, as a client dials it. */
export function originOf(server: RelayAddress): string {
  return new URL(server.url).origin;
}

/** A client logged in as `name` and joined to `rooms`, with acks checked (over WebSocket unless `transports` say otherwise). */
export async function useMember(server: RelayAddress, name: string, rooms: string[] = [], transports = ["websocket"]): Promise<TestSocket> {
  const socket = await useSocket(server, transports);
  const login = await socket.emitWithAck("login", name);
  if (!login.ok) throw new Error(`login failed: ${login.error.code}`);
  for (const room of rooms) {
    const joined = await socket.emitWithAck("join", room);
    if (!joined.ok) throw new Error(`join failed: ${joined.error.code}`);
  }
  return socket;
}

/** A memory store with the default limits, for tests that wrap or inspect it. */
export function memoryStore(config: RelayConfigInput = {}): MemoryStore {
  return new MemoryStore(retentionLimits(RelayConfig.parse(config)));
}

/** A connection logged in as `identity` under `name`; its rooms replay after the ack. */
export async function useKeyed(server: RelayAddress, identity: TestIdentity, name: string, rooms: string[] = []): Promise<TestSocket> {
  const socket = await useSocket(server);
  const login = await socket.emitWithAck("login", identity.loginPayload(name, greeting(socket)));
  if (!login.ok) throw new Error(`keyed login failed: ${login.error.code}`);
  for (const room of rooms) {
    const joined = await socket.emitWithAck("join", room);
    if (!joined.ok) throw new Error(`join failed: ${joined.error.code}`);
  }
  return socket;
}

/** What {@link chatUntilTaken} got: the relay's answer, and the codes of the refusals before it. */
export interface Taken {
  readonly seq: number;
  readonly id: string;
  readonly refusals: ReadonlySet<string>;
}

/**
 * Sends a chat under one `clientId` until the relay takes it (an outage's refusals meanwhile),
 * as a client that retries does: with one clientId, a retry of a send the store took after all
 * is answered with its place, never stored twice.
 *
 * @example
 * const { seq, refusals } = await chatUntilTaken(alice, { room: "lobby", text: "hi", clientId: "client-1" });
 */
export async function chatUntilTaken(socket: TestSocket, chat: { readonly room: string; readonly text: string; readonly clientId: string }): Promise<Taken> {
  const refusals = new Set<string>();
  let taken: { seq: number; id: string } | undefined;
  await waitUntil(async () => {
    const answer = await socket.emitWithAck("chat", chat);
    if (answer.ok) taken = { seq: answer.data.seq, id: answer.data.id };
    else refusals.add(answer.error.code);
    return answer.ok;
  }, () => `"${chat.text}" is taken (refused meanwhile with ${[...refusals].join(", ")})`);
  if (taken === undefined) throw new Error("taken without an answer");
  return { ...taken, refusals };
}

// Encrypted rooms: keyed members that make real MLS messages with @pigeon/crypto's MlsGroup.

let suite: Promise<MlsCipherSuite> | undefined;

/** A keyed member of encrypted rooms: its socket, and what it needs to make MLS messages. */
export interface MlsTestMember {
  readonly name: string;
  readonly socket: TestSocket;
  /** The MLS identity: the login name and key, unless the test gave another. */
  readonly options: GroupOptions;
}

/**
 * A connection logged in as `name` with a fresh key (or `identity`'s), that joined `rooms` as
 * encrypted rooms (created so if new). `credential` puts another name in its MLS leaves.
 *
 * @example
 * const alice = await useMlsMember(server, "alice", ["team"]);
 */
export async function useMlsMember(
  server: TestServer,
  name: string,
  rooms: string[] = [],
  { identity = { name, key: createIdentityKey() }, credential = name }: { identity?: Identity; credential?: string } = {},
): Promise<MlsTestMember> {
  const socket = await useSocket(server);
  const login = await socket.emitWithAck("login", signLogin(identity.key, { ...greeting(socket), name }));
  if (!login.ok) throw new Error(`keyed login failed: ${login.error.code}`);
  for (const room of rooms) {
    const joined = await socket.emitWithAck("join", { room, mode: "encrypted" });
    if (!joined.ok) throw new Error(`join failed: ${joined.error.code}`);
  }
  suite ??= loadCipherSuite(nodeCryptoProvider);
  return { name, socket, options: { suite: await suite, identity: { name: credential, key: identity.key }, checkCredential: () => true } };
}

/** MLS bytes as the protocol carries them: standard base64. */
export function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("base64");
}

/** The group id a room's group must have in one incarnation. */
export function roomGroupId(room: string, incarnation: string): Uint8Array {
  return new TextEncoder().encode(`pigeon/${incarnation}/${room}`);
}

/**
 * `member` creates `room`'s group (the relay must have none) and uploads its GroupInfo.
 *
 * @example
 * const group = await createRoomGroup(alice, "team");
 */
export async function createRoomGroup(member: MlsTestMember, room: string): Promise<MlsGroup> {
  const info = await member.socket.emitWithAck("groupInfo", { room });
  if (!info.ok) throw new Error(`groupInfo failed: ${info.error.code}`);
  const { group, groupInfo } = await MlsGroup.create(roomGroupId(room, info.data.incarnation), member.options);
  const created = await member.socket.emitWithAck("createGroup", { room, groupInfo: base64(groupInfo) });
  if (!created.ok) throw new Error(`createGroup failed: ${created.error.code}`);
  return group;
}

/**
 * `member` joins `room`'s group by external commit against the relay's GroupInfo, and submits
 * the commit; returns the group (usable once `ack` is ok) and the relay's answer.
 *
 * @example
 * const { group, ack } = await joinRoomGroup(bob, "team");
 */
export async function joinRoomGroup(member: MlsTestMember, room: string) {
  const info = await member.socket.emitWithAck("groupInfo", { room });
  if (!info.ok || info.data.groupInfo === null) throw new Error("the room has no GroupInfo to join from");
  const joined = await MlsGroup.joinExternal(new Uint8Array(Buffer.from(info.data.groupInfo, "base64")), member.options);
  const ack = await member.socket.emitWithAck("mls", { room, message: base64(joined.commit), groupInfo: base64(joined.groupInfo) });
  return { group: joined.group, commit: joined.commit, groupInfo: joined.groupInfo, ack };
}

/**
 * A relay on `store` (closed when the test ends) where alice made the encrypted room `team`'s
 * group and bob joined it by external commit, which alice has processed.
 *
 * @example
 * const { alice, aliceGroup, bob, joined } = await aliceAndBobInTeam("redis");
 */
export async function aliceAndBobInTeam(store: StoreKind) {
  const server = await useRelay({ store });
  const alice = await useMlsMember(server, "alice", ["team"]);
  const aliceGroup = await createRoomGroup(alice, "team");
  const bob = await useMlsMember(server, "bob", ["team"]);
  const joined = await joinRoomGroup(bob, "team");
  await aliceGroup.process(joined.commit);
  return { server, alice, aliceGroup, bob, joined };
}
