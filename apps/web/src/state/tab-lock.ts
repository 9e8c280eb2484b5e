/**
 * Makes sure one tab at a time uses a profile: its MLS group state (and outbox, and history)
 * are written by one owner only, so two tabs never advance the same group from different
 * states. A second tab is told the profile is open elsewhere and may take it over; the owner
 * then closes its connection, writes what it holds and lets go.
 *
 * @example
 * if (!(await lock.acquire("alice", { takeOver: false }))) showOpenElsewhere();
 */
export interface TabLock {
  /**
   * Takes `profile` for this tab (letting go of any other it held). Resolves false when another
   * tab holds it; with `takeOver` that tab is asked to let go, and this one waits for it.
   */
  acquire(profile: string, options: { takeOver: boolean }): Promise<boolean>;
  /** Lets go of the profile this tab holds, if any. */
  release(): void;
  /**
   * `lost` runs when another tab takes this tab's profile over; this tab lets go once the
   * promise it returns settles (it closes its connection and writes what it holds meanwhile).
   */
  onTakeOver(lost: () => Promise<void>): void;
}

/** A {@link TabLock} for a single owner (tests, and browsers without Web Locks): always granted. */
export function soleTabLock(): TabLock {
  return {
    acquire: () => Promise.resolve(true),
    release: () => undefined,
    onTakeOver: () => undefined,
  };
}

/** How long a tab waits for a profile a closing page may still hold (a reload) before saying it is taken. */
const RELOAD_GRACE_MS = 1_500;
/** How long a take-over waits for the owner to let go before taking the lock from it. */
const TAKE_OVER_WAIT_MS = 5_000;

/**
 * A {@link TabLock} over the Web Locks API (one lock per profile, held for as long as the tab
 * uses it, released by the browser when the tab closes or crashes) and a BroadcastChannel on
 * which a tab asks the owner to let go. An owner that does not answer in time (a frozen tab)
 * has the lock taken from it (`steal`); it stops as soon as it notices.
 *
 * @example
 * const lock = webTabLock(navigator.locks, new BroadcastChannel("pigeon-tabs"));
 */
export function webTabLock(locks: LockManager, channel: BroadcastChannel): TabLock {
  let held: { profile: string; release: () => void } | undefined;
  let lost: () => Promise<void> = () => Promise.resolve();

  const release = (): void => {
    held?.release();
    held = undefined;
  };

  // Holds the lock until release() (or until another tab steals it) once the request grants it.
  const hold = (profile: string, options: LockOptions): Promise<boolean> =>
    new Promise((granted) => {
      let letGo = (): void => undefined;
      const released = new Promise<void>((resolve) => {
        letGo = resolve;
      });
      locks
        .request(`pigeon-profile:${profile}`, options, async (lock) => {
          if (lock === null) {
            granted(false);
            return;
          }
          held = { profile, release: letGo };
          granted(true);
          await released;
        })
        .catch(() => {
          // Timed out waiting (another tab holds it), or stolen from us while held.
          if (held?.profile === profile && held.release === letGo) {
            held = undefined;
            void lost();
          }
          granted(false);
        });
    });

  channel.addEventListener("message", (event: MessageEvent<unknown>) => {
    const wanted = takeOverOf(event.data);
    if (wanted === undefined || held?.profile !== wanted) return;
    const profile = held.profile;
    void lost().finally(() => {
      if (held?.profile === profile) release();
    });
  });

  return {
    async acquire(profile, { takeOver }) {
      if (held?.profile === profile) return true;
      release();
      if (!takeOver) return await hold(profile, { signal: AbortSignal.timeout(RELOAD_GRACE_MS) });
      channel.postMessage({ takeOver: profile });
      if (await hold(profile, { signal: AbortSignal.timeout(TAKE_OVER_WAIT_MS) })) return true;
      return await hold(profile, { steal: true });
    },
    release,
    onTakeOver(listener) {
      lost = listener;
    },
  };
}

function takeOverOf(data: unknown): string | undefined {
  if (typeof data !== "object" || data === null || !("takeOver" in data)) return undefined;
  return typeof data.takeOver === "string" ? data.takeOver : undefined;
}
