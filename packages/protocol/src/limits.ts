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
 * Largest MLS message or GroupInfo of an encrypted room, in bytes before base64. A GroupInfo
 * carries the whole ratchet tree, about 220 bytes per member: this bounds encrypted rooms at
 * about 1,700 members.
 */
export const MAX_MLS_BYTES = 384 * 1024;

/**
 * Largest MLS application message (an encrypted chat message), in bytes before base64: a text
 * at {@link MAX_TEXT_LENGTH} (up to 16,000 bytes of UTF-8) plus MLS framing and padding fits.
 */
export const MAX_MLS_APPLICATION_BYTES = 20 * 1024;

/**
 * Largest socket.io packet the server accepts, in bytes. The largest packet is an MLS commit
 * uploaded with its GroupInfo, each at most {@link MAX_MLS_BYTES} before base64; a chat packet
 * at the text limit (up to 16,000 bytes once JSON-escaped) fits many times over. Anything
 * larger is cut off by the transport before any handler runs.
 */
export const MAX_PACKET_BYTES = 1024 * 1024;

/** All limits in one object, in the shape `hello` advertises them. */
export const LIMITS = {
  maxNameLength: MAX_NAME_LENGTH,
  maxRoomLength: MAX_ROOM_LENGTH,
  maxTextLength: MAX_TEXT_LENGTH,
  maxRoomsPerConnection: MAX_ROOMS_PER_CONNECTION,
  maxPacketBytes: MAX_PACKET_BYTES,
  maxMlsBytes: MAX_MLS_BYTES,
} as const;

/** Most receipts one `receipts` event carries; older undelivered ones wait for the next. */
export const MAX_RECEIPTS_PER_EVENT = 500;

/** The server relays at most one `typing` per connection and room in this time. */
export const TYPING_INTERVAL_MS = 2000;
