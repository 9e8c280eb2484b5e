import { TYPING_INTERVAL_MS } from "@pigeon/protocol";

/**
 * How long a "typing" notice shows without a new one: the server passes one on every
 * TYPING_INTERVAL_MS while someone keeps typing, so three of them may go missing.
 */
export const TYPING_SHOWN_MS = 3 * TYPING_INTERVAL_MS;

/**
 * Who is typing where, each until `TYPING_SHOWN_MS` after their latest notice or until their
 * message arrives. Pure: the caller passes the time.
 *
 * @example
 * let typing = noteTyping(new Map(), "lobby", "bob", Date.now());
 * typingIn(typing, "lobby", Date.now()) // ["bob"]
 */
export type TypingState = ReadonlyMap<string, ReadonlyMap<string, number>>;

/** `user` is typing in `room` as of `now`. */
export function noteTyping(state: TypingState, room: string, user: string, now: number): TypingState {
  const next = new Map(state);
  next.set(room, new Map(state.get(room)).set(user, now + TYPING_SHOWN_MS));
  return next;
}

/** `user` stopped typing in `room` (their message arrived). */
export function stopTyping(state: TypingState, room: string, user: string): TypingState {
  const users = state.get(room);
  if (users?.has(user) !== true) return state;
  const next = new Map(state);
  const rest = new Map(users);
  rest.delete(user);
  next.set(room, rest);
  return next;
}

/** Who types in `room` at `now`, in the order they started. */
export function typingIn(state: TypingState, room: string, now: number): string[] {
  return [...(state.get(room) ?? [])].filter(([, until]) => until > now).map(([user]) => user);
}

/** The earliest time a shown notice runs out, to re-render then. */
export function nextTypingExpiry(state: TypingState, now: number): number | undefined {
  let next: number | undefined;
  for (const users of state.values()) {
    for (const until of users.values()) if (until > now && (next === undefined || until < next)) next = until;
  }
  return next;
}

/**
 * A line for the people typing.
 *
 * @example
 * typingLabel(["ann", "bob"]) // "ann and bob are typing…"
 */
export function typingLabel(users: readonly string[]): string {
  const [first, second] = users;
  if (first === undefined) return "";
  if (second === undefined) return `${first} is typing…`;
  if (users.length === 2) return `${first} and ${second} are typing…`;
  return `${first}, ${second} and ${users.length - 2} more are typing…`;
}
