import type { AckData, ClientPayloadInput, MlsAck } from "@pigeon/protocol";
import type { Logger } from "../options.js";

/** The requests an encrypted room makes of the relay. */
export type GroupEvent = "groupInfo" | "createGroup" | "mls";

/**
 * What encrypted rooms need from their client: requests on the current connection (waiting
 * while it reconnects), the logger, and whether the client is closed.
 */
export interface RelayLink {
  request<E extends GroupEvent>(event: E, payload: ClientPayloadInput<E>): Promise<AckData<E>>;
  /** Sends an application message under `clientId`, answered by its echo where the relay can (protocol 7). */
  sendApplication(payload: { room: string; message: string; clientId: string }): Promise<MlsAck>;
  readonly logger: Logger;
  closed(): boolean;
  /** How long a wait for the group to catch up may take before the SDK rejoins instead. */
  readonly timeoutMs: number;
}
