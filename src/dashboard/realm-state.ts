// What the dashboard's pages read from a realm clone: the model on main and the open sync branches. Reading
// the branches costs git processes, so the result is kept until something moves: an event the daemon
// published (a fetch, a sync, an acknowledgement), the clone's refs, or half a minute (merge policy's clock).
// A warm page is then served without a process.
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type { LoadResult, RealmModel } from "../realm/load.ts";
import type { PendingSync } from "../sync/pending.ts";

export const STATE_MAX_AGE_MS = 30_000;

export type RealmState = { model: RealmModel; pending: PendingSync[]; read_at: number };

export type StateDeps = {
  /** The daemon's loaded model of a clone (cached per commit). */
  load: (clone: string) => LoadResult;
  /** Bumped on every published change. */
  generation: () => number;
  now: () => number;
};

const mtime = (p: string) => {
  try {
    return statSync(p).mtimeMs;
  } catch {
    return 0;
  }
};

/** Moves whenever git fetched, pushed or moved a branch in the clone. */
function refsStamp(clone: string): string {
  const g = join(clone, ".git");
  return [join(g, "FETCH_HEAD"), join(g, "packed-refs"), join(g, "logs", "HEAD"), join(g, "refs", "remotes", "origin")].map(mtime).join(":");
}

/** As status reads it: a clone without remote sync refs has no open sync branch, and needs no git to say so. */
function hasSyncBranches(clone: string): boolean {
  if (mtime(join(clone, ".git", "refs", "remotes", "origin", "sync")) > 0) return true;
  try {
    return readFileSync(join(clone, ".git", "packed-refs"), "utf8").includes("refs/remotes/origin/sync/");
  } catch {
    return false;
  }
}

export function createRealmStates(deps: StateDeps) {
  const cache = new Map<string, { key: string; state: Promise<RealmState> }>();
  return (clone: string): Promise<RealmState> => {
    const key = `${deps.generation()}|${refsStamp(clone)}`;
    const hit = cache.get(clone);
    if (hit && hit.key === key) {
      const fresh = hit.state.then((s) => deps.now() - s.read_at < STATE_MAX_AGE_MS);
      return fresh.then((ok) => (ok ? hit.state : read()));
    }
    return read();
    function read(): Promise<RealmState> {
      const state = (async () => {
        const { model } = deps.load(clone);
        let pending: PendingSync[] = [];
        if (hasSyncBranches(clone)) pending = await (await import("../sync/run.ts")).readPending(clone, model);
        return { model, pending, read_at: deps.now() };
      })();
      cache.set(clone, { key, state });
      // A failed read is not kept: the next page tries again.
      state.catch(() => cache.delete(clone));
      return state;
    }
  };
}
