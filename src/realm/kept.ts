// A realm as its last load found it (valid), kept beside the clone in `.git/blue-realm-model.json` with the size
// and mtime of every file and directory under the realm's own paths (realm.yaml, repos/, domains/). A load that
// finds exactly those stamps again takes the kept model instead of reading each file: what the file cache
// (store/cache-db.ts) does file by file, for the whole realm at once, so a sync in a realm of a thousand
// contracts does not validate a thousand files to change one. Files changed within two seconds of the load are
// not trusted (git's racy rule: an edit can hide behind an unchanged size and mtime), so then nothing is kept.
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import type { Problem } from "../errors.ts";
import { join } from "node:path";
import pkg from "../../package.json" with { type: "json" };
import { writeFileAtomic } from "../system/atomic-write.ts";
import { loadValidRealm, type LoadedFiles, type RealmModel } from "./load.ts";
import { atCommitFile, KEPT, realmStamps, unflatten, type Kept, type KeptAtCommit } from "./kept-read.ts";

export { realmStamps };

const RACY_MS = 2_000;

/** loadValidRealm, through the kept model when nothing under the realm's paths changed since it was kept. */
export function loadValidRealmKept(root: string, name: string, files?: LoadedFiles, now = Date.now()): { model: RealmModel; warnings: Problem[] } {
  const path = join(root, ".git", KEPT);
  const { stamps, newestMs, symlinks } = realmStamps(root);
  // A link's target can change under an unchanged link: such a realm is always read afresh (as the loader decides).
  if (symlinks) return loadValidRealm(root, name, files);
  try {
    const kept = JSON.parse(readFileSync(path, "utf8")) as Kept;
    if (kept.version === pkg.version && kept.root === root && kept.stamps === stamps) return { model: unflatten(kept.model), warnings: kept.warnings };
  } catch {
    // None kept yet, or unreadable: load.
  }
  const loaded = loadValidRealm(root, name, files);
  if (newestMs < now - RACY_MS) {
    try {
      writeFileAtomic(path, JSON.stringify({ version: pkg.version, root, stamps, model: flatten(loaded.model), warnings: loaded.warnings } satisfies Kept));
    } catch {
      // Not kept (a read-only clone): the next load reads the files again.
    }
  }
  return loaded;
}

/** Whether a model is kept for `commit` already. */
export function keptAtCommit(root: string, commit: string): boolean {
  return existsSync(atCommitFile(root, commit));
}

/** Keep `model` as the realm at `commit` (the caller read it from a clean checkout of that commit, with no untracked
 *  file), replacing the one kept for any other commit. Best effort: not kept, the next in-sync sync takes the full path. */
export function keepModelAtCommit(root: string, commit: string, model: RealmModel): void {
  try {
    for (const n of readdirSync(join(root, ".git"))) if (n.startsWith("blue-realm-model@")) rmSync(join(root, ".git", n), { force: true });
    writeFileAtomic(atCommitFile(root, commit), JSON.stringify({ version: pkg.version, root, commit, model: flatten(model) } satisfies KeptAtCommit));
  } catch {
    // A read-only clone: nothing kept.
  }
}

function flatten(m: RealmModel): Kept["model"] {
  return {
    ...m,
    repos: [...m.repos],
    domains: [...m.domains].map(([k, d]) => [k, { ...d, contracts: [...d.contracts], bindings: [...d.bindings], waivers: [...d.waivers], invalidContracts: [...d.invalidContracts] }]),
  };
}
