import type { Cluster, Redis } from "ioredis";

/**
 * How many failed publishes a node keeps to send again. Past it the oldest go: a keyed member
 * still gets those messages, at its next replay, and a guest does not.
 */
const MAX_UNSENT_PUBLISHES = 10_000;

type Publish = (channel: string | Buffer, message: string | Buffer) => Promise<unknown>;

/**
 * Publishes again, in order, what `pub` failed to publish, each time it is ready again (on a
 * Cluster, also each time one shard's connection is: see `sendAgainPerShard`). The Redis
 * adapter treats a failed publish as done: it delivers the broadcast on this node and nowhere
 * else, so a message a member here sent while the node's link to Redis was down (its entry
 * already in the store) would reach the members on other nodes only at their next replay, in
 * a quiet room maybe never. Published late, it arrives late, and a client orders
 * it by seq. A publish whose reply was lost with the connection may arrive twice: a keyed
 * client drops the copy by seq.
 *
 * @example
 * const pub = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 0 });
 * publishAgainWhenBack(pub);
 */
export function publishAgainWhenBack(pub: Redis | Cluster): void {
  const unsent: [channel: string | Buffer, message: string | Buffer][] = [];
  const spublish: Publish = pub.spublish.bind(pub);
  const guarded: Publish = (channel, message) =>
    spublish(channel, message).catch((error: unknown) => {
      unsent.push([channel, message]);
      if (unsent.length > MAX_UNSENT_PUBLISHES) unsent.shift();
      throw error;
    });
  Object.assign(pub, { spublish: guarded });
  const sendAgain = () => {
    for (const [channel, message] of unsent.splice(0)) {
      // A failure puts it back in the queue for the next time.
      guarded(channel, message).catch(() => undefined);
    }
  };
  pub.on("ready", sendAgain);
  if (pub.isCluster) sendAgainPerShard(pub as Cluster, sendAgain, () => unsent.length > 0);
}

/**
 * A Cluster stays "ready" while one shard's connection is away: that connection (one Redis per
 * shard, each announced by "+node") says "ready" when it is back, if it reconnects by itself
 * (`clusterNodeRetryStrategy`). A shard's new master, after a failover, gets a connection that
 * opens only for a command: send what waits, which opens it (after ioredis is done adding it).
 * Publishes for other shards still away fail again, at once, and wait for theirs.
 */
function sendAgainPerShard(pub: Cluster, sendAgain: () => void, waiting: () => boolean): void {
  const watch = (node: Redis) => node.on("ready", sendAgain);
  pub.nodes().forEach(watch);
  pub.on("+node", (node: Redis) => {
    watch(node);
    if (waiting()) setImmediate(sendAgain);
  });
}
