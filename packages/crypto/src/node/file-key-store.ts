import { join } from "node:path";
import type { Identity } from "../identity-document.js";
import type { KeyStore } from "../key-store.js";
import { readIdentityFile, writeIdentityFile } from "./identity-file.js";

// A profile becomes a file name: nothing that could climb out of the directory or hide.
const UNSAFE_PROFILE = /[/\\\0]|^\.|^$/u;
const MAX_PROFILE_LENGTH = 200;

/**
 * A {@link KeyStore} of files, one `<profile>.json` per profile in `directory` (created with
 * mode 0700 when first needed), each written atomically with mode 0600. Node only.
 *
 * @example
 * const store = new FileKeyStore(join(homedir(), ".config", "pigeon", "identities"));
 * const identity = await loadOrCreateIdentity(store, "alice", "alice");
 */
export class FileKeyStore implements KeyStore {
  constructor(readonly directory: string) {}

  /**
   * The file a profile is kept in. Throws a RangeError for a profile that is not a plain file
   * name (empty, a leading dot, a path separator).
   *
   * @example
   * store.pathOf("alice") // "/home/alice/.config/pigeon/identities/alice.json"
   */
  pathOf(profile: string): string {
    if (UNSAFE_PROFILE.test(profile) || profile.length > MAX_PROFILE_LENGTH) {
      throw new RangeError(`"${profile}" cannot name an identity file`);
    }
    return join(this.directory, `${profile}.json`);
  }

  load(profile: string): Promise<Identity | undefined> {
    return readIdentityFile(this.pathOf(profile));
  }

  save(profile: string, identity: Identity): Promise<void> {
    return writeIdentityFile(this.pathOf(profile), identity);
  }
}
