// `blue realm sync` when the repo is already in sync, decided before the sync machinery loads (issue 23: "already
// in sync" within 2x a `git fetch`). It loads no Zod, yaml, semver or SQLite: the member config's fast path, the
// realm model kept for the clone's commit (realm/kept-read.ts), the remote's branches (`git ls-remote`: when they
// are what the clone's remote-tracking refs hold, a fetch would change nothing) beside a `git status` of the
// clone, the refs read from their files, and the exported values read as JSON. It answers only when every one of
// these is certain; anything else (a forge, a leftover scratch worktree, a held lock, a failed listing, a remote
// that moved (then it fetches, for the full path to use), an edit or untracked file in the clone, open sync
// branches, no model kept for that commit, an export not read from a JSON file, a value, schema or binding that
// differs) returns undefined and the full path runs as before.
import { readdirSync, readFileSync, realpathSync, statSync } from "node:fs";
import { isAbsolute, join, relative, sep } from "node:path";
import { gitCommand } from "../git/command.ts";
import { listRefs, plainGitDir } from "../git/ref-files.ts";
import { markClosedListed, markFetched } from "./fetched.ts";
import { readModelAtCommit } from "../realm/kept-read.ts";
import { quickMember } from "../realm/member.ts";
import { parsePointer, valueAt } from "../realm/pointer.ts";
import { realmLocation } from "../system/home.ts";
import { tryLock } from "../system/lock.ts";
import { findRepoRoot } from "../system/repo-root.ts";
import { fileTooLarge, jsonBreach } from "../yaml/limits.ts";

export type InSync = { realm: string; repo: string };

/** The realm and repo when `blue realm sync` in `cwd` would find nothing to do; undefined when the full path must decide. */
export async function syncIfInSync(cwd: string = process.cwd()): Promise<InSync | undefined> {
  const root = findRepoRoot(cwd);
  const member = root ? quickMember(root) : undefined;
  if (!member) return undefined;
  const { realm: { name: realm, url }, repo } = member.config;
  // Plain git only: a forge's host is checked against this machine's pins by the full path.
  if (!(url.startsWith("/") || url.startsWith("file://")) || process.env.BLUE_FORGEJO_URL) return undefined;
  const { clone, cloned } = realmLocation(realm);
  // The sync journal (kept after a sync finishes) is not read: what it could have left to finish is a branch still open
  // on the realm remote (sync/resume.ts leftToPublish), and any open sync branch sends this to the full path below.
  if (!cloned) return undefined;
  // Scratch worktrees (a killed sync's) are the full path's to remove.
  const gitDir = readdirSync(join(clone, ".git"));
  if (gitDir.some((n) => n.startsWith("blue-sync-") || n.startsWith("blue-merge-")) || (gitDir.includes("worktrees") && readdirSync(join(clone, ".git", "worktrees")).length > 0)) return undefined;
  if (/^forge:/m.test(readFileSync(join(clone, "realm.yaml"), "utf8"))) return undefined;
  // The realm lock, as the full path takes it: no other sync is changing the clone while this one reads it. Held → full path (it waits).
  const release = tryLock(`${clone}.lock`);
  if (!release) return undefined;
  try {
    return (await decide(clone, realm, repo, member.root)) ? { realm, repo } : undefined;
  } finally {
    release();
  }
}

async function decide(clone: string, realm: string, repo: string, repoRoot: string): Promise<boolean> {
  const git = gitCommand(clone, { ...process.env, GIT_TERMINAL_PROMPT: "0" });
  // What the fetch would bring is asked first: the remote's branches, one ref listing (~half a fetch here: no
  // connectivity check, no auto maintenance). The status (hand edits, and any untracked file the loader would
  // read) runs beside it, unless the clone already tracks an open sync branch: then the full path decides
  // whatever the listing says (an acknowledgement to build, a merge), and it checks for hand edits itself.
  // main, the remote-tracking refs and the closed-branch records, read from git's files (git/ref-files.ts); the
  // listing changes none of them, so they are read once.
  const gitDir = plainGitDir(clone);
  const refs = gitDir && listRefs(gitDir, ["refs/heads/main", "refs/remotes/origin", CLOSED_REFS.slice(0, -1)]);
  const open = (refs: Map<string, string>) => [...refs.keys()].some((r) => r.startsWith("refs/remotes/origin/sync/"));
  // The records of closed sync branches are listed too: when the clone's copies are the remote's, a full path that
  // asks about them (an acknowledgement, sync/closed.ts closedAmong) need not fetch them.
  const listing = ["ls-remote", "origin", "refs/heads/*", `${CLOSED_REFS}*`];
  const [listed, status] = await Promise.all([git.exec(listing), refs && open(refs) ? undefined : cloneStatus(clone)]);
  if (listed.code !== 0) return false;
  if (!refs || !sameBranches(listed.stdout, refs)) {
    // The remote moved (or the clone's refs are not plain files): the full path decides, from this fetch.
    if ((await git.exec(["fetch", "-q", "--prune", "origin"])).code === 0) markFetched(clone);
    return false;
  }
  // Every remote-tracking ref is what a fetch would set it to, and nothing is left to prune: the clone is as fetched.
  markFetched(clone);
  if (sameClosedRecords(listed.stdout, refs)) markClosedListed(clone);
  // Open sync branches to read and perhaps merge: the full path.
  if (open(refs) || !status || status.code !== 0 || status.stdout !== "") return false;
  if (readFileSync(join(clone, ".git", "HEAD"), "utf8").trim() !== "ref: refs/heads/main") return false;
  const head = refs.get("refs/heads/main");
  // The realm moved (main to fast-forward): the full path.
  if (!head || refs.get("refs/remotes/origin/main") !== head) return false;
  const model = readModelAtCommit(clone, head);
  if (!model || model.realm?.name !== realm || !model.repos.has(repo)) return false;
  for (const [, d] of model.domains) {
    const b = d.bindings.get(repo);
    if (!b) continue;
    if (b.role === "provider") {
      for (const exp of b.exports) {
        const c = d.contracts.get(exp.contract);
        const how = exp.extract as { file?: unknown; pointer?: unknown } | undefined;
        // An export that says nothing of how to read it publishes nothing (as in sync/run.ts extractAll).
        if (how === undefined) continue;
        // An extract command needs this machine's consent and runs the user's code: the full path.
        if (!c || typeof how.file !== "string" || typeof how.pointer !== "string") return false;
        const doc = readJson(repoRoot, how.file);
        const value = doc === undefined ? undefined : pointerValue(doc.value, how.pointer);
        if (value === undefined || !Bun.deepEquals(value, c.value, true)) return false;
        if (exp.schema_file !== undefined) {
          const schema = readJson(repoRoot, exp.schema_file);
          if (!schema || !Bun.deepEquals(schema.value, c.schema, true)) return false;
        }
      }
    }
    // An import is in sync when it resolved the contract's version on main and that version is in its range.
    for (const imp of b.imports) {
      const c = d.contracts.get(imp.contract);
      if (!c) continue;
      if (imp.resolved_version !== c.version) return false;
      const { rangeSatisfied } = await import("../realm/view.ts");
      if (!rangeSatisfied(c.version, imp.version)) return false;
    }
  }
  return true;
}

/** The clone's status without git's optional index refresh (GIT_OPTIONAL_LOCKS=0): the fast path writes nothing in
 *  the clone but what the fetch itself updates (remote-tracking refs, FETCH_HEAD). */
function cloneStatus(clone: string) {
  return gitCommand(clone, { ...process.env, GIT_TERMINAL_PROMPT: "0", GIT_OPTIONAL_LOCKS: "0" }).exec(["status", "--porcelain", "--untracked-files=all"]);
}

/** Whether `git ls-remote --heads` lists exactly the branches the clone's remote-tracking refs hold, at the same commits. */
function sameBranches(listing: string, refs: Map<string, string>): boolean {
  const tracking = [...refs].filter(([name]) => name.startsWith("refs/remotes/origin/"));
  const lines = listing.split("\n").filter((l) => l.split("\t")[1]?.startsWith("refs/heads/"));
  if (lines.length !== tracking.length) return false;
  return lines.every((l) => {
    const [id, name] = l.split("\t");
    return id !== undefined && name?.startsWith("refs/heads/") === true && refs.get(`refs/remotes/origin/${name.slice("refs/heads/".length)}`) === id;
  });
}

/** Where sync/closed.ts keeps the records of closed sync branches (its CLOSED kind), fetched onto themselves. */
const CLOSED_REFS = "refs/blue/closed/";

/** Whether the listing's records of closed sync branches are exactly the clone's copies. */
function sameClosedRecords(listing: string, refs: Map<string, string>): boolean {
  const listed = listing.split("\n").filter((l) => l.split("\t")[1]?.startsWith(CLOSED_REFS));
  const held = [...refs.keys()].filter((r) => r.startsWith(CLOSED_REFS));
  return listed.length === held.length && listed.every((l) => {
    const [id, name] = l.split("\t");
    return refs.get(name!) === id;
  });
}

/** A repo's JSON file as the full path reads it (confined to the repo, within the limits), or undefined for anything else. */
function readJson(root: string, rel: string): { value: unknown } | undefined {
  if (!rel.endsWith(".json") || isAbsolute(rel) || rel.split(/[\\/]/).includes("..")) return undefined;
  try {
    const real = realpathSync(join(root, rel));
    const inside = relative(realpathSync(root), real);
    if (inside.startsWith(`..${sep}`) || inside === ".." || isAbsolute(inside)) return undefined;
    const st = statSync(real);
    if (!st.isFile() || fileTooLarge(st.size)) return undefined;
    const text = readFileSync(real, "utf8");
    return jsonBreach(text) ? undefined : { value: JSON.parse(text) };
  } catch {
    return undefined;
  }
}

function pointerValue(doc: unknown, pointer: string): unknown {
  if (pointer === "" || pointer === "/") return doc;
  const tokens = parsePointer(pointer.startsWith("/") ? pointer : `/${pointer}`);
  return tokens ? valueAt(doc, tokens) : undefined;
}
