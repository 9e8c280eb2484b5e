import { nowMicros } from "../measure/histogram.js";
import { chatText } from "./payload.js";
import type { ThinClient } from "./thin-client.js";

/**
 * Closed-loop senders: each keeps `inFlightPerSender` of its chats unanswered and sends the
 * next as each comes back (it hears its own message, sender included), so together they carry
 * as much as the server will. Returns a function that stops them.
 *
 * @example
 * const stop = startClosedLoop(roomSenders(population), 32);
 * await sleep(measureMs);
 * stop();
 */
export function startClosedLoop(senders: readonly ThinClient[], inFlightPerSender: number): () => void {
  let running = true;
  for (const client of senders) {
    let sent = 0;
    client.onMessage = () => {
      while (running && sent - client.messages < inFlightPerSender) {
        sent += 1;
        client.chat(chatText(nowMicros()));
      }
    };
    client.onMessage();
  }
  return () => {
    running = false;
  };
}
