import { createInterface } from "node:readline";
import { io } from "socket.io-client";
import { checkServer } from "../checks.js";
import { interactive } from "../env.js";
import { CliError, ExitCode } from "../exit-codes.js";
import { Terminal } from "../terminal.js";
import { Prompter } from "./prompter.js";
import type { RawOptions } from "./raw.js";

/** Runs `pigeon raw`: emits what is typed on a plain socket.io connection, prints every event received. */
export async function raw(options: RawOptions): Promise<void> {
  const server = checkServer(options.server);
  const terminal = new Terminal();
  const socket = io(server, { reconnectionDelayMax: 2_000 });
  const input = createInterface({
    input: process.stdin,
    output: interactive() ? process.stdout : undefined,
    terminal: interactive(),
    crlfDelay: Infinity,
  });
  const prompter = new Prompter(input, terminal, interactive());
  if (interactive()) terminal.attachPrompt(input);
  // Without a listener readline would only pause on Ctrl-C; here it ends the input.
  input.on("SIGINT", () => {
    input.close();
  });

  socket.onAny((event: string, ...args: unknown[]) => {
    prompter.print([event, ...args.map((arg) => JSON.stringify(arg))].join(" "));
  });
  socket.on("connect", () => {
    terminal.status(`connected to ${server}`);
  });
  socket.on("disconnect", (reason) => {
    terminal.status(`disconnected (${reason})`);
  });
  let lastError = "";
  socket.on("connect_error", (error) => {
    lastError = `: ${error.message}`;
  });
  // Only the first connect is bounded; after that socket.io reconnects as long as it takes.
  const connected = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new CliError(ExitCode.UNREACHABLE, `cannot reach ${server}${lastError}`));
      input.close();
    }, options.connectTimeout * 1000);
    socket.once("connect", () => {
      clearTimeout(timer);
      resolve();
    });
  });
  // Awaited after the input loop; marked as handled so that an early failure waits for it.
  connected.catch(() => undefined);

  try {
    for (;;) {
      const event = await prompter.ask("Event : ");
      if (event === undefined) break;
      const data = await prompter.ask("Data : ");
      if (data === undefined) break;
      if (event.trim() === "") continue;
      socket.emit(event.trim(), parseData(data));
    }
    terminal.detachPrompt();
    // socket.io buffers what was emitted before the connection was up; it goes out on connect.
    await connected;
    await new Promise((resolve) => setTimeout(resolve, options.linger * 1000));
  } finally {
    terminal.detachPrompt();
    input.close();
    socket.disconnect();
  }
}

// The data typed, as the tutorial sends it: a JSON object as the object, anything else as is.
function parseData(data: string): unknown {
  try {
    const parsed: unknown = JSON.parse(data);
    if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)) return parsed;
  } catch {
    // Not JSON: the string it is.
  }
  return data;
}
