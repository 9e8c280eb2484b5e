import { decodeMlsMessage, type MLSMessage } from "ts-mls";
import { FramingError, FramingErrorCode } from "./errors.js";

/**
 * Decodes an MLSMessage that fills `bytes` exactly. ts-mls's decoders return undefined on bytes
 * they cannot read, and may throw on some; either way, and on bytes left over, this throws
 * UNREADABLE without the decoder's message (which could quote what it read).
 */
export function decodeWhole(bytes: Uint8Array): MLSMessage {
  let decoded: [MLSMessage, number] | undefined;
  try {
    decoded = decodeMlsMessage(bytes, 0);
  } catch {
    decoded = undefined;
  }
  if (decoded === undefined) throw new FramingError(FramingErrorCode.UNREADABLE, "not an MLS message");
  if (decoded[1] !== bytes.length) {
    throw new FramingError(FramingErrorCode.UNREADABLE, `an MLS message followed by ${bytes.length - decoded[1]} more bytes`);
  }
  return decoded[0];
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** The UTF-8 text of a basic credential's identity: a Pigeon name. */
export function nameOfIdentity(identity: Uint8Array): string {
  try {
    return utf8.decode(identity);
  } catch {
    throw new FramingError(FramingErrorCode.UNSUPPORTED, "a credential whose identity is not UTF-8");
  }
}
