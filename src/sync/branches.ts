// The sync branches of a realm (`sync/<repo>/<YYYYMMDD-HHMMSS>`) as git sees them: listed from the clone's
// remote-tracking refs, read without checking anything out, and written through a temporary worktree so the
// clone's own checkout of `main` never moves until a change has landed on the remote.
import { OBJECT_ID } from "../git/ref-files.ts";
import { parseData } from "../yaml/source.ts";
import { BranchMoved, GitError, Unreachable } from "../errors.ts";
import { runBounded } from "../system/subprocess.ts";
import { git, headOf, isMerged, REALM_BRANCH } from "../git/realm-repo.ts";
import { requireGitIdentity } from "../git/identity.ts";
import { removeScratch, scratchDir } from "../git/scratch-worktree.ts";

const MAIN = `origin/${REALM_BRANCH}`;
const PUSH_ATTEMPTS = 4;

export type BranchCommit = { sha: string; committer_email: string; committed_at: string; trailers: Record<string, string[]> };

/** A sync branch read from the clone: its commits since main and the realm files it changes. */
export type BranchRead = {
  branch: string;
  sha: string;
  commits: BranchCommit[];
  /** Realm files the branch changes relative to where it left main (or its base branch), with their content there. */
  files: Map<string, unknown>;
};

export async function listSyncBranches(clone: string): Promise<{ branch: string; sha: string }[]> {
  return (await listRealmRefs(clone)).sync;
}

/** The realm's main and its open sync branches as last fetched, in one git command. */
export async function listRealmRefs(clone: string): Promise<{ main: string | undefined; sync: { branch: string; sha: string }[] }> {
  const out = await git(clone).raw(["for-each-ref", "--format=%(refname:lstrip=3)%09%(objectname)", "refs/remotes/origin/sync/", `refs/remotes/${MAIN}`]);
  const refs = out
    .split("\n")
    .filter(Boolean)
    .map((l) => {
      const [branch, sha] = l.split("\t") as [string, string];
      return { branch, sha };
    });
  return { main: refs.find((r) => r.branch === REALM_BRANCH)?.sha, sync: refs.filter((r) => r.branch.startsWith("sync/")).sort((a, b) => a.branch.localeCompare(b.branch)) };
}

export function parseTrailers(message: string): Record<string, string[]> {
  const trailers: Record<string, string[]> = {};
  for (const m of message.matchAll(/^([A-Za-z][A-Za-z-]*): (.+)$/gm)) (trailers[m[1]!] ??= []).push(m[2]!.trim());
  return trailers;
}

/** Commits on `ref` not on main, oldest first. */
export async function commitsSinceMain(clone: string, ref: string): Promise<BranchCommit[]> {
  const out = await git(clone).raw(["log", "--reverse", "--format=%H%x1f%ce%x1f%cI%x1f%B%x1e", `${MAIN}..${ref}`]);
  return out
    .split("\x1e")
    .map((r) => r.trim())
    .filter(Boolean)
    .map((r) => {
      const [sha, email, at, body] = r.split("\x1f") as [string, string, string, string];
      return { sha, committer_email: email, committed_at: at, trailers: parseTrailers(body ?? "") };
    });
}

/** The realm files `ref` changes since `since` (a commit), parsed. */
export async function readChangedFiles(clone: string, since: string, ref: string): Promise<Map<string, unknown>> {
  // Between two commits (which never change what they hold) the answer is kept: an acknowledgement's branch, read
  // again in settle's next round after its base merged, is not diffed and shown again. Bounded: the daemon lives on.
  const key = OBJECT_ID.test(since) && OBJECT_ID.test(ref) ? `${clone}\0${since}\0${ref}` : undefined;
  const seen = key && changedBefore.get(key);
  if (seen) return structuredClone(seen);
  const files = await changedFilesOf(clone, since, ref);
  if (key) {
    if (changedBefore.size >= 64) changedBefore.delete(changedBefore.keys().next().value!);
    changedBefore.set(key, structuredClone(files));
  }
  return files;
}

const changedBefore = new Map<string, Map<string, unknown>>();

async function changedFilesOf(clone: string, since: string, ref: string): Promise<Map<string, unknown>> {
  const g = git(clone);
  const names = (await g.raw(["diff", "--name-only", since, ref, "--", "domains"])).split("\n").filter((f) => /\.ya?ml$/.test(f));
  const files = new Map<string, unknown>();
  for (const f of names) {
    const text = await g.raw(["show", `${ref}:${f}`]).catch(() => undefined);
    if (text === undefined) continue; // deleted on the branch
    try {
      files.set(f, parseData(f, text));
    } catch {
      // An unparsable file on someone's branch is theirs to fix; the branch is read without it.
    }
  }
  return files;
}

/** Files that conflict when `branch` is merged into main (empty: it merges cleanly). git's exit status decides. */
export async function mergeConflicts(clone: string, branch: string): Promise<string[]> {
  const r = await runBounded(["git", "merge-tree", "--write-tree", "--name-only", MAIN, `origin/${branch}`], { cwd: clone, timeoutMs: 60_000 });
  if (r.code === 0) return [];
  if (r.code !== 1) throw new GitError(`git merge-tree failed on ${branch}: ${r.stderr.trim().split("\n")[0] ?? ""}`, `Run git merge-tree --write-tree main origin/${branch} in ${clone} to see what git says.`);
  return conflictedFiles(r.stdout);
}

export async function mergeBase(clone: string, ref: string): Promise<string> {
  return (await git(clone).raw(["merge-base", MAIN, ref])).trim();
}

function pushFailure(e: unknown, doing: string): Error {
  const text = e instanceof Error ? e.message : String(e);
  const cause = text.split("\n").find((l) => /^(fatal|error): /.test(l.trim()))?.trim().replace(/^(fatal|error): /, "") ?? text.split("\n")[0];
  if (/could not read|unable to access|connection|could not resolve|authentication failed|not found|does not exist|timed out/i.test(text)) {
    return new Unreachable(`${doing}: ${cause}`, "Check the realm remote and your git credentials, then run 'blue realm sync' again.");
  }
  return new GitError(`${doing}: ${cause}`, "Fix what git says, then run 'blue realm sync' again.");
}

/** Whether a push failed because the remote's branch moved since it was read: rejected as not a fast-forward
 *  (or stale, with a lease), or the remote found its ref changed while it took the push. */
export function movedUnderPush(gitOutput: string): boolean {
  if (/hook declined|protected/i.test(gitOutput)) return false;
  return /\[rejected\][^\n]*\((fetch first|non-fast-forward|stale info)\)|cannot lock ref[^\n]*but expected|\(failed to update ref\)/i.test(gitOutput);
}

/**
 * Make one commit on a new or existing sync branch, in a temporary worktree, and push it. `start` is what the
 * branch starts from (origin/main, or another sync branch); `edit` writes the files inside the worktree. With
 * `files` (the only files the edit reads or writes), only those are checked out: the worktree's index holds the
 * whole tree, its directory those files, so a one-file change in a thousand-contract realm writes one file.
 */
export async function commitSyncBranch(
  clone: string,
  o: { branch: string; start: string; message: string; edit: (dir: string) => void | Promise<void>; files?: string[]; signoff?: boolean; /** Replace the branch (rebuilt from main), only if it is still at this commit. */ replace?: string },
): Promise<string> {
  await requireGitIdentity(clone);
  const g = git(clone);
  const dir = scratchDir(clone, "sync");
  try {
    const w = git(dir);
    if (o.files?.length) {
      await g.raw(["worktree", "add", "-q", "--no-checkout", "--detach", dir, o.start]);
      await w.raw(["read-tree", "HEAD"]);
      // A file the start lacks is not checked out (the edit creates it): git refuses a path it does not know.
      await w.raw(["checkout", "-q", "--", ...o.files]).catch(async () => {
        const present = (await w.raw(["ls-files", "--", ...o.files!])).split("\n").filter(Boolean);
        if (present.length) await w.raw(["checkout", "-q", "--", ...present]);
      });
    } else {
      await g.raw(["worktree", "add", "-q", "--detach", dir, o.start]);
    }
    await o.edit(dir);
    await w.raw(o.files?.length ? ["add", "-A", "--", ...o.files] : ["add", "-A"]);
    await w.raw(["commit", "-q", "--allow-empty", ...(o.signoff ? ["--signoff"] : []), "-m", o.message]);
    const sha = (await w.raw(["rev-parse", "HEAD"])).trim();
    try {
      await w.raw(["push", "-q", ...(o.replace ? [`--force-with-lease=refs/heads/${o.branch}:${o.replace}`] : []), "origin", `HEAD:refs/heads/${o.branch}`]);
    } catch (e) {
      const text = e instanceof Error ? e.message : String(e);
      // Another machine pushed this branch since it was read (a reused or rebuilt branch): the caller re-plans.
      // (Told apart from a remote that refuses the push by its own rules: a protected branch, a declined hook.)
      if (movedUnderPush(text)) {
        throw new BranchMoved(`${o.branch} moved on the realm remote while this sync ran`, "Run 'blue realm sync' again: it starts from the realm's new state.");
      }
      throw pushFailure(e, `pushing ${o.branch} to the realm failed`);
    }
    // The push moved refs/remotes/origin/<branch> here too (git updates the remote-tracking ref it pushed).
    return sha;
  } finally {
    await removeScratch(clone, dir);
  }
}

/**
 * Bring the realm's main into a sync branch's worktree (`dir`, checked out at another sync branch): the branch
 * forked from an older main, which may lack a file the plan, read from today's main, edits (an importer's binding
 * added since the provider branched). Merging main in is what the branch's own merge into main would do anyway.
 */
export async function mergeMainInto(dir: string, branch: string): Promise<void> {
  const r = await runBounded(["git", "merge", "-q", "--no-edit", "-m", `Merge ${MAIN} into ${branch}`, MAIN], { cwd: dir, timeoutMs: 60_000 });
  if (r.code === 0) return;
  await runBounded(["git", "merge", "--abort"], { cwd: dir, timeoutMs: 60_000 });
  throw new GitError(`${branch} no longer merges with the realm's ${REALM_BRANCH}: ${(r.stderr || r.stdout).trim().split("\n")[0] ?? ""}`, "Its repo's next 'blue realm sync' rebuilds it; sync again after that.");
}

export type MergeOutcome = { merged: true; sha: string } | { merged: false; conflicts: string[] };

/**
 * Merge a sync branch into the realm's main with git alone (the plain-git forge): the merge commit is built
 * without a checkout (`merge-tree --write-tree`, `commit-tree`, signed when the user's git signs commits) and
 * pushed with the branch's deletion as one atomic push, each ref with the value it was read at: main moves only
 * as a fast-forward of what was merged, and the branch is deleted only if nobody pushed to it since. A push
 * refused because either moved is fetched and merged again (bounded).
 */
export async function mergeSyncBranch(clone: string, branch: string, message: string): Promise<MergeOutcome> {
  await requireGitIdentity(clone);
  const g = git(clone);
  const sign = await signsCommits(clone);
  for (let attempt = 1; ; attempt++) {
    const [main, head] = (await g.raw(["rev-parse", MAIN, `origin/${branch}`])).split("\n");
    const r = await runBounded(["git", "merge-tree", "--write-tree", "--name-only", main!, head!], { cwd: clone, timeoutMs: 60_000 });
    if (r.code === 1) return { merged: false, conflicts: conflictedFiles(r.stdout) };
    if (r.code !== 0) throw new GitError(`git merge-tree failed on ${branch}: ${r.stderr.trim().split("\n")[0] ?? ""}`, `Run git merge-tree --write-tree ${MAIN} origin/${branch} in ${clone} to see what git says.`);
    const tree = r.stdout.split("\n")[0]!.trim();
    const sha = await g.raw(["commit-tree", tree, "-p", main!, "-p", head!, ...(sign ? ["-S"] : []), "-m", message]);
    // The exit status decides (not whether git wrote to stderr).
    const pushed = await g.exec(["push", "-q", "--atomic", "--porcelain", `--force-with-lease=refs/heads/${REALM_BRANCH}:${main}`, `--force-with-lease=refs/heads/${branch}:${head}`, "origin", `${sha}:refs/heads/${REALM_BRANCH}`, `:refs/heads/${branch}`]);
    if (pushed.code !== 0) {
      const text = `${pushed.stdout}${pushed.stderr}`;
      if (!/\[rejected\]|\bstale info\b|atomic push failed|fetch first|non-fast-forward|failed to update ref|cannot lock ref/i.test(text) || attempt >= PUSH_ATTEMPTS) {
        throw pushFailure(new Error(text), `merging ${branch} into the realm's ${REALM_BRANCH} failed`);
      }
      await g.raw(["fetch", "-q", "--prune", "origin"]);
      // The branch is gone (merged or deleted by another machine meanwhile): nothing left to merge.
      if ((await g.raw(["rev-parse", "--verify", "-q", `origin/${branch}`])) === "") return { merged: false, conflicts: [] };
      continue;
    }
    // The push moved origin/main and removed origin/<branch> here as well (the clone's main follows in settle's
    // next round, which fast-forwards it without fetching).
    return { merged: true, sha };
  }
}

/** The conflicted files `git merge-tree --write-tree --name-only` lists after the tree, up to the blank line. */
function conflictedFiles(stdout: string): string[] {
  const [, ...rest] = stdout.split("\n");
  const blank = rest.indexOf("");
  return (blank === -1 ? rest : rest.slice(0, blank)).filter(Boolean);
}

const signing = new Map<string, { signs: boolean; at: number }>();

/** Whether the user's git signs the commits it makes here (commit.gpgSign): `commit-tree` does not read it itself.
 *  Asked once per command (a sync that merges two branches); kept a minute only (the daemon lives on while the
 *  user's config changes). */
async function signsCommits(dir: string): Promise<boolean> {
  const key = `${dir}\0${JSON.stringify(Object.entries(process.env).filter(([k]) => k.startsWith("GIT_") || k === "HOME" || k === "XDG_CONFIG_HOME"))}`;
  const seen = signing.get(key);
  if (seen && Date.now() - seen.at < 60_000) return seen.signs;
  const signs = (await git(dir).raw(["config", "--type=bool", "--get", "commit.gpgsign"])) === "true";
  signing.set(key, { signs, at: Date.now() });
  return signs;
}

/** Delete a sync branch on the realm remote (plain git: an acknowledgement whose base was rebuilt). */
export async function deleteSyncBranch(clone: string, branch: string): Promise<void> {
  await git(clone).raw(["push", "-q", "origin", "--delete", branch]).catch((e) => {
    throw pushFailure(e, `deleting ${branch} on the realm failed`);
  });
  await git(clone).raw(["fetch", "-q", "--prune", "origin"]).catch(() => undefined);
}

/** Fetch the realm (pruning merged sync branches) and fast-forward the clone's main. */
export async function fetchRealm(clone: string): Promise<void> {
  await fetchRealmRefs(clone);
  await fastForwardMain(clone);
}

/** Fetch the realm's refs (pruning merged sync branches); the clone's main and files stay as they are. */
export async function fetchRealmRefs(clone: string): Promise<void> {
  try {
    await git(clone).raw(["fetch", "-q", "--prune", "origin"]);
  } catch (e) {
    throw pushFailure(e, "fetching the realm failed");
  }
}

/**
 * Fast-forward the clone's main to the realm's as fetched. `known`: main's and the fetched main's commits, read
 * since the fetch: when they are the same there is nothing to merge and git is not asked.
 */
export async function fastForwardMain(clone: string, known?: { head: string | undefined; fetched: string | undefined }): Promise<void> {
  if (known?.head !== undefined && known.head === known.fetched) return;
  // Fails (ignored) when the realm has no main yet, as when main has commits the remote lacks.
  await git(clone).raw(["merge", "-q", "--ff-only", MAIN]).catch(() => undefined);
}
