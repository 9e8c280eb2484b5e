// What the room scripts need to enforce the held-bytes budget, and how their refusals read.
import { QuotaExceededError, quotaMessage } from "../relay-store.js";
import type { RedisContext } from "./membership.js";
import { str } from "./replies.js";

/**
 * The budget the append scripts enforce: the deployment's `maxHeldBytes`, or 0 (none) when it
 * is unset or the store runs on a Cluster (where no script can reach the shared counter).
 */
export function heldBudget({ keys, limits }: RedisContext): number {
  return keys.held === undefined ? 0 : (limits.maxHeldBytes ?? 0);
}

/** The error for an append script's refusal ('share' or 'budget'). */
export function quotaRefusal(reason: unknown): QuotaExceededError {
  return new QuotaExceededError(quotaMessage(str(reason) === "budget" ? "budget" : "share"));
}
