/**
 * Where a person was, per profile: the order of their rooms in the sidebar, the room open last,
 * and what they had typed in each room's Message field but not sent. A reload picks up there.
 */
export interface Place {
  /** Room names, in the sidebar's order. */
  readonly rooms: readonly string[];
  readonly active: string | undefined;
  /** Unsent text, by room. */
  readonly drafts: Readonly<Record<string, string>>;
}

/** Keeps each profile's {@link Place}. */
export interface PlaceMemory {
  load(profile: string): Place;
  save(profile: string, place: Place): void;
}

/** Nothing remembered yet. */
export const NOWHERE: Place = { rooms: [], active: undefined, drafts: {} };

const PREFIX = "pigeon.place:";

/**
 * Each profile's place in localStorage (next to the remembered name; history and keys are in
 * IndexedDB). A draft is a few kilobytes at most (the protocol's text limit), and is written as
 * it is typed, so a tab closed or killed mid-sentence keeps it. Storage that refuses forgets.
 *
 * @example
 * const places = localPlaceMemory(localStorage);
 * places.save("alice", { rooms: ["lobby"], active: "lobby", drafts: { lobby: "hel" } });
 */
export function localPlaceMemory(storage: Storage | undefined): PlaceMemory {
  return {
    load: (profile) => {
      try {
        const raw = storage?.getItem(PREFIX + profile);
        return raw === null || raw === undefined ? NOWHERE : parsePlace(JSON.parse(raw));
      } catch {
        return NOWHERE;
      }
    },
    save: (profile, place) => {
      try {
        storage?.setItem(PREFIX + profile, JSON.stringify(place));
      } catch {
        // Not remembered (storage full or refused): a reload starts from the first room.
      }
    },
  };
}

/** A memory that lasts as long as this object (tests, private sessions). */
export function memoryPlaceMemory(): PlaceMemory {
  const places = new Map<string, Place>();
  return {
    load: (profile) => places.get(profile) ?? NOWHERE,
    save: (profile, place) => {
      places.set(profile, place);
    },
  };
}

// What another version of the page (or a person with devtools) left there: anything odd is dropped.
function parsePlace(value: unknown): Place {
  if (typeof value !== "object" || value === null) return NOWHERE;
  const { rooms, active, drafts } = value as Record<string, unknown>;
  const names = Array.isArray(rooms) ? rooms.filter((room): room is string => typeof room === "string") : [];
  const texts: Record<string, string> = {};
  if (typeof drafts === "object" && drafts !== null) {
    for (const [room, text] of Object.entries(drafts)) if (typeof text === "string" && text !== "") texts[room] = text;
  }
  return { rooms: names, active: typeof active === "string" ? active : undefined, drafts: texts };
}
