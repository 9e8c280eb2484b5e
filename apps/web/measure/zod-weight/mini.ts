// The same schemas as classic.ts, with zod/mini and its English messages: for zod-weight.ts.
import * as z from "zod/mini";
import { en } from "zod/v4/locales";

z.config(en());

const Name = z.string().check(z.trim(), z.minLength(1), z.maxLength(32), z.regex(/^[a-z]+$/u));
const Mode = z.enum(["plain", "encrypted"]);
const Join = z.looseObject({
  room: Name,
  seq: z.int().check(z.nonnegative()),
  mode: z._default(Mode, "plain"),
  text: z.optional(z.string()),
  ok: z._default(z.boolean(), false),
  tags: z.array(z.string()),
});
const Login = z.pipe(
  z.strictObject({ name: Name, key: z.optional(z.string()) }).check(z.refine((value) => value.key !== "x", "no")),
  z.transform((value) => ({ ...value })),
);
const NameOrLogin = z.union([Name, Login]);
const Event = z.discriminatedUnion("type", [z.looseObject({ type: z.literal("a"), n: z.number() }), z.looseObject({ type: z.literal("b") })]);

export function check(input: unknown): boolean[] {
  return [Join.safeParse(input).success, NameOrLogin.safeParse(input).success, Event.safeParse(input).success];
}
