import type { Member } from "@pigeon/protocol";
import type { RelayContext } from "../context.js";

/** Sends the room its current member list, and returns it. */
export async function publishMembers({ io, store }: RelayContext, room: string): Promise<Member[]> {
  const members = await store.members(room);
  io.to(room).emit("members", { room, members });
  return members;
}
