import { runFanout, type FanoutResult, type FanoutSettings, type Mode } from "./fanout.js";
import { runIdleAtScale, type IdleAtScaleResult, type IdleAtScaleSettings } from "./idle-at-scale.js";
import type { ServerKind } from "../servers/kinds.js";

/** The scaling rows: one very large room, and idle connections by the tens of thousands. */
export interface ScalingSettings {
  /** One room of `connections` members, at the fan-out workload's offered load. */
  readonly bigRoom: FanoutSettings & {
    readonly cases: readonly { readonly server: ServerKind; readonly mode: Mode }[];
  };
  readonly idle: IdleAtScaleSettings & { readonly servers: readonly ServerKind[] };
}

/** A big-room case that could not be measured, and why (a member's setup timing out, say). */
export interface FailedCase {
  readonly server: ServerKind;
  readonly mode: Mode;
  readonly failure: string;
}

/** What the scaling rows measured. */
export interface ScalingResult {
  readonly bigRoom: readonly (FanoutResult | FailedCase)[];
  readonly idle: readonly IdleAtScaleResult[];
}

/**
 * Fan-out in one room of `bigRoom.connections` members (deliveries per server CPU-second and
 * the time to fill the room), then idle connections at `idle.connections` (RSS and heap per
 * connection), each case on a fresh server. A case that fails (one of 10,000 members whose
 * setup times out on a busy machine fails a fan-out run) is reported as failed, with its reason,
 * and the others still run: twenty minutes of measurements are not thrown away for one of them.
 *
 * @example
 * const result = await runScaling(FULL.scaling, console.error);
 */
export async function runScaling(settings: ScalingSettings, log: (line: string) => void): Promise<ScalingResult> {
  const bigRoom: (FanoutResult | FailedCase)[] = [];
  for (const { server, mode } of settings.bigRoom.cases) {
    try {
      const result = await runFanout({ server, mode, roomSize: settings.bigRoom.connections }, settings.bigRoom);
      log(`one room of ${String(result.roomSize)}, ${mode} ${server}: ${result.deliveriesPerCpuSecond.toFixed(0)} deliveries/CPU-s, filled in ${result.setupSeconds.toFixed(1)} s`);
      bigRoom.push(result);
    } catch (error) {
      const failure = error instanceof Error ? error.message : String(error);
      log(`one room of ${String(settings.bigRoom.connections)}, ${mode} ${server}: failed (${failure})`);
      bigRoom.push({ server, mode, failure });
    }
  }
  const idle: IdleAtScaleResult[] = [];
  for (const server of settings.idle.servers) {
    const result = await runIdleAtScale(server, settings.idle);
    log(`idle at scale ${server}: ${String(result.reached)}/${String(result.target)}${result.stoppedBecause ? ` (${result.stoppedBecause})` : ""}`);
    idle.push(result);
  }
  return { bigRoom, idle };
}
