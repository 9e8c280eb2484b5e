import {
  AckResult,
  clientEvents,
  serverEvents,
  type AckData,
  type ClientEventName,
  type ServerEventName,
  type ServerPayload,
} from "@pigeon/protocol";

// The SDK knows no event by heart: what it parses comes from the protocol's event maps, so an
// event added there is parsed here without an edit (and the compiler asks for its handler).

/**
 * The structural part of a zod schema that the SDK uses.
 *
 * @example
 * const parser: Schema<Hello> = serverEvents.hello;
 */
export interface Schema<T> {
  safeParse(input: unknown): { success: true; data: T } | { success: false; error: { message: string } };
}

/** The parser of each client event's ack, typed per event. */
export type AckParsers = { readonly [E in ClientEventName]: Schema<AckResult<AckData<E>>> };

/** The parser of each server event, typed per event. */
export type ServerEventParsers = { readonly [E in ServerEventName]: Schema<ServerPayload<E>> };

/**
 * The names of an event map's events, typed as its keys (`Object.keys` says `string[]`).
 *
 * @example
 * for (const event of eventNames(serverEvents)) listen(event);
 */
export function eventNames<Events extends object>(events: Events): (keyof Events & string)[] {
  return Object.keys(events) as (keyof Events & string)[];
}

// Object.fromEntries over an event map, keeping its keys: one value per event, made by `make`.
function perEvent<Events extends object, Value>(
  events: Events,
  make: (event: keyof Events & string) => Value,
): { readonly [E in keyof Events]: Value } {
  return Object.fromEntries(eventNames(events).map((event) => [event, make(event)])) as { readonly [E in keyof Events]: Value };
}

// Any event's ack parser. TypeScript cannot follow an event's type through a loop over the
// events, so it checks each parser as some event's, and the cast to AckParsers says whose:
// the one built from `clientEvents[event]`, which parsers.test.ts checks.
type SomeAckParser = Schema<AckResult<AckData<ClientEventName>>>;

/**
 * Every client event's ack parser: `{ ok: true, data }` with the event's ack schema from
 * `clientEvents`, or `{ ok: false, error }`. Built once, not per request.
 *
 * @example
 * const result = ackParsers.join.safeParse(raw); // result.data: AckResult<AckData<"join">>
 */
export const ackParsers = perEvent<typeof clientEvents, SomeAckParser>(clientEvents, (event) =>
  AckResult(clientEvents[event].ack),
) as AckParsers;

/**
 * Every server event's parser: the protocol's `serverEvents`, seen through {@link Schema}.
 *
 * @example
 * const parsed = serverEventParsers.message.safeParse(raw); // parsed.data: ServerPayload<"message">
 */
export const serverEventParsers: ServerEventParsers = serverEvents;
