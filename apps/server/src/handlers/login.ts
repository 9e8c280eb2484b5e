import { ErrorCode } from "@pigeon/protocol";
import { RelayError } from "../errors.js";
import { nameKey } from "../store/relay-store.js";
import { defineHandler } from "./define-handler.js";

/** `login`: takes a guest name for this connection, if nobody else holds it. */
export const login = defineHandler("login", async ({ store }, socket, { name }) => {
  const current = socket.data.name;
  if (current !== undefined) {
    // Repeating the same login is harmless (clients retry after a lost ack).
    if (nameKey(current) === nameKey(name)) return { name: current, kind: "guest" };
    throw new RelayError(ErrorCode.ALREADY_LOGGED_IN, `this connection is logged in as ${current}`);
  }
  if (!(await store.claimName(name, socket.id))) {
    throw new RelayError(ErrorCode.NAME_TAKEN, `the name ${name} is in use`);
  }
  socket.data.name = name;
  socket.data.kind = "guest";
  return { name, kind: "guest" };
});
