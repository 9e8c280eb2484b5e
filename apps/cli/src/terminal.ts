import { clearLine, cursorTo, type Interface } from "node:readline";

/**
 * Where commands write. Output lines go to stdout, status and errors to stderr, so that piped
 * stdout holds nothing but output. On a terminal, a pending prompt is redrawn below whatever
 * arrives while the user types; elsewhere nothing but plain lines is written.
 */
export class Terminal {
  #prompt: Interface | undefined;

  /** Redraws this readline prompt after each line printed; for interactive sessions only. */
  attachPrompt(prompt: Interface): void {
    this.#prompt = prompt;
  }

  /** Stops redrawing the prompt and ends its line (when leaving an interactive session). */
  detachPrompt(): void {
    if (this.#prompt === undefined) return;
    this.#prompt = undefined;
    process.stdout.write("\n");
  }

  /** Writes a line to stdout. */
  print(line: string): void {
    this.#write(process.stdout, line);
  }

  /** Writes a status line to stderr. */
  status(line: string): void {
    this.#write(process.stderr, line);
  }

  /** Writes `pigeon: <message>` to stderr. */
  error(message: string): void {
    this.#write(process.stderr, `pigeon: ${message}`);
  }

  #write(stream: NodeJS.WriteStream, line: string): void {
    const prompt = this.#prompt;
    if (!prompt) {
      stream.write(`${line}\n`);
      return;
    }
    clearLine(process.stdout, 0);
    cursorTo(process.stdout, 0);
    stream.write(`${line}\n`);
    prompt.prompt(true);
  }
}
