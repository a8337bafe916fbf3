// Realm fetches, bounded: per realm one runs and at most one waits. A request that finds both taken is refused
// (SyncBusy, a 429 with Retry-After) rather than queued: the waiting fetch starts after the running one ends,
// so it brings everything the refused request would have. A waiting fetch whose client has gone is dropped
// before it starts (a fetch already running finishes: it holds the realm's lock and git is mid-way).

/** Both places of this realm's queue are taken. */
export class SyncBusy extends Error {
  constructor(
    readonly realm: string,
    /** Seconds until the waiting fetch has likely finished. */
    readonly retryAfter: number,
  ) {
    super(`a fetch of realm '${realm}' is running and another is waiting: try again in ${retryAfter}s`);
  }
}

/** The client went away before its fetch started: nothing was done. */
export class SyncAbandoned extends Error {
  constructor(readonly realm: string) {
    super(`the client went away before the fetch of realm '${realm}' started`);
  }
}

type Slot<T> = { running?: Promise<T>; waiting?: { start: () => void }; lastMs?: number };

/** Until a realm has been fetched once, a fetch is guessed to take this long. */
const GUESS_MS = 2_000;

/** Wrap `run` (one fetch of a realm) in the per-realm queue. `now` is the clock, in ms. */
export function createSyncQueue<T>(run: (name: string, localPath: string) => Promise<T>, now: () => number) {
  /** Per realm tracked (registered realms only reach here): its queue and how long its last fetch took. */
  const slots = new Map<string, Slot<T>>();
  const slotOf = (name: string) => slots.get(name) ?? slots.set(name, {}).get(name)!;

  const startNow = (name: string, localPath: string): Promise<T> => {
    const slot = slotOf(name);
    const began = now();
    const p = (async () => run(name, localPath))().finally(() => {
      slot.lastMs = Math.max(0, now() - began);
      slot.running = undefined;
      const next = slot.waiting;
      slot.waiting = undefined;
      next?.start();
    });
    slot.running = p;
    return p;
  };

  /** Fetch realm `name` now, or after the one running. `signal`: the client's; once aborted, a fetch that has not
   *  started is not started (rejects with SyncAbandoned). Rejects with SyncBusy when one runs and one waits. */
  return function syncRealm(name: string, localPath: string, signal?: AbortSignal): Promise<T> {
    if (signal?.aborted) return Promise.reject(new SyncAbandoned(name));
    const slot = slotOf(name);
    if (!slot.running) return startNow(name, localPath);
    if (slot.waiting) return Promise.reject(new SyncBusy(name, Math.max(1, Math.ceil((2 * (slot.lastMs ?? GUESS_MS)) / 1000))));
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => {
        if (slot.waiting !== waiting) return;
        slot.waiting = undefined;
        reject(new SyncAbandoned(name));
      };
      const waiting = {
        start: () => {
          signal?.removeEventListener("abort", onAbort);
          if (signal?.aborted) return reject(new SyncAbandoned(name));
          startNow(name, localPath).then(resolve, reject);
        },
      };
      slot.waiting = waiting;
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  };
}
