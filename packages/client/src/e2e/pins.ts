import { checkPin, encodeBase64Url, type GroupMember, type PinStore } from "@pigeon/crypto";
import type { KeyChangeNotice } from "./types.js";

/**
 * Trust on first use for every leaf an encrypted room shows us: the first key seen for a name is
 * pinned; a different one later is reported (never silently accepted as the pin).
 *
 * @example
 * const pins = new PinKeeper(store, "alice", (notice) => emit("keyChanged", notice));
 * await pins.check("team", group.members);
 */
export class PinKeeper {
  constructor(
    readonly store: PinStore,
    readonly ownName: string,
    readonly changed: (notice: KeyChangeNotice) => void,
  ) {}

  /** Checks each member's key against its pin (our own name aside); reports each change. */
  async check(room: string, members: readonly Pick<GroupMember, "name" | "signatureKey">[]): Promise<void> {
    for (const { name, signatureKey } of members) {
      if (name === this.ownName) continue;
      const result = await checkPin(this.store, name, signatureKey);
      if (result.status === "changed") {
        this.changed({ room, name, previous: encodeBase64Url(result.previous), current: encodeBase64Url(result.current) });
      }
    }
  }
}
