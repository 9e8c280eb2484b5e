import { clientEvents, type ClientEventName, type ErrorCode } from "@pigeon/protocol";
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";

/**
 * What the relay counts for Prometheus. Every label comes from a closed set (the protocol's
 * event names, its error codes, the store's method names, two login kinds), never from what
 * a client chose (room names, user names, addresses), so the number of series stays bounded.
 */
export interface RelayMetrics {
  /** A known client event arrived on a connection. */
  received(event: ClientEventName): void;
  /** An event was answered with a refusal. `event` may be a name the protocol does not have. */
  refused(event: string, code: ErrorCode): void;
  /** A handler answered `event` with success, with this ack data. */
  succeeded(event: ClientEventName, data: unknown): void;
  /** A store call named `operation` settled after `seconds`. */
  storeCall(operation: string, seconds: number): void;
}

/** Counts nothing: the relay when no one can read metrics, so the hot path pays nothing. */
export const NO_METRICS: RelayMetrics = {
  received() {},
  refused() {},
  succeeded() {},
  storeCall() {},
};

/** What the gauges read when Prometheus scrapes. */
export interface MetricsSources {
  /** Open socket.io connections. */
  connections(): number;
  /** Open engine.io sessions, by transport name. */
  sessions(): Iterable<string>;
  /** Messages and bytes the store holds, when the store can tell. */
  usage?: () => Promise<{ entries: number; bytes: number }>;
}

const KNOWN_EVENTS = new Set<string>(Object.keys(clientEvents));
// Store calls take from microseconds (memory) to a few milliseconds (Redis); a second is trouble.
const STORE_BUCKETS_S = [0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5];
const MESSAGE_EVENTS = new Set<string>(["chat", "mls"]);

/**
 * Prometheus metrics of one relay, in a registry of its own (not prom-client's global one), so
 * that several relays in one process never collide. Also collects prom-client's default process
 * metrics (heap, event-loop lag, CPU, file descriptors, GC) into that registry.
 *
 * @example
 * const metrics = new PrometheusMetrics({ connections: () => io.of("/").sockets.size, sessions: () => [] });
 * response.end(await metrics.registry.metrics());
 */
export class PrometheusMetrics implements RelayMetrics {
  readonly registry = new Registry();
  private readonly events: Counter<"event">;
  private readonly refusals: Counter<"event" | "code">;
  private readonly logins: Counter<"kind">;
  private readonly messages: Counter<"event">;
  private readonly store: Histogram<"operation">;
  // Label children made once: inc() on a child skips hashing the labels on every event.
  private readonly eventChildren = new Map<string, { inc(): void }>();
  private readonly storeChildren = new Map<string, { observe(seconds: number): void }>();

  constructor(sources: MetricsSources) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.events = new Counter({ name: "pigeon_events_received_total", help: "client events received, by event", labelNames: ["event"], registers });
    this.refusals = new Counter({
      name: "pigeon_refusals_total",
      help: "events answered with an error, by event (unknown: not a protocol event) and error code",
      labelNames: ["event", "code"],
      registers,
    });
    this.logins = new Counter({ name: "pigeon_logins_total", help: "successful logins, by kind (guest, keyed)", labelNames: ["kind"], registers });
    this.messages = new Counter({ name: "pigeon_messages_accepted_total", help: "messages accepted for delivery, by event (chat, mls)", labelNames: ["event"], registers });
    this.store = new Histogram({
      name: "pigeon_store_operation_seconds",
      help: "time a store call took, by operation",
      labelNames: ["operation"],
      buckets: STORE_BUCKETS_S,
      registers,
    });
    new Gauge({ name: "pigeon_connections", help: "open socket.io connections", registers, collect() { this.set(sources.connections()); } });
    new Gauge({
      name: "pigeon_engine_sessions",
      help: "open engine.io sessions, by transport (polling, websocket)",
      labelNames: ["transport"],
      registers,
      collect() {
        const counts = new Map<string, number>([["polling", 0], ["websocket", 0]]);
        for (const transport of sources.sessions()) counts.set(transport, (counts.get(transport) ?? 0) + 1);
        this.reset();
        for (const [transport, count] of counts) this.set({ transport }, count);
      },
    });
    if (sources.usage !== undefined) this.heldGauges(sources.usage);
  }

  received(event: ClientEventName): void {
    let child = this.eventChildren.get(event);
    if (child === undefined) {
      child = this.events.labels({ event });
      this.eventChildren.set(event, child);
    }
    child.inc();
  }

  refused(event: string, code: ErrorCode): void {
    this.refusals.inc({ event: KNOWN_EVENTS.has(event) ? event : "unknown", code });
  }

  succeeded(event: ClientEventName, data: unknown): void {
    if (MESSAGE_EVENTS.has(event)) this.messages.inc({ event });
    else if (event === "login") this.logins.inc({ kind: kindOf(data) });
  }

  storeCall(operation: string, seconds: number): void {
    let child = this.storeChildren.get(operation);
    if (child === undefined) {
      child = this.store.labels({ operation });
      this.storeChildren.set(operation, child);
    }
    child.observe(seconds);
  }

  /** The store's held messages and bytes, read once per scrape (both gauges share the call). */
  private heldGauges(usage: () => Promise<{ entries: number; bytes: number }>): void {
    let pending: Promise<{ entries: number; bytes: number } | undefined> | undefined;
    const read = () => {
      // A scrape collects both gauges at once: one store call serves both.
      pending ??= usage()
        .catch(() => undefined)
        .finally(() => {
          pending = undefined;
        });
      return pending;
    };
    const registers = [this.registry];
    new Gauge({
      name: "pigeon_held_messages",
      help: "messages the store holds for absent members",
      registers,
      async collect() {
        const held = await read();
        if (held !== undefined) this.set(held.entries);
      },
    });
    new Gauge({
      name: "pigeon_held_bytes",
      help: "bytes of messages the store holds for absent members",
      registers,
      async collect() {
        const held = await read();
        if (held !== undefined) this.set(held.bytes);
      },
    });
  }
}

function kindOf(data: unknown): string {
  return typeof data === "object" && data !== null && "kind" in data && data.kind === "keyed" ? "keyed" : "guest";
}

const attached = new WeakMap<object, RelayMetrics>();

/**
 * Ties metrics to a socket.io server, so that code holding only a socket (`answer`) can count:
 * a lookup per refusal, no extra argument through every caller.
 */
export function attachMetrics(io: object, metrics: RelayMetrics): void {
  attached.set(io, metrics);
}

/** The metrics tied to a socket.io server by {@link attachMetrics}, if any. */
export function metricsOf(io: object): RelayMetrics | undefined {
  return attached.get(io);
}
