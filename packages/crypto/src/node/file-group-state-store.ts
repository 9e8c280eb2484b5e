import { createHash } from "node:crypto";
import { readdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import type { GroupStateStore, StoredGroup } from "../group-state-store.js";
import { isMissing, isPrivateTemporary, readPrivateFile, writePrivateFile } from "./private-file.js";

// A profile becomes a directory name: nothing that could climb out of the parent or hide.
const UNSAFE_PROFILE = /[/\\\0]|^\.|^$/u;
const MAX_PROFILE_LENGTH = 200;

const KeptFile = z.strictObject({
  seq: z.int().positive(),
  id: z.string(),
  user: z.string(),
  sentAt: z.int().nonnegative(),
  clientId: z.string().optional(),
  text: z.string(),
});

// Version 1 throughout: `kept` is optional, and `handing` (the seqs an older SDK saved in its
// place, without their text) is still read, and dropped.
const GroupFile = z.strictObject({
  version: z.literal(1),
  room: z.string(),
  incarnation: z.string().min(1),
  seq: z.int().nonnegative(),
  state: z.string().regex(/^[A-Za-z0-9_-]+$/u),
  kept: z.array(KeptFile).optional(),
  handing: z.array(z.int().positive()).optional(),
});

/**
 * A {@link GroupStateStore} for one profile: a file per room in `<directory>/<profile>/`,
 * each replaced atomically (a temporary file, flushed, renamed) with mode 0600 in directories
 * of mode 0700, refused when others may read it, as identity files are. A file is named by a
 * hash of its room's name (rooms differing only in case stay apart on any file system) and
 * holds the room's name, checked on load. It holds the plaintext of the messages kept for the
 * next session ({@link StoredGroup.kept}) beside the epoch secrets. Node only.
 *
 * @example
 * const stateStore = new FileGroupStateStore(join(homedir(), ".config", "pigeon", "groups"), "alice");
 * createClient({ url, mls: { stateStore } });
 */
export class FileGroupStateStore implements GroupStateStore {
  /** The directory this profile's group files are kept in. */
  readonly directory: string;

  constructor(directory: string, profile: string) {
    if (UNSAFE_PROFILE.test(profile) || profile.length > MAX_PROFILE_LENGTH) {
      throw new RangeError(`"${profile}" cannot name a group state directory`);
    }
    this.directory = join(directory, profile);
  }

  /** The file a room's group is kept in. */
  pathOf(room: string): string {
    return join(this.directory, `${createHash("sha256").update(room, "utf8").digest("hex").slice(0, 32)}.json`);
  }

  async load(room: string): Promise<StoredGroup | undefined> {
    const path = this.pathOf(room);
    const text = await readPrivateFile(path, (message) => new Error(message));
    if (text === undefined) return undefined;
    const parsed = GroupFile.safeParse(JSON.parse(text));
    if (!parsed.success || parsed.data.room !== room) throw new Error(`${path} is not Pigeon group state for ${room}`);
    const { incarnation, seq, state, kept } = parsed.data;
    return { room, incarnation, seq, state: new Uint8Array(Buffer.from(state, "base64url")), ...(kept === undefined ? {} : { kept }) };
  }

  async save({ room, incarnation, seq, state, kept }: StoredGroup): Promise<void> {
    const encoded = Buffer.from(state.buffer, state.byteOffset, state.byteLength).toString("base64url");
    const file = { version: 1, room, incarnation, seq, state: encoded, ...(kept === undefined ? {} : { kept }) };
    await writePrivateFile(this.pathOf(room), `${JSON.stringify(file)}\n`);
  }

  async delete(room: string): Promise<void> {
    await rm(this.pathOf(room), { force: true });
  }

  /**
   * Deletes the temporary files a process that died mid-save (killed, out of power) left in
   * this profile's directory: each may hold a group's epoch secrets, which nothing would ever
   * read or delete again. Call it only while nothing else writes this profile (the CLI holds
   * the profile's lock first). Returns how many it deleted.
   *
   * @example
   * await store.removeLeftovers() // 0
   */
  async removeLeftovers(): Promise<number> {
    let names: string[];
    try {
      names = await readdir(this.directory);
    } catch (error) {
      if (isMissing(error)) return 0;
      throw error;
    }
    const leftovers = names.filter(isPrivateTemporary);
    await Promise.all(leftovers.map((name) => rm(join(this.directory, name), { force: true })));
    return leftovers.length;
  }
}
