import type { GroupStateStore, Identity, MlsCipherSuite } from "@pigeon/crypto";
import type { GroupStatus } from "@pigeon/protocol";
import type { DeliveryOutput } from "../delivery.js";
import type { PinKeeper } from "./pins.js";
import type { RelayLink } from "./relay-link.js";
import type { GroupChange, StorageNotice, UndecryptableNotice } from "./types.js";

/** What an encrypted room needs from the client around it. */
export interface RoomHost {
  readonly link: RelayLink;
  readonly store: GroupStateStore;
  readonly pins: PinKeeper;
  readonly identity: Identity;
  /**
   * False for a send-only session: it takes the log in (so that it sends at the current epoch)
   * but hands on and acks nothing; what it decrypts is kept for the identity's next session.
   */
  readonly receiving: boolean;
  /** At most this many taken-in messages are kept per room; beyond it the oldest are reported. */
  readonly maxKept: number;
  /** The cipher suite, loaded once per client. */
  suite(): Promise<MlsCipherSuite>;
  /** Hands an output to the app in order; it acks nothing (see `ack`). */
  deliver(output: DeliveryOutput): void;
  /** Acks the log up to `seq`, taken in and its group state saved (the receiver batches acks). */
  ack(room: string, seq: number): void;
  group(change: GroupChange): void;
  undecryptable(notice: UndecryptableNotice): void;
  storage(notice: StorageNotice): void;
}

/** Where the room's log meets our membership: its incarnation and the seq it starts after. */
export interface RoomStart {
  readonly incarnation: string;
  readonly seq: number;
  /** From a join ack: the relay's view of the group. */
  readonly status?: GroupStatus;
  /** True for a room a login resumed (a missing state is then lost state, not a first join). */
  readonly resumed: boolean;
}
