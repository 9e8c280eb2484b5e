import type { EventEmitter } from "node:events";
import type { RelaySocket } from "../context.js";

/** A listener as an emitter holds it: `once` ones are wrappers that carry the listener. */
type Raw = ((...args: unknown[]) => unknown) & { readonly listener?: (...args: unknown[]) => unknown };

/** An emitter's listener table: one listener, or an array of them, per event. */
type Table = Record<string | symbol, Raw | Raw[] | undefined>;

/** What this module touches on the libraries' objects: none of it is in their types. */
interface Emitter extends EventEmitter {
  _events?: Table;
}
interface Transport extends Emitter {
  readonly name: string;
  readonly socket?: Emitter & { readonly _socket?: Emitter };
}
interface EngineConnection extends Emitter {
  readonly transport: Transport;
  cleanupFn: unknown[];
}
interface Internals {
  readonly conn: EngineConnection;
  readonly client: { readonly decoder: { _callbacks?: Record<string, unknown[]> } };
  _anyListeners?: unknown[];
}

/**
 * The prototype of every compacted listener table: an object with no keys and no prototype, so
 * that a table answers only for the events it holds (a client naming its event `constructor`
 * or `__proto__` finds nothing), like Node's own `{ __proto__: null }` tables.
 */
const NO_KEYS: object = Object.create(null) as object;

/**
 * Trims what socket.io, engine.io, ws and Node keep for each open WebSocket connection, once it
 * is set up and nothing more is added to it: about 2.1 KB of the 11.3 KB an idle connection
 * held (heap snapshots of 2,000 idle guests, 11.27 -> 9.14 KB; bare socket.io holds 11.95 KB). It
 * changes how those objects hold their listeners, not which listeners they have or when they
 * run:
 *
 * - Listener tables. Node makes an emitter's table with `{ __proto__: null }`, which V8 keeps
 *   as a hash table of 184 bytes, 472 once it holds six events or more (engine.io's transport,
 *   and the relay's socket with a listener per protocol event). A table with the same events
 *   in the same order, made with `Object.create(NO_KEYS)`, is an ordinary object of about 64
 *   bytes, and inherits nothing either.
 * - `once` wrappers. `close` listeners on the WebSocket, its transport and engine.io's socket,
 *   and the transport's `error` listener, are `once` ones: a bound wrapper and a state object
 *   each (about 110 bytes). Each is replaced by its listener, in its place. None of these fires
 *   twice: ws and engine.io's socket emit `close` once (the socket checks its ready state), the
 *   WebSocket transport emits it only from its WebSocket's `close`, and what its `error` listener
 *   does (close the socket) is done once whatever calls it. engine.io removes the transport's
 *   listeners by the functions it added, which are the ones kept.
 * - Arrays pushed to once hold room for 17 items: the `onAny` list, engine.io's cleanup list,
 *   socket.io's decoder callbacks and every multi-listener event. Each is copied to its size.
 * - engine.io's `headers` listener on the transport, which only a polling transport ever emits.
 *
 * A polling connection is left as it is until it upgrades to a WebSocket, then compacted.
 *
 * @example
 * io.on("connection", (socket) => compactConnection(socket));
 */
export function compactConnection(socket: RelaySocket): void {
  const internals = socket as unknown as Internals;
  const { conn, client } = internals;
  const { transport } = conn;
  if (transport.name !== "websocket") {
    conn.once("upgrade", () => {
      compactConnection(socket);
    });
    return;
  }
  transport.removeAllListeners("headers");
  const ws = transport.socket;
  for (const emitter of [ws?._socket, ws, transport, conn, socket as unknown as Emitter]) compactTable(emitter);
  if (internals._anyListeners) internals._anyListeners = internals._anyListeners.slice();
  conn.cleanupFn = conn.cleanupFn.slice();
  const callbacks = client.decoder._callbacks;
  if (callbacks) for (const key of Object.keys(callbacks)) callbacks[key] = callbacks[key]?.slice() ?? [];
}

/**
 * Copies an emitter's listener arrays to their size, unwraps its `close` and `error` `once`
 * listeners (see above), and makes a `{ __proto__: null }` table again on `NO_KEYS` (the TCP
 * socket's, which Node's streams already make an ordinary object, is kept).
 */
function compactTable(emitter: Emitter | undefined): void {
  const events = emitter?._events;
  if (emitter === undefined || events === undefined) return;
  const table: Table = Object.getPrototypeOf(events) === null ? (Object.create(NO_KEYS) as Table) : events;
  for (const event of Reflect.ownKeys(events)) {
    const value = events[event];
    const keep = event === "close" || event === "error" ? unwrap : same;
    table[event] = Array.isArray(value) ? value.map(keep) : value && keep(value);
  }
  emitter._events = table;
}

function unwrap(raw: Raw): Raw {
  return raw.listener ?? raw;
}

function same(raw: Raw): Raw {
  return raw;
}
