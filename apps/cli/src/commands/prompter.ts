import type { Interface } from "node:readline";
import type { Terminal } from "../terminal.js";

/**
 * Question-and-answer input for `raw`, which works the same from a terminal and a pipe. From
 * a pipe nothing echoes what was read, so the answer is echoed after its prompt and the output
 * reads like the terminal session would; a line printed while a prompt waits goes on its own
 * line and the prompt is repeated after it.
 */
export class Prompter {
  readonly #input: Interface;
  readonly #lines: AsyncIterator<string>;
  readonly #terminal: Terminal;
  readonly #interactive: boolean;
  #pending: string | undefined;

  constructor(input: Interface, terminal: Terminal, interactive: boolean) {
    this.#input = input;
    this.#lines = input[Symbol.asyncIterator]();
    this.#terminal = terminal;
    this.#interactive = interactive;
  }

  /** Shows `prompt` and resolves with the next line, or undefined at end of input. */
  async ask(prompt: string): Promise<string | undefined> {
    this.#pending = prompt;
    if (this.#interactive) {
      this.#input.setPrompt(prompt);
      this.#input.prompt();
    } else {
      process.stdout.write(prompt);
    }
    const next = await this.#lines.next();
    this.#pending = undefined;
    const answer = next.done === true ? undefined : next.value;
    if (!this.#interactive) process.stdout.write(`${answer ?? ""}\n`);
    return answer;
  }

  /** Prints a line on stdout without mangling a prompt that is waiting for input. */
  print(line: string): void {
    if (this.#interactive) this.#terminal.print(line);
    else if (this.#pending === undefined) process.stdout.write(`${line}\n`);
    else process.stdout.write(`\n${line}\n${this.#pending}`);
  }
}
