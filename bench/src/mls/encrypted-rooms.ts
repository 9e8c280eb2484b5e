import { MlsGroup, type MlsCipherSuite } from "@pigeon/crypto";
import { chatText } from "../clients/payload.js";
import { mlsIdentity, type BenchIdentity } from "../clients/identity.js";
import type { ThinClient } from "../clients/thin-client.js";
import { groupOptions } from "./room.js";

// Ciphertexts made per room and sent in turn: more than a room ever has in flight (a room gets
// 50 messages a second, delivered within milliseconds), so a probe can tell which send a
// ciphertext was; few enough that making them for 100 rooms takes about a second.
const CIPHERTEXTS_PER_ROOM = 64;

/**
 * The encrypted rooms of a fan-out run: each room's first member creates its MLS group (a real
 * `MlsGroup`, node provider) and uploads the GroupInfo with `createGroup`, then encrypts a pool
 * of chat-sized texts in epoch 0. Senders send those real ciphertexts in turn: the relay reads
 * only their framing (epoch, content type), so thin receivers that never decrypt give it the
 * same work as members that do, and the harness spends no crypto per message.
 *
 * @example
 * const rooms = new EncryptedRooms(suite);
 * await rooms.create(client, "room-0", identity, name, joinAck); // the room's first member
 * client.mls(rooms.next("room-0", scheduledMicros));
 */
export class EncryptedRooms {
  readonly #suite: MlsCipherSuite;
  readonly #pools = new Map<string, { readonly ciphertexts: readonly string[]; next: number }>();
  readonly #scheduled = new Map<string, number>();

  constructor(suite: MlsCipherSuite) {
    this.#suite = suite;
  }

  /** Creates `room`'s group as `client` (joined to the encrypted room, with `joinAck`'s incarnation). */
  async create(client: ThinClient, room: string, identity: BenchIdentity, name: string, joinAck: unknown): Promise<void> {
    const groupId = new TextEncoder().encode(`pigeon/${incarnationOf(joinAck)}/${room}`);
    const { group, groupInfo } = await MlsGroup.create(groupId, groupOptions(this.#suite, mlsIdentity(identity, name)));
    await client.request("createGroup", { room, groupInfo: Buffer.from(groupInfo).toString("base64") });
    const ciphertexts: string[] = [];
    for (let index = 0; index < CIPHERTEXTS_PER_ROOM; index += 1) {
      ciphertexts.push(Buffer.from(await group.encrypt(new TextEncoder().encode(chatText(index)))).toString("base64"));
    }
    this.#pools.set(room, { ciphertexts, next: 0 });
  }

  /** The room's next ciphertext (base64), remembered as sent at `scheduledMicros` for the probes. */
  next(room: string, scheduledMicros: number): string {
    const pool = this.#pools.get(room);
    const ciphertext = pool?.ciphertexts[pool.next % pool.ciphertexts.length];
    if (pool === undefined || ciphertext === undefined) throw new Error(`no group for ${room}`);
    pool.next += 1;
    this.#scheduled.set(ciphertext, scheduledMicros);
    return ciphertext;
  }

  /** When the send that carried this ciphertext was scheduled: a probe's latency clock. */
  readonly scheduledMicrosOf = (message: string): number | undefined => this.#scheduled.get(message);
}

function incarnationOf(joinAck: unknown): string {
  const data = typeof joinAck === "object" && joinAck !== null && "data" in joinAck ? joinAck.data : undefined;
  const incarnation = typeof data === "object" && data !== null && "incarnation" in data ? data.incarnation : undefined;
  if (typeof incarnation !== "string") throw new Error(`a join ack without an incarnation: ${JSON.stringify(joinAck)}`);
  return incarnation;
}
