// The chaos run of @pigeon/client's delivery tests, spread over nodes behind a load balancer:
// members come and go, join and leave rooms, connections are cut like network failures, and
// every member must end with every message of its memberships exactly once and in order. The
// run itself is the client's; this file only says how clients connect here.
import { type ChaosWorld, type Random } from "@pigeon/testing";
import type { ClientPool } from "@pigeon/testing";
import type { LoadBalancer } from "./load-balancer.js";

export { bringOnline, ChaosMember, churn, churnSummary, createMembers, disrupt, pickSender, settle, type ChaosWorld } from "@pigeon/testing";

/**
 * A chaos world whose clients connect through `balancer`, and whose connections are cut there.
 *
 * @example
 * const world = balancedChaosWorld(balancer, pool, seededRandom(7));
 */
export function balancedChaosWorld(balancer: LoadBalancer, pool: ClientPool, random: Random): ChaosWorld {
  return {
    random,
    // A broadcast reaches other nodes through Redis, possibly after a leave processed there.
    broadcastBeforeAck: false,
    client: (member) => pool.client(balancer.url, { label: member.name, logger: member.logger }),
    resume: (member, client) => pool.resume(balancer.url, member.name, member.key, client),
    sever: (name) => {
      if (balancer.sever(name) === 0) throw new Error(`${name} is connected but not through the balancer`);
    },
  };
}
