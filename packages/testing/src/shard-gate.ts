// One shard of a Redis Cluster whose door a test shuts on one client: the client's connection
// drops and the shard turns new connections away, while those already open (other nodes',
// stores') go on. A node's connection to one shard is then gone for as long as the test says,
// where by itself ioredis would be back within milliseconds.
import { Redis } from "ioredis";
import { onTestFinished } from "vitest";
import { shardSubscribers } from "./test-redis.js";

/** See {@link useShardGate}. */
export interface ShardGate {
  /** The shard's port. */
  readonly port: number;
  /** How many connections on this shard are subscribed to `channel`. */
  subscribers(channel: string): Promise<number>;
  /**
   * The id of the one client on this shard of `type` whose CLIENT LIST line matches `line`
   * (all of that type when omitted); throws unless there is exactly one.
   */
  clientId(type: "pubsub" | "normal", line?: RegExp): Promise<string>;
  /** Drops client `id` and turns new connections away, in one transaction, so that none comes in between. */
  shut(id: string): Promise<void>;
  /** Lets connections in again (also done when the test finishes). */
  open(): Promise<void>;
}

/**
 * A gate on the shard (of the cluster on `ports`) where exactly one connection is subscribed
 * to `channel`: start the node to cut off first, and it is that node's shard for the channel.
 *
 * @example
 * const gate = await useShardGate(ports, `${prefix}:sio#/#lobby#`);
 * await gate.shut(await gate.clientId("pubsub"));
 * // ... what happens while that node cannot reach the shard ...
 * await gate.open();
 */
export async function useShardGate(ports: readonly number[], channel: string): Promise<ShardGate> {
  const counts = await Promise.all(ports.map((port) => shardSubscribers([port], channel)));
  const port = ports[counts.indexOf(1)];
  if (port === undefined || counts.filter((count) => count > 0).length !== 1) {
    throw new Error(`no one shard has exactly one subscriber to ${channel} (subscribers per shard: ${counts.join(", ")})`);
  }
  const redis = new Redis({ port, host: "127.0.0.1" });
  const [, maxclients] = (await redis.config("GET", "maxclients")) as [string, string];
  const open = async () => {
    await redis.config("SET", "maxclients", maxclients);
  };
  onTestFinished(async () => {
    try {
      await open();
    } finally {
      redis.disconnect();
    }
  });
  return {
    port,
    async subscribers(subscribed) {
      return ((await redis.call("PUBSUB", "SHARDNUMSUB", subscribed)) as [string, number])[1];
    },
    async clientId(type, line = /./) {
      const lines = ((await redis.call("CLIENT", "LIST", "TYPE", type)) as string).trim().split("\n");
      const matching = lines.filter((entry) => line.test(entry));
      const id = matching.length === 1 ? /^id=(\d+) /.exec(matching[0] ?? "")?.[1] : undefined;
      if (id === undefined) throw new Error(`${matching.length} ${type} clients on port ${port} match ${String(line)}, not one`);
      return id;
    },
    async shut(id) {
      const replies = await redis.multi().config("SET", "maxclients", "1").client("KILL", "ID", id).exec();
      const killed = replies?.[1]?.[1];
      if (killed !== 1) throw new Error(`client ${id} on port ${port} was not there to drop (CLIENT KILL answered ${String(killed)})`);
    },
    open,
  };
}
