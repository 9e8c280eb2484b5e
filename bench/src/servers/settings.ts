// Settings every server in a run shares, so that the baselines differ from Pigeon only in
// what they do per event, never in how socket.io is configured.

/**
 * socket.io's `maxHttpBufferSize` and ws's `maxPayload`: Pigeon's MAX_PACKET_BYTES (1 MiB, room for
 * an MLS commit with its GroupInfo).
 * Kept here as a literal so the baselines do not load @pigeon/protocol (and zod) into their
 * memory; a test checks it equals the protocol's.
 */
export const MAX_PACKET_BYTES = 1024 * 1024;

/** The port and address a server process is told to listen on. */
export function listenAddress(env: NodeJS.ProcessEnv): { port: number; host: string } {
  const port = Number(env.PORT ?? "0");
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error(`bad PORT: ${env.PORT ?? ""}`);
  return { port, host: env.HOST ?? "127.0.0.1" };
}

/** The room/name/text out of the seed's bare string or the object form, for baselines. */
export function field(payload: unknown, key: "name" | "room" | "text"): string {
  if (typeof payload === "string") return payload;
  if (typeof payload === "object" && payload !== null && key in payload) {
    const value: unknown = (payload as Record<string, unknown>)[key];
    if (typeof value === "string") return value;
  }
  return "";
}
