// The daemon keeps each realm's loaded model, keyed by the clone's HEAD commit: a realm is read once per
// commit, not once per `status`. HEAD is read from .git directly (no git process on the hot path).
// A realm that does not load is one broken realm, never a failed daemon: whatever reading it throws becomes
// its problem, and the other realms are served as before.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { loadRealm, type LoadResult } from "../realm/load.ts";

function headCommit(clone: string): string {
  const gitDir = join(clone, ".git");
  const head = readFileSync(join(gitDir, "HEAD"), "utf8").trim();
  if (!head.startsWith("ref: ")) return head;
  const ref = head.slice(5);
  try {
    return readFileSync(join(gitDir, ref), "utf8").trim();
  } catch {
    const packed = readFileSync(join(gitDir, "packed-refs"), "utf8");
    return packed.split("\n").find((l) => l.endsWith(` ${ref}`))?.split(" ")[0] ?? "";
  }
}

function loadSafely(clone: string): LoadResult {
  try {
    return loadRealm(clone);
  } catch (e) {
    const message = `cannot load: ${(e as Error)?.message?.split("\n")[0] ?? String(e)}`;
    return {
      model: { root: clone, repos: new Map(), domains: new Map(), pending: [] },
      problems: [{ file: ".", line: 0, col: 0, field: "", message, severity: "error" }],
      locate: () => undefined,
    };
  }
}

export function createRealmCache() {
  const cache = new Map<string, { head: string; result: LoadResult }>();
  return (clone: string): LoadResult => {
    let head = "";
    try {
      head = headCommit(clone);
    } catch {
      return loadSafely(clone); // not a git clone (or unreadable): no key to cache on
    }
    const hit = cache.get(clone);
    if (hit && hit.head === head) return hit.result;
    const result = loadSafely(clone);
    cache.set(clone, { head, result });
    return result;
  };
}
