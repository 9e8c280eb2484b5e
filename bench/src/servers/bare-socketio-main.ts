// Baseline: a bare socket.io server doing the seed tutorial's broadcast and nothing else
// (login remembers a name, join joins a room, chat broadcasts `{ user, message }` to the room,
// sender included). Same socket.io, same settings as Pigeon (maxHttpBufferSize, CORS, no
// client serving), and socket.io's defaults otherwise: it keeps the handshake request on
// every socket, as socket.io does unless told not to. Setup events are acked when the client
// asks, so the harness can wait for them; chat is not (the tutorial's client never asks).
import { createServer } from "node:http";
import { Server } from "socket.io";
import { field, listenAddress, MAX_PACKET_BYTES } from "./settings.js";

const httpServer = createServer();
const io = new Server(httpServer, { maxHttpBufferSize: MAX_PACKET_BYTES, serveClient: false, cors: { origin: true } });

io.on("connection", (socket) => {
  let user = "";
  let room: string | undefined;
  socket.on("login", (payload: unknown, ack?: unknown) => {
    user = field(payload, "name");
    reply(ack, { ok: true, data: { name: user } });
  });
  socket.on("join", (payload: unknown, ack?: unknown) => {
    room = field(payload, "room");
    void socket.join(room);
    reply(ack, { ok: true, data: { room } });
  });
  socket.on("chat", (payload: unknown, ack?: unknown) => {
    if (room !== undefined) io.to(room).emit("message", { user, message: field(payload, "text") });
    reply(ack, { ok: true });
  });
});

function reply(ack: unknown, result: object): void {
  if (typeof ack === "function") (ack as (result: object) => void)(result);
}

const { port, host } = listenAddress(process.env);
httpServer.listen(port, host);
