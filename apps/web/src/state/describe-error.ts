import { PigeonError } from "@pigeon/client";

/**
 * What went wrong, in words for the person rather than codes.
 *
 * @example
 * describeError(new PigeonError("NAME_TAKEN", "…"), "alice") // "Someone else is using the name alice. Pick another one."
 */
export function describeError(error: unknown, subject = ""): string {
  const { code, message, retryAfterMs } = PigeonError.fromUnknown(error);
  switch (code) {
    case "NAME_TAKEN":
      return `Someone else is using the name ${subject}. Pick another one.`;
    case "UNAUTHORIZED":
      return "The server refused this browser's key for that name.";
    case "UNREACHABLE":
      return "Can't reach the Pigeon server. Check the connection and try again.";
    case "TIMEOUT":
      return "The server did not answer in time. Try again.";
    case "DISCONNECTED":
      return "The connection was lost. Try again once it is back.";
    case "UNAVAILABLE":
      return "The server is having trouble right now. Try again in a moment.";
    case "RATE_LIMITED":
      return retryAfterMs === undefined
        ? "Slow down a little: the server is limiting requests."
        : `Slow down a little: the server is limiting requests. Try again in ${Math.ceil(retryAfterMs / 1000)} s.`;
    case "QUOTA_EXCEEDED":
      return `The server holds as much as it allows for now: ${message}`;
    case "STORE_FULL":
      return "The server's storage is full, so it can't take this now. Try again later.";
    case "ROOM_NOT_ENCRYPTED":
      return `${subject || "That room"} was end-to-end encrypted on this device, and the server now says it is a plain room. Pigeon won't send plaintext there unless you choose to: tick \u201cPlain room\u201d to join it anyway.`;
    case "E2E_REQUIRED":
      return `${subject || "That room"} is end-to-end encrypted, and this session can't take part in it.`;
    case "NOT_IN_ROOM":
      return `You are not in ${subject || "that room"} any more.`;
    default:
      return message;
  }
}

/**
 * A validation message as a sentence: capitalised, with a full stop.
 *
 * @example
 * sentence("room must not be empty") // "Room must not be empty."
 */
export function sentence(text: string): string {
  const trimmed = text.trim();
  if (trimmed === "") return trimmed;
  const capitalised = `${trimmed.charAt(0).toLocaleUpperCase()}${trimmed.slice(1)}`;
  return /[.!?]$/u.test(capitalised) ? capitalised : `${capitalised}.`;
}
