// A realm as its last load found it (valid), kept beside the clone in `.git/blue-realm-model.json` with the size
// and mtime of every file and directory under the realm's own paths (realm.yaml, repos/, domains/). A load that
// finds exactly those stamps again takes the kept model instead of reading each file: what the file cache
// (store/cache-db.ts) does file by file, for the whole realm at once, so a sync in a realm of a thousand
// contracts does not validate a thousand files to change one. Files changed within two seconds of the load are
// not trusted (git's racy rule: an edit can hide behind an unchanged size and mtime), so then nothing is kept.
import { lstatSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import pkg from "../../package.json" with { type: "json" };
import type { Problem } from "../errors.ts";
import { writeFileAtomic } from "../system/atomic-write.ts";
import { loadValidRealm, type DomainModel, type LoadedFiles, type RealmModel } from "./load.ts";

const KEPT = "blue-realm-model.json";
const RACY_MS = 2_000;

type Kept = { version: string; root: string; stamps: string; model: Flat; warnings: Problem[] };

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

/** Every file and directory under realm.yaml, repos/ and domains/, with its size and mtime (ns), one per line;
 *  links are not followed, only noted. */
export function realmStamps(root: string): { stamps: string; newestMs: number; symlinks: boolean } {
  const lines: string[] = [];
  let newestMs = 0;
  let symlinks = false;
  const visit = (rel: string) => {
    let st;
    try {
      st = lstatSync(join(root, rel), { bigint: true });
    } catch {
      lines.push(`${rel}\t-`);
      return;
    }
    newestMs = Math.max(newestMs, Number(st.mtimeNs / 1_000_000n));
    if (st.isSymbolicLink()) symlinks = true;
    else if (st.isDirectory()) {
      lines.push(`${rel}/\t${st.mtimeNs}`);
      for (const name of readdirSync(join(root, rel)).sort()) visit(`${rel}/${name}`);
    } else lines.push(`${rel}\t${st.size}\t${st.mtimeNs}\t${st.ino}`);
  };
  for (const top of ["realm.yaml", "repos", "domains"]) visit(top);
  return { stamps: lines.join("\n"), newestMs, symlinks };
}

// The model's Maps and Sets as arrays, converted by hand where the model has them: a JSON reviver would visit every
// value of every contract (~10x slower than the parse), and could take a contract's own value for a Map.
type Flat = Omit<RealmModel, "repos" | "domains"> & {
  repos: [string, unknown][];
  domains: [string, Omit<DomainModel, "contracts" | "bindings" | "waivers" | "invalidContracts"> & { contracts: [string, unknown][]; bindings: [string, unknown][]; waivers: [string, unknown][]; invalidContracts: string[] }][];
};

function flatten(m: RealmModel): Flat {
  return {
    ...m,
    repos: [...m.repos],
    domains: [...m.domains].map(([k, d]) => [k, { ...d, contracts: [...d.contracts], bindings: [...d.bindings], waivers: [...d.waivers], invalidContracts: [...d.invalidContracts] }]),
  };
}

function unflatten(f: Flat): RealmModel {
  return {
    ...f,
    repos: new Map(f.repos) as RealmModel["repos"],
    domains: new Map(
      f.domains.map(([k, d]) => [k, { ...d, contracts: new Map(d.contracts), bindings: new Map(d.bindings), waivers: new Map(d.waivers), invalidContracts: new Set(d.invalidContracts) } as DomainModel]),
    ),
  };
}
