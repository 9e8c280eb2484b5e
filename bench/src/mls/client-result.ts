import type { ProfileSummary } from "../report/cpu-profile.js";
import type { JoinMeasurement, MessageMeasurement } from "./measure.js";
import type { Provider } from "./suites.js";

/** Marks the child's result line on its stdout. */
export const RESULT_MARK = "BENCH_MLS_RESULT ";

/** How much MLS client work to measure. */
export interface MlsClientSettings {
  /** Room sizes a newcomer joins (the room is grown to the largest by external joins). */
  readonly joinSizes: readonly number[];
  /** Newcomers per size; the median is reported. */
  readonly joinRepetitions: number;
  /** The room size application messages are measured in. */
  readonly messageRoomSize: number;
  /** Messages encrypted per provider, for the rate. */
  readonly encryptMessages: number;
  /** Messages held for a returning member, decrypted per provider. */
  readonly heldMessages: number;
  /** The room size whose joins are profiled, and how many joins. */
  readonly profileJoinSize: number;
  readonly profileJoinRepetitions: number;
  /** Held messages decrypted under the profiler. */
  readonly profileDecryptMessages: number;
  /** Where the .cpuprofile files go (none written when absent). */
  readonly profileDir?: string;
}

/** A profiled phase of MLS client work. */
export interface MlsProfile {
  readonly phase: "join" | "decrypt";
  readonly provider: Provider;
  readonly detail: string;
  readonly summary: ProfileSummary;
}

/** What the MLS client workload measured, per provider. */
export interface MlsClientResult {
  /** Growing the rooms by external joins (node provider): setup, not a measurement. */
  readonly buildSeconds: number;
  readonly joins: (JoinMeasurement & { readonly provider: Provider })[];
  readonly messages: (MessageMeasurement & { readonly provider: Provider })[];
  readonly profiles: MlsProfile[];
}
