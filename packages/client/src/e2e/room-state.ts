import type { MlsGroup } from "@pigeon/crypto";
import type { PendingRemoval } from "@pigeon/protocol";
import { KeptMessages } from "./kept-messages.js";
import type { UndecryptableReason } from "./types.js";

/**
 * Where one encrypted room stands on this client: shared by the room (joins, restores, saves)
 * and its entry reader, which both change it only inside the room's queue or lock.
 *
 * @example
 * const state = new RoomState(10_000);
 * state.seq; // the last log seq the group has taken in
 */
export class RoomState {
  group: MlsGroup | undefined;
  /** The room's incarnation the group belongs to. */
  incarnation: string | undefined;
  /** The last seq the group state has taken in (processed, or skipped as not for it). */
  seq = 0;
  /** Entries at or before `upTo` were sent before our current group state began. */
  skip: { upTo: number; reason: UndecryptableReason } | undefined;
  /** Removals the relay says the next commit must carry. */
  pending: readonly PendingRemoval[] = [];
  /** The relay's latest word on the group's epoch (a join ack, `groupStatus`, a refusal). */
  relayEpoch: number | undefined;
  /** Entries were dropped on the way (expired): the group may have moved past ours. */
  suspect = false;
  /** The sender of the entry being processed, as the relay authenticated it. */
  sender: string | undefined;
  /** True while we read a whole tree to join it. */
  joining = false;
  stopped = false;
  /** Something changed that the next save must write. */
  dirty = false;
  /** The highest seq this session handed to the app (and acked): kept messages up to it are done. */
  handedUpTo = 0;
  readonly kept: KeptMessages;

  constructor(maxKept: number) {
    this.kept = new KeptMessages(maxKept);
  }
}
