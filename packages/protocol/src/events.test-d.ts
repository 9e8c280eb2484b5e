import type { Socket as ClientSocket } from "socket.io-client";
import type { Server } from "socket.io";
import { describe, expectTypeOf, it } from "vitest";
import type { AckResult, ErrorEvent } from "./errors.js";
import type { ChatMessage } from "./server-events.js";
import type {
  AckData,
  ClientToServerEvents,
  InterServerEvents,
  ServerPayload,
  ServerToClientEvents,
  SocketData,
} from "./events.js";

declare const socket: ClientSocket<ServerToClientEvents, ClientToServerEvents>;
declare const io: Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

describe("event maps", () => {
  it("accept the seed's string forms and the object forms", async () => {
    socket.emit("login", "alice", () => {});
    socket.emit("join", { room: "test" }, () => {});
    socket.emit("chat", { room: "test", text: "hello" }, (result) => {
      expectTypeOf(result).toEqualTypeOf<AckResult<AckData<"chat">>>();
      if (result.ok) expectTypeOf(result.data.seq).toBeNumber();
    });
    const joined = await socket.emitWithAck("join", "test");
    expectTypeOf(joined).toEqualTypeOf<AckResult<AckData<"join">>>();
  });

  it("make typed clients take the ack (untyped seed clients may omit it)", () => {
    // @ts-expect-error a typed client handles the result
    socket.emit("chat", "hello");
  });

  it("refuse wrong payloads at compile time", () => {
    // @ts-expect-error a number is not a name
    socket.emit("login", 42);
    // @ts-expect-error object-form chat needs text
    socket.emit("chat", { room: "test" });
    // @ts-expect-error unknown event
    socket.emit("shout", "hi");
    // @ts-expect-error the server never sends `message` without seq
    io.emit("message", { user: "a", message: "b", room: "r", id: "i", sentAt: 0 });
  });

  it("name each server event's payload", () => {
    expectTypeOf<ServerPayload<"message">>().toEqualTypeOf<ChatMessage>();
    expectTypeOf<ServerPayload<"error">>().toEqualTypeOf<ErrorEvent>();
    expectTypeOf<Parameters<ServerToClientEvents["message"]>[0]>().toEqualTypeOf<ServerPayload<"message">>();
  });

  it("type what the client receives", () => {
    socket.on("message", (message) => {
      expectTypeOf(message.user).toBeString();
      expectTypeOf(message.seq).toBeNumber();
    });
    socket.on("error", (error) => {
      expectTypeOf(error.code).toEqualTypeOf<
        "BAD_REQUEST" | "PAYLOAD_TOO_LARGE" | "NOT_LOGGED_IN" | "ALREADY_LOGGED_IN" | "NOT_IN_ROOM" | "NAME_TAKEN"
        | "UNAUTHORIZED" | "E2E_REQUIRED" | "ROOM_NOT_ENCRYPTED" | "STALE_EPOCH" | "REMOVALS_PENDING" | "RATE_LIMITED" | "QUOTA_EXCEEDED" | "STORE_FULL" | "UNAVAILABLE" | "INTERNAL"
      >();
    });
  });
});
