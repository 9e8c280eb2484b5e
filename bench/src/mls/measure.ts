import { createIdentityKey, MlsGroup, type MlsCipherSuite } from "@pigeon/crypto";
import { chatText } from "../clients/payload.js";
import { groupOptions, restoreMember, type RoomSnapshot } from "./room.js";
import { middle } from "../measure/middle.js";

/** A newcomer's external join into a room, and an existing member processing it. */
export interface JoinMeasurement {
  readonly members: number;
  /** Median wall time of the newcomer's `MlsGroup.joinExternal` (commit and next GroupInfo made). */
  readonly newcomerMs: number;
  /** Median wall time of an existing member's `process` of that commit. */
  readonly processMs: number;
  readonly groupInfoBytes: number;
  readonly commitBytes: number;
  readonly repetitions: number;
}

/**
 * Joins `repetitions` fresh newcomers to the room's GroupInfo (each independently, as racing
 * newcomers would) and has a fresh copy of its newest member process each join.
 *
 * @example
 * const join = await measureJoin(room, suite, 5);
 */
export async function measureJoin(room: RoomSnapshot, suite: MlsCipherSuite, repetitions: number): Promise<JoinMeasurement> {
  const newcomer: number[] = [];
  const processing: number[] = [];
  let commitBytes = 0;
  for (let index = 0; index < repetitions; index += 1) {
    const identity = { name: `newcomer${String(index)}`, key: createIdentityKey() };
    const started = performance.now();
    const join = await MlsGroup.joinExternal(room.groupInfo, groupOptions(suite, identity));
    newcomer.push(performance.now() - started);
    commitBytes = join.commit.length;
    const member = await restoreMember(room.newest, suite);
    const processStarted = performance.now();
    const result = await member.process(join.commit);
    processing.push(performance.now() - processStarted);
    if (result.kind !== "commit") throw new Error(`measureJoin: the join processed as ${result.kind}`);
  }
  return {
    members: room.members,
    newcomerMs: middle(newcomer),
    processMs: middle(processing),
    groupInfoBytes: room.groupInfo.length,
    commitBytes,
    repetitions,
  };
}

/** Application messages in a room: made by one member, read by another. */
export interface MessageMeasurement {
  readonly roomSize: number;
  readonly encrypted: number;
  /** Messages encrypted per second of this process's CPU (every thread). */
  readonly encryptPerCpuSecond: number;
  readonly held: number;
  /** Wall time for a returning member to decrypt every held message, in order. */
  readonly heldSeconds: number;
  readonly decryptPerCpuSecond: number;
  /** Bytes of one message on the wire (MLSMessage, before base64). */
  readonly ciphertextBytes: number;
  readonly plaintextChars: number;
}

/**
 * Ciphertexts of chat-sized texts (64 characters, as every bench chat) from the room's newest
 * member, in order: what a member away from the room would find held for it.
 *
 * @example
 * const held = await makeCiphertexts(room, nodeSuite, 10_000);
 */
export async function makeCiphertexts(room: RoomSnapshot, suite: MlsCipherSuite, count: number): Promise<Uint8Array[]> {
  const sender = await restoreMember(room.newest, suite);
  const ciphertexts: Uint8Array[] = [];
  for (let index = 0; index < count; index += 1) ciphertexts.push(await sender.encrypt(plaintext(index)));
  return ciphertexts;
}

/**
 * Encrypts `encrypt` messages as the room's newest member, then has the member before it (just
 * back, in the same epoch) decrypt `held` of them in order: both on `suite`'s provider, with
 * CPU from `process.cpuUsage` (the whole process, crypto threads included).
 *
 * @example
 * const messages = await measureMessages(room, suite, 2_000, held);
 */
export async function measureMessages(room: RoomSnapshot, suite: MlsCipherSuite, encrypt: number, held: readonly Uint8Array[]): Promise<MessageMeasurement> {
  const sender = await restoreMember(room.newest, suite);
  const encryptCpu = process.cpuUsage();
  for (let index = 0; index < encrypt; index += 1) await sender.encrypt(plaintext(index));
  const encryptSeconds = cpuSecondsSince(encryptCpu);

  const receiver = await restoreMember(room.previous, suite);
  const decryptCpu = process.cpuUsage();
  const started = performance.now();
  await decryptAll(receiver, held);
  const heldSeconds = (performance.now() - started) / 1000;
  const decryptSeconds = cpuSecondsSince(decryptCpu);
  return {
    roomSize: room.members,
    encrypted: encrypt,
    encryptPerCpuSecond: encrypt / encryptSeconds,
    held: held.length,
    heldSeconds,
    decryptPerCpuSecond: held.length / decryptSeconds,
    ciphertextBytes: held[0]?.length ?? 0,
    plaintextChars: plaintext(0).length,
  };
}

/** Processes every ciphertext in order; each must be an application message. */
export async function decryptAll(receiver: MlsGroup, ciphertexts: readonly Uint8Array[]): Promise<void> {
  for (const ciphertext of ciphertexts) {
    const result = await receiver.process(ciphertext);
    if (result.kind !== "message") throw new Error(`decryptAll: a held message processed as ${result.kind}`);
  }
}

function plaintext(index: number): Uint8Array {
  return new TextEncoder().encode(chatText(index));
}

function cpuSecondsSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return Math.max(1e-6, (used.user + used.system) / 1e6);
}

