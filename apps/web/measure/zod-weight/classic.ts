// The zod features @pigeon/protocol uses, with zod as it is ("classic"): for zod-weight.ts.
import * as z from "zod";

const Name = z.string().trim().min(1).max(32).regex(/^[a-z]+$/u);
const Mode = z.enum(["plain", "encrypted"]);
const Join = z.looseObject({
  room: Name,
  seq: z.int().nonnegative(),
  mode: Mode.default("plain"),
  text: z.string().optional(),
  ok: z.boolean().default(false),
  tags: z.array(z.string()),
});
const Login = z
  .strictObject({ name: Name, key: z.string().optional() })
  .refine((value) => value.key !== "x", "no")
  .transform((value) => ({ ...value }));
const NameOrLogin = z.union([Name, Login]);
const Event = z.discriminatedUnion("type", [z.looseObject({ type: z.literal("a"), n: z.number() }), z.looseObject({ type: z.literal("b") })]);

export function check(input: unknown): boolean[] {
  return [Join.safeParse(input).success, NameOrLogin.safeParse(input).success, Event.safeParse(input).success];
}
