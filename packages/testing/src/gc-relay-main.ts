// A relay in a process of its own, run by `startGcRelay` (gc-relay.ts) with --expose-gc, so a
// test can weigh its heap after a full collection without counting the test's own clients.
// It answers the parent over IPC: "heap" collects garbage and reports the heap, "state" reads
// what the store still holds. It exits when the parent goes away.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { setImmediate as turn } from "node:timers/promises";
import { queryObjects } from "node:v8";
import { createRelay, createStore, RelayConfig, silentLogger } from "@pigeon/relay";
import type { GcRelayReply, GcRelayRequest } from "./gc-relay.js";

const gc = globalThis.gc;
if (gc === undefined) throw new Error("run with --expose-gc");

const config = RelayConfig.parse(JSON.parse(process.env.PIGEON_GC_RELAY_CONFIG ?? "{}"));
const store = await createStore(config, silentLogger());
const httpServer = createServer();
const relay = await createRelay(httpServer, config, { store });
await new Promise<void>((resolve) => httpServer.listen(0, "127.0.0.1", resolve));

/**
 * The heap after a full collection, once swept. V8 sweeps after a collection on other threads
 * and counts pages not yet swept as used, garbage included, so `heapUsed` read right after
 * `gc()` can stand tens of MiB above the live heap; walking the heap (`queryObjects`) makes
 * V8 finish sweeping first.
 */
async function settledHeap(): Promise<number> {
  await turn();
  gc?.({ type: "major", execution: "sync" });
  queryObjects(Object, { format: "count" });
  return process.memoryUsage().heapUsed;
}

async function answer(request: GcRelayRequest): Promise<GcRelayReply> {
  switch (request.type) {
    case "heap":
      return { type: "heap", heapUsed: await settledHeap(), sockets: relay.io.sockets.sockets.size };
    case "state": {
      const rooms = await Promise.all(
        request.rooms.map(async (room) => ({ room, members: (await store.members(room)).length, held: (await store.entriesAfter(room, 0)).entries.length })),
      );
      const memberships = await Promise.all(request.names.map(async (name) => (await store.memberships(name)).length));
      return {
        type: "state",
        sockets: relay.io.sockets.sockets.size,
        heldEntries: await store.heldEntries(),
        members: rooms.reduce((sum, { members }) => sum + members, 0),
        held: rooms.reduce((sum, { held }) => sum + held, 0),
        memberships: memberships.reduce((sum, count) => sum + count, 0),
      };
    }
  }
}

process.on("message", (request: GcRelayRequest) => {
  answer(request).then(
    (reply) => process.send?.(reply),
    (error: unknown) => process.send?.({ type: "error", message: String(error) } satisfies GcRelayReply),
  );
});
process.on("disconnect", () => {
  void relay.close().finally(() => process.exit(0));
});
process.send?.({ type: "listening", port: (httpServer.address() as AddressInfo).port } satisfies GcRelayReply);
