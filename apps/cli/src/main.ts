#!/usr/bin/env node
import { run } from "./run.js";

// A reader that went away (`pigeon listen | head -1`) ends the program quietly, as with any Unix tool.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(0);
  throw error;
});
const exitCode = await run(process.argv.slice(2));
// Exit only once stdout has taken everything written, so piped output is never cut short.
process.stdout.write("", () => process.exit(exitCode));
