/**
 * Hard limits of the protocol. The schemas enforce them, the server sizes socket.io's
 * `maxHttpBufferSize` from them, and `hello` repeats them so clients can check input early.
 */

/** Longest user name, in UTF-16 code units. */
export const MAX_NAME_LENGTH = 32;

/** Longest room name, in UTF-16 code units. */
export const MAX_ROOM_LENGTH = 64;

/** Longest chat text, in UTF-16 code units (at most 4 UTF-8 bytes each when sent). */
export const MAX_TEXT_LENGTH = 4000;

/** How many rooms one connection may be in at once. */
export const MAX_ROOMS_PER_CONNECTION = 50;

/**
 * Largest socket.io packet the server accepts, in bytes. A chat packet at the text limit
 * (4,000 code units, up to 16,000 bytes once JSON-escaped) plus names and framing fits well
 * inside it; anything larger is cut off by the transport before any handler runs.
 */
export const MAX_PACKET_BYTES = 64 * 1024;

/** All limits in one object, in the shape `hello` advertises them. */
export const LIMITS = {
  maxNameLength: MAX_NAME_LENGTH,
  maxRoomLength: MAX_ROOM_LENGTH,
  maxTextLength: MAX_TEXT_LENGTH,
  maxRoomsPerConnection: MAX_ROOMS_PER_CONNECTION,
  maxPacketBytes: MAX_PACKET_BYTES,
} as const;

/** Most receipts one `receipts` event carries; older undelivered ones wait for the next. */
export const MAX_RECEIPTS_PER_EVENT = 500;

/** The server relays at most one `typing` per connection and room in this time. */
export const TYPING_INTERVAL_MS = 2000;
