/**
 * A name's connections, in the memory store: the one connection's id, as almost every name
 * has, or a set of ids when there are several. A set per name and per presence cost about
 * 230 bytes each for every idle connection.
 */
export type ConnectionIds = string | Set<string>;

/**
 * `ids` with `id` added: the same set when it was one.
 *
 * @example
 * record.connections = withId(record.connections, socket.id);
 */
export function withId(ids: ConnectionIds | undefined, id: string): ConnectionIds {
  if (ids === undefined || ids === id) return id;
  if (typeof ids === "string") return new Set([ids, id]);
  ids.add(id);
  return ids;
}

/**
 * `ids` without `id`: undefined when none are left, the last one's id when one is.
 *
 * @example
 * record.connections = withoutId(record.connections, socket.id);
 */
export function withoutId(ids: ConnectionIds | undefined, id: string): ConnectionIds | undefined {
  if (ids === undefined || typeof ids === "string") return ids === id ? undefined : ids;
  ids.delete(id);
  const [first] = ids;
  return ids.size > 1 ? ids : first;
}

/**
 * Whether `id` is among `ids`.
 *
 * @example
 * if (hasId(record.connections, socket.id)) release();
 */
export function hasId(ids: ConnectionIds | undefined, id: string): boolean {
  return typeof ids === "string" ? ids === id : (ids?.has(id) ?? false);
}
