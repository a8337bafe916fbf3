// The kept realm model (realm/kept.ts) read without the loader: the stamps of the realm's files, and the model kept
// beside the clone when they are the ones it was kept with. No Zod, no YAML: the in-sync fast path of `blue realm
// sync` (sync/in-sync.ts) decides from this alone, and anything it cannot read here sends it down the full path.
import { lstatSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import pkg from "../../package.json" with { type: "json" };
import type { Problem } from "../errors.ts";
import type { DomainModel, RealmModel } from "./load.ts";

export const KEPT = "blue-realm-model.json";

/** The model kept for a commit of the clone: `.git/blue-realm-model@<commit>.json` (realm/kept.ts keepModelAtCommit). */
export const atCommitFile = (root: string, commit: string) => join(root, ".git", `blue-realm-model@${commit}.json`);

export type KeptAtCommit = { version: string; root: string; commit: string; model: Flat };

/** The model kept for `commit`: the realm as a load read it from that commit's files with nothing else in the clone.
 *  Valid while the clone has exactly that commit out, unedited and without untracked files, which the caller checks
 *  (sync/in-sync.ts: `git status` clean and main at `commit`); git's own racy-clean rule is what makes that check
 *  sound, where the stamps above need a two-second window. */
export function readModelAtCommit(root: string, commit: string): RealmModel | undefined {
  try {
    const kept = JSON.parse(readFileSync(atCommitFile(root, commit), "utf8")) as KeptAtCommit;
    return kept.version === pkg.version && kept.root === root && kept.commit === commit ? unflatten(kept.model) : undefined;
  } catch {
    return undefined;
  }
}

export type Kept = { version: string; root: string; stamps: string; model: Flat; warnings: Problem[] };

/** The kept model of the clone at `root` when this build kept it and nothing under the realm's paths changed since
 *  (no symlink among them either); undefined otherwise. */
export function readKeptModel(root: string): RealmModel | undefined {
  const { stamps, symlinks } = realmStamps(root);
  if (symlinks) return undefined;
  try {
    const kept = JSON.parse(readFileSync(join(root, ".git", KEPT), "utf8")) as Kept;
    return kept.version === pkg.version && kept.root === root && kept.stamps === stamps ? unflatten(kept.model) : undefined;
  } catch {
    return undefined;
  }
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

export function unflatten(f: Flat): RealmModel {
  return {
    ...f,
    repos: new Map(f.repos) as RealmModel["repos"],
    domains: new Map(
      f.domains.map(([k, d]) => [k, { ...d, contracts: new Map(d.contracts), bindings: new Map(d.bindings), waivers: new Map(d.waivers), invalidContracts: new Set(d.invalidContracts) } as DomainModel]),
    ),
  };
}
