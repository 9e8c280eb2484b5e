import { ack } from "./ack.js";
import { chat } from "./chat.js";
import { createGroup } from "./create-group.js";
import type { Handler } from "./define-handler.js";
import { groupInfo } from "./group-info.js";
import { join } from "./join.js";
import { leave } from "./leave.js";
import { login } from "./login.js";
import { mls } from "./mls.js";
import { typing } from "./typing.js";

/** Every client event the relay answers, registered on each connection in this order. */
export const handlers: readonly Handler[] = [login, join, leave, chat, ack, typing, groupInfo, createGroup, mls];

export { disconnect } from "./disconnect.js";
export type { Handler } from "./define-handler.js";
