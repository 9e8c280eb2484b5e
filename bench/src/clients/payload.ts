import { randomBytes } from "node:crypto";

/** Every chat text the harness sends has this many characters, whatever the server. */
export const CHAT_TEXT_LENGTH = 64;

/**
 * A chat text that carries its scheduled send time (microseconds on the harness clock), padded
 * to {@link CHAT_TEXT_LENGTH} so every server moves the same bytes.
 *
 * @example
 * chatText(1_234_567) // "1234567:xxxx…" (64 characters)
 */
export function chatText(scheduledMicros: number): string {
  const head = `${String(Math.round(scheduledMicros))}:`;
  return head.padEnd(CHAT_TEXT_LENGTH, "x");
}

/**
 * The scheduled send time a chat text carries, or undefined for any other text.
 *
 * @example
 * scheduledMicrosOf(chatText(42)) // 42
 */
export function scheduledMicrosOf(text: string): number | undefined {
  const colon = text.indexOf(":");
  if (colon <= 0) return undefined;
  const micros = Number(text.slice(0, colon));
  return Number.isFinite(micros) ? micros : undefined;
}

/**
 * A client's chat ids, as long as the SDK's (24 hex digits): a random prefix per client, then a
 * count, so making one costs no randomness.
 *
 * @example
 * const nextClientId = clientIds();
 * socket.emit("chat", { room, text, clientId: nextClientId() });
 */
export function clientIds(): () => string {
  const prefix = randomBytes(6).toString("hex");
  let sent = 0;
  return () => {
    sent += 1;
    return `${prefix}${sent.toString(16).padStart(12, "0")}`;
  };
}
