import { createInterface } from "node:readline";

/**
 * The lines of a stream, without their line endings, as they arrive.
 *
 * @example
 * for await (const line of readLines(process.stdin)) console.log(line.length);
 */
export function readLines(input: NodeJS.ReadableStream): AsyncIterable<string> {
  return createInterface({ input, crlfDelay: Infinity, terminal: false });
}
