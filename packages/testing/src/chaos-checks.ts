// What a chaos run checks: sends that record what was accepted, and a final barrier after
// which every membership of every member must hold exactly what it is owed.
import { PigeonError } from "@pigeon/client";
import { expect } from "vitest";
import type { Accepted } from "./chaos.js";
import type { ChaosMember, Membership } from "./chaos-member.js";
import { waitUntil } from "./wait.js";

/**
 * Sends as `member`, and records what the server accepted under which seq. A failure is kept
 * in `failures`, never thrown, so that sends can be in flight without awaiting each.
 *
 * @example
 * inFlight.push(send(member, "alpha", "hi", accepted, failures));
 */
export async function send(member: ChaosMember, room: string, text: string, accepted: Accepted, failures: unknown[]): Promise<void> {
  const { client } = member;
  if (client === undefined) return;
  member.sending += 1;
  try {
    const { seq } = await client.send(room, text);
    accepted.get(room)?.set(seq, text);
  } catch (error) {
    // Cut off with the send in flight (a severed connection, a closed client, the dead node):
    // it may or may not have been accepted. Either way every member must end with 1..last.
    if (!(error instanceof PigeonError && error.code === "DISCONNECTED")) failures.push(error);
  } finally {
    member.sending -= 1;
  }
}

/**
 * Sends a last message to `room` as a barrier (once a member has it, everything before it is
 * in), waits until every member now in the room has it, then checks softly, membership by
 * membership, what each member of `members` who was ever in the room was handed:
 * - everything after its join ack's seq, in order, exactly once, and nothing up to it;
 * - for a membership that lasts, everything up to the barrier;
 * - for one that ended, an unbroken run that reaches at least the seq the leave owed (where
 *   broadcasts precede acks, everything accepted before the leave was sent; elsewhere nothing
 *   more than what arrived before the leave took effect);
 * - nothing between a leave and the next join, and no seq twice across memberships.
 * Holes are allowed only where an `expired` notice covers them in a membership whose leave was
 * cut off (see {@link Membership.lapsed}). Each hole is named: whose message it was, whether
 * its sender heard it was accepted, and the member's notices and SDK warnings. Returns the last seq.
 *
 * @example
 * const last = await expectEveryMemberHasAll("alpha", members, accepted.get("alpha") ?? new Map());
 */
export async function expectEveryMemberHasAll(room: string, members: readonly ChaosMember[], accepted: ReadonlyMap<number, string>): Promise<number> {
  const inRoom = members.filter((member) => member.rooms.includes(room));
  const sender = inRoom.find((member) => member.client !== undefined)?.client;
  if (sender === undefined) throw new Error(`nobody online in ${room}`);
  const { seq: last } = await sender.send(room, "last");
  await waitUntil(
    () => inRoom.every((member) => member.seqs(room).at(-1) === last),
    () => `${room}: ${inRoom.map((m) => `${m.name} ends at ${m.seqs(room).at(-1) ?? "nothing"}`).join(", ")}; expected ${last}`,
  );
  // What each seq carried, from accepted sends and from whoever got it.
  const textOf = new Map(accepted);
  for (const member of members) for (const message of member.log.get(room) ?? []) textOf.set(message.seq, message.message);
  // Soft: one run reports every member's holes, not just the first member's.
  for (const member of members) {
    const describe = (seq: number) => {
      const text = textOf.get(seq) ?? "nobody got it";
      const own = text.endsWith(` from ${member.name}`) ? ", its own message" : "";
      return `${seq} (${text}${own}${accepted.has(seq) ? "" : ", never acked to its sender"})`;
    };
    expectMemberships(member, room, last, describe);
    const got = new Map((member.log.get(room) ?? []).map((message) => [message.seq, message.message]));
    const wrong = [...accepted].filter(([seq, text]) => got.has(seq) && got.get(seq) !== text);
    expect.soft(wrong, `accepted messages ${member.name} got with another text in ${room}`).toEqual([]);
  }
  return last;
}

// Splits the member's log of `room` at its leaves and checks each membership's part.
function expectMemberships(member: ChaosMember, room: string, last: number, describe: (seq: number) => string): void {
  const seqs = member.seqs(room);
  const memberships = member.memberships.get(room) ?? [];
  const notices = member.expired.filter((notice) => notice.room === room);
  const context = `expired notices: ${JSON.stringify(notices)}; SDK warnings: ${JSON.stringify(member.warnings.slice(-5))}`;
  let start = 0;
  memberships.forEach((membership, index) => {
    const end = membership.end ?? seqs.length;
    const got = seqs.slice(start, end);
    start = end;
    const has = new Set(got);
    const covered = (seq: number) => membership.lapsed === true && notices.some(({ from, to }) => from <= seq && seq <= to);
    const owed = owedSeqs(membership, got, last).filter((seq) => has.has(seq) || !covered(seq));
    const missing = owed.filter((seq) => !has.has(seq));
    const which = `${member.name}'s membership ${index + 1} of ${memberships.length} in ${room} (${JSON.stringify(membership)})`;
    expect.soft(got, `${which}; missing: ${missing.map(describe).join(", ") || "none"}; ${context}`).toEqual(owed);
  });
  expect.soft(seqs.slice(start), `messages of ${room} handed to ${member.name} after it left (${JSON.stringify(memberships)})`).toEqual([]);
  const repeated = seqs.filter((seq, i) => i > 0 && seq <= (seqs[i - 1] ?? 0));
  expect.soft(repeated, `seqs of ${room} that ${member.name} was handed after a higher or equal one; ${context}`).toEqual([]);
}

// The seqs a membership owes, given what it got: from its start to the barrier while it lasts,
// else to the seq its leave owed or the last it got, whichever is higher. A start no ack told
// is taken from the first message got (which must still be after `after`); an ended one that
// got nothing owes nothing.
function owedSeqs(membership: Membership, got: readonly number[], last: number): number[] {
  const open = membership.end === undefined;
  const [firstGot] = got;
  if (membership.from === undefined && firstGot === undefined && !open) return [];
  const first = membership.from === undefined ? Math.max(membership.after + 1, firstGot ?? last) : membership.from + 1;
  const through = open ? last : Math.max(membership.owed ?? 0, got.at(-1) ?? 0);
  return Array.from({ length: Math.max(0, through - first + 1) }, (_, i) => first + i);
}
