import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CliError, ExitCode } from "./exit-codes.js";
import { lockProfile } from "./profile-lock.js";

describe("lockProfile", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "pigeon-lock-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("takes a free lock, naming this process, in a 0700 directory", async () => {
    const path = join(dir, "groups", "alice.lock");
    await lockProfile(path, "alice");
    expect((await readFile(path, "utf8")).trim()).toBe(String(process.pid));
    expect((await stat(join(dir, "groups"))).mode & 0o777).toBe(0o700);
    // This process already holds it: a second session in the same process is refused too.
    await expect(lockProfile(path, "alice")).rejects.toMatchObject({ exitCode: ExitCode.PROFILE_BUSY });
    await rm(path);
  });

  it("refuses a lock that a live process holds, saying which", async () => {
    const holder = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"]);
    try {
      const path = join(dir, "bob.lock");
      await writeFile(path, `${holder.pid}\n`);
      const refusal = lockProfile(path, "bob");
      await expect(refusal).rejects.toBeInstanceOf(CliError);
      await expect(refusal).rejects.toThrow(`another pigeon process (pid ${holder.pid}) is running as bob`);
    } finally {
      holder.kill();
      await once(holder, "exit");
    }
  });

  it("takes over a lock left by a process that is gone", async () => {
    const gone = spawn(process.execPath, ["-e", ""]);
    await once(gone, "exit");
    const path = join(dir, "carol.lock");
    await writeFile(path, `${gone.pid}\n`);
    await lockProfile(path, "carol");
    expect((await readFile(path, "utf8")).trim()).toBe(String(process.pid));
    await rm(path);
  });
});
