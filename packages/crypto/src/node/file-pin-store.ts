import { join } from "node:path";
import { z } from "zod";
import { decodeBase64Url, encodeBase64Url } from "../base64url.js";
import type { PinStore } from "../key-pins.js";
import { readPrivateFile, writePrivateFile } from "./private-file.js";

// A profile becomes a file name: nothing that could climb out of the directory or hide.
const UNSAFE_PROFILE = /[/\\\0]|^\.|^$/u;
const MAX_PROFILE_LENGTH = 200;

const PinFile = z.strictObject({
  version: z.literal(1),
  pins: z.record(z.string(), z.string().regex(/^[A-Za-z0-9_-]{43}$/u)),
});
type PinFile = z.infer<typeof PinFile>;

/**
 * A {@link PinStore} for one profile: `<profile>.json` in `directory`, written atomically with
 * mode 0600 (directory 0700), refused when others may read it, as identity files are. Node only.
 *
 * @example
 * const pins = new FilePinStore(join(homedir(), ".config", "pigeon", "pins"), "alice");
 * const result = await checkPin(pins, "bob", bobKey);
 */
export class FilePinStore implements PinStore {
  /** The file this profile's pins are kept in. */
  readonly path: string;

  constructor(directory: string, profile: string) {
    if (UNSAFE_PROFILE.test(profile) || profile.length > MAX_PROFILE_LENGTH) {
      throw new RangeError(`"${profile}" cannot name a pin file`);
    }
    this.path = join(directory, `${profile}.json`);
  }

  async load(name: string): Promise<Uint8Array | undefined> {
    const key = (await this.#read()).pins[name];
    return key === undefined ? undefined : decodeBase64Url(key);
  }

  async save(name: string, key: Uint8Array): Promise<void> {
    const file = await this.#read();
    const next: PinFile = { version: 1, pins: { ...file.pins, [name]: encodeBase64Url(key) } };
    await writePrivateFile(this.path, `${JSON.stringify(next, null, 2)}\n`);
  }

  async #read(): Promise<PinFile> {
    const text = await readPrivateFile(this.path, (message) => new Error(message));
    if (text === undefined) return { version: 1, pins: {} };
    const parsed = PinFile.safeParse(JSON.parse(text));
    if (!parsed.success) throw new Error(`${this.path} is not a Pigeon pin file`);
    return parsed.data;
  }
}
