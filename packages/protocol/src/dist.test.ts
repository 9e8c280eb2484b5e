import { execFile } from "node:child_process";
import { createRequire } from "node:module";
import { mkdtemp, rm, writeFile, mkdir, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { PROTOCOL_VERSION } from "./version.js";

const run = promisify(execFile);
const packageDir = dirname(dirname(fileURLToPath(import.meta.url)));

describe("published build", () => {
  let workDir = "";
  afterAll(async () => {
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  it("compiles to JS and .d.ts that plain Node imports without TypeScript", async () => {
    workDir = await mkdtemp(join(tmpdir(), "pigeon-protocol-"));
    const outDir = join(workDir, "node_modules", "@pigeon", "protocol");
    await mkdir(outDir, { recursive: true });
    const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
    await run(process.execPath, [tsc, "-p", join(packageDir, "tsconfig.build.json"), "--outDir", join(outDir, "dist")]);
    // The package as a consumer would install it: manifest, built files and zod beside it.
    await writeFile(
      join(outDir, "package.json"),
      JSON.stringify({ name: "@pigeon/protocol", type: "module", exports: { ".": { types: "./dist/index.d.ts", default: "./dist/index.js" } } }),
    );
    await symlink(join(packageDir, "node_modules", "zod"), join(workDir, "node_modules", "zod"));
    const script =
      'import { ChatPayload, PROTOCOL_VERSION } from "@pigeon/protocol";' +
      'console.log(JSON.stringify([PROTOCOL_VERSION, ChatPayload.parse({ room: "r", text: "hi" })]));';
    const { stdout } = await run(process.execPath, ["--input-type=module", "-e", script], { cwd: workDir });
    expect(JSON.parse(stdout)).toEqual([PROTOCOL_VERSION, { room: "r", text: "hi" }]);
  }, 60_000);
});
