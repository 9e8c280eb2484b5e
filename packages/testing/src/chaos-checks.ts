// What a chaos run checks: sends that record what was accepted, and a final barrier after
// which every member must hold every seq of its rooms, each with the text that was accepted.
import { PigeonError, type PigeonClient } from "@pigeon/client";
import { expect } from "vitest";
import type { ChaosMember } from "./chaos-member.js";
import { seqsUpTo } from "./keyed.js";
import { waitUntil } from "./wait.js";

/**
 * Sends, and records what the server accepted under which seq. A failure is kept in
 * `failures`, never thrown, so that sends can be in flight without awaiting each.
 *
 * @example
 * inFlight.push(send(client, "alpha", "hi", accepted, failures));
 */
export async function send(client: PigeonClient | undefined, room: string, text: string, accepted: Map<string, Map<number, string>>, failures: unknown[]): Promise<void> {
  if (client === undefined) return;
  try {
    const { seq } = await client.send(room, text);
    accepted.get(room)?.set(seq, text);
  } catch (error) {
    // Cut off with the send in flight (a severed connection, a closed client, the dead node):
    // it may or may not have been accepted. Either way every member must end with 1..last.
    if (!(error instanceof PigeonError && error.code === "DISCONNECTED")) failures.push(error);
  }
}

/**
 * Sends a last message to `room` as a barrier (once a member has it, everything before it is
 * in), then checks softly, member by member, that each has seqs 1..last with the accepted
 * texts, naming each hole: whose message it was, whether its sender heard it was accepted,
 * and the member's expiry notices. Returns the last seq.
 *
 * @example
 * const last = await expectEveryMemberHasAll("alpha", inAlpha, accepted.get("alpha") ?? new Map());
 */
export async function expectEveryMemberHasAll(room: string, members: readonly ChaosMember[], accepted: ReadonlyMap<number, string>): Promise<number> {
  const [first] = members;
  if (first?.client === undefined) throw new Error(`nobody online in ${room}`);
  const { seq: last } = await first.client.send(room, "last");
  await waitUntil(
    () => members.every((member) => member.seqs(room).at(-1) === last),
    () => `${room}: ${members.map((m) => `${m.name} ends at ${m.seqs(room).at(-1) ?? "nothing"}`).join(", ")}; expected ${last}`,
  );
  // What each seq carried, from accepted sends and from whoever got it.
  const textOf = new Map(accepted);
  for (const member of members) for (const message of member.log.get(room) ?? []) textOf.set(message.seq, message.message);
  // Soft: one run reports every member's holes, not just the first member's.
  for (const member of members) {
    const got = new Map((member.log.get(room) ?? []).map((message) => [message.seq, message.message]));
    const missing = seqsUpTo(last).filter((seq) => !got.has(seq));
    const describe = (seq: number) => {
      const text = textOf.get(seq) ?? "nobody got it";
      const own = text.endsWith(` from ${member.name}`) ? ", its own message" : "";
      return `${seq} (${text}${own}${accepted.has(seq) ? "" : ", never acked to its sender"})`;
    };
    const notices = JSON.stringify(member.expired.filter((notice) => notice.room === room));
    expect.soft(member.seqs(room), `${member.name} in ${room}; missing: ${missing.map(describe).join(", ") || "none"}; expired notices: ${notices}`).toEqual(seqsUpTo(last));
    const wrong = [...accepted].filter(([seq, text]) => got.has(seq) && got.get(seq) !== text);
    expect.soft(wrong, `accepted messages ${member.name} got with another text in ${room}`).toEqual([]);
  }
  return last;
}
