/**
 * A section of the report: its heading, its one table, and the note under the table if it has one.
 *
 * @example
 * section("#### Drain", ["members", "seconds"], [["1", "0.12"]])
 */
export function section(heading: string, head: readonly string[], rows: readonly (readonly string[])[], note?: string): string {
  const table = [`| ${head.join(" | ")} |`, `| ${head.map(() => "---").join(" | ")} |`, ...rows.map((row) => `| ${row.join(" | ")} |`)];
  return [heading, "", ...table, ...(note === undefined ? [] : ["", note])].join("\n");
}
