// One schema from zod (classic): how much of zod comes with it. For zod-weight.ts.
import * as z from "zod";

const Text = z.string();

export function check(input: unknown): boolean[] {
  return [Text.safeParse(input).success];
}
