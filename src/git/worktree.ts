// The git operations behind `blue realm worktree` and `blue realm pr` on a member repo: read the facts a plan
// needs (branches, worktrees, uncommitted changes), and the few changes (branch, worktree, exclude, clone, push).
import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, renameSync, rmSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { writeFileAtomic } from "../system/atomic-write.ts";
import { GitError, Unreachable } from "../errors.ts";
import type { RepoFacts } from "../worktree/plan.ts";
import { runBounded } from "../system/subprocess.ts";
import { assertSafeUrl } from "./realm-repo.ts";
import { plainGitDir, readHead, readRef, worktreesFromFiles } from "./ref-files.ts";

export const WORKTREES_DIR = ".worktrees";

// git is run directly rather than through simple-git: these commands answer through their exit status
// (merge-base --is-ancestor, a failing post-checkout hook), which simple-git ignores when stderr is empty.
const TIMEOUT_MS = 10 * 60 * 1000;
async function exec(dir: string, args: string[]) {
  const r = await runBounded(["git", ...args], { cwd: dir, env: { ...process.env, GIT_TERMINAL_PROMPT: "0" }, timeoutMs: TIMEOUT_MS });
  return { ok: r.code === 0, stdout: r.stdout, stderr: r.timedOut ? `fatal: git ${args[0]} timed out` : r.stderr };
}

/** Trimmed stdout, or "" when git fails: for questions whose failure means "no". */
async function out(dir: string, args: string[]): Promise<string> {
  const r = await exec(dir, args);
  return r.ok ? r.stdout.trim() : "";
}

async function run(dir: string, args: string[], doing: string): Promise<string> {
  const r = await exec(dir, args);
  if (!r.ok) throw new GitError(`${doing} failed: ${gitCause(r.stderr || r.stdout)}`, "Fix what git says, then run the command again.");
  return r.stdout;
}

/** The git failure's own line (`fatal: …`), without progress noise. */
export function gitCause(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  const lines = text.split("\n").map((l) => l.trim()).filter(Boolean);
  return (lines.find((l) => /^(fatal|error): /.test(l)) ?? lines[0] ?? text).replace(/^(fatal|error): /, "");
}

export function isGitRepo(dir: string): boolean {
  return existsSync(join(dir, ".git"));
}

/** The main checkout of the repo that `dir` belongs to, also from inside one of its linked worktrees. */
export async function mainCheckoutOf(dir: string): Promise<string | undefined> {
  // A repo root whose .git is a directory is its own main checkout (a linked worktree's or a submodule's .git is a
  // file), named by its real path as git names it: no process. GIT_DIR and GIT_COMMON_DIR are git's to resolve.
  if (!process.env.GIT_DIR && !process.env.GIT_COMMON_DIR && statSync(join(dir, ".git"), { throwIfNoEntry: false })?.isDirectory()) {
    return realpathSync(dir);
  }
  const common = await out(dir, ["rev-parse", "--path-format=absolute", "--git-common-dir"]);
  if (!common) return undefined;
  return common.endsWith("/.git") ? dirname(common) : undefined;
}

export async function currentBranch(dir: string): Promise<string | undefined> {
  return (await out(dir, ["symbolic-ref", "-q", "--short", "HEAD"])) || undefined;
}

type WorktreeEntry = { path: string; branch?: string; prunable: boolean };

async function listWorktrees(root: string): Promise<WorktreeEntry[]> {
  const read = worktreesFromFiles(root);
  if (read) return read;
  const text = await out(root, ["worktree", "list", "--porcelain"]);
  const entries: WorktreeEntry[] = [];
  for (const block of text.split(/\n\n+/)) {
    const lines = block.split("\n");
    const path = lines.find((l) => l.startsWith("worktree "))?.slice(9);
    if (!path) continue;
    const branch = lines.find((l) => l.startsWith("branch "))?.slice(7);
    entries.push({ path, branch, prunable: lines.some((l) => l.startsWith("prunable")) });
  }
  return entries;
}

const real = (p: string) => {
  try {
    return realpathSync(p);
  } catch {
    return resolve(p);
  }
};

function statusPaths(porcelainZ: string): string[] {
  // -z: entries "XY path\0" (untrimmed: X may be a space), renames followed by their source path as an extra entry.
  const items = porcelainZ.split("\0").filter(Boolean);
  const paths: string[] = [];
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!;
    paths.push(item.slice(3));
    if (item[0] === "R" || item[0] === "C") i++;
  }
  return paths;
}

// A repo's common git dir does not move while a command runs: asked once per repo (probe, then exclude).
const commonDirs = new Map<string, Promise<string>>();
const commonDir = (root: string) => {
  let dir = commonDirs.get(root);
  if (!dir) commonDirs.set(root, (dir = out(root, ["rev-parse", "--path-format=absolute", "--git-common-dir"]).then((c) => c || join(root, ".git"))));
  return dir;
};

/** HEAD's commit and the branch checked out (undefined: detached), with the common git dir learnt on the way, in
 *  one git command; a repo without a commit yet is asked the usual way. */
async function headOf(root: string): Promise<[string, string | undefined]> {
  const gitDir = plainGitDir(root);
  const read = gitDir && readHead(gitDir);
  if (gitDir && read) {
    if (!commonDirs.has(root)) commonDirs.set(root, Promise.resolve(realpathSync(gitDir)));
    return [read.sha, read.branch];
  }
  const r = await exec(root, ["rev-parse", "--path-format=absolute", "--git-common-dir", "HEAD", "--symbolic-full-name", "HEAD"]);
  const [common, sha, full] = r.stdout.trim().split("\n");
  if (r.ok && common && sha && full) {
    if (!commonDirs.has(root)) commonDirs.set(root, Promise.resolve(common));
    return [sha, full.startsWith("refs/heads/") ? full.slice("refs/heads/".length) : undefined];
  }
  return Promise.all([out(root, ["rev-parse", "--verify", "-q", "HEAD"]), currentBranch(root)]);
}

async function excludeFile(root: string): Promise<string> {
  return join(await commonDir(root), "info", "exclude");
}

/** Whether git records a worktree whose directory is gone (what `git worktree prune` removes), read from the
 *  records themselves: each `worktrees/<id>/gitdir` names the `.git` file inside its worktree. */
function staleWorktreeRecords(common: string): boolean {
  const records = join(common, "worktrees");
  if (!existsSync(records)) return false;
  return readdirSync(records).some((id) => {
    try {
      return !existsSync(readFileSync(join(records, id, "gitdir"), "utf8").trim());
    } catch {
      return true; // a record git cannot read either: prune decides
    }
  });
}

const EXCLUDE_LINE = `/${WORKTREES_DIR}/`;
const excludes = (text: string) => text.split(/\r?\n/).some((l) => [EXCLUDE_LINE, `${WORKTREES_DIR}/`, `/${WORKTREES_DIR}`, WORKTREES_DIR].includes(l.trim()));

/** `for-each-ref --format=%(refname)%00%(worktreepath)` of the branch and origin's, read from a plain repo's files
 *  (git/ref-files.ts); undefined: ask git. */
function tipsFromFiles(root: string, ref: string, remote: string): [string, string?][] | undefined {
  const gitDir = plainGitDir(root);
  if (!gitDir) return undefined;
  const [tip, remoteTip] = [readRef(gitDir, ref), readRef(gitDir, remote)];
  if (tip === undefined || remoteTip === undefined) return undefined;
  const rows: [string, string?][] = [];
  if (tip) {
    const worktrees = worktreesFromFiles(root);
    if (!worktrees) return undefined;
    rows.push([ref, worktrees.find((w) => w.branch === ref)?.path ?? ""]);
  }
  if (remoteTip) rows.push([remote, ""]);
  return rows;
}

/** Everything the worktree plan needs to know about one repo. Read-only. */
export async function probeRepo(root: string, branch: string, worktree: string): Promise<RepoFacts> {
  const ref = `refs/heads/${branch}`;
  // Where the branch is checked out comes with the refs (`%(worktreepath)`); the worktree list is read only when
  // something is at the worktree's path (a new change's path is absent: one git command fewer per repo).
  const [[head, headBranch], tips, entries, dirtyZ] = await Promise.all([
    headOf(root),
    // The branch and origin's, from the ref files or in one git command (`for-each-ref` names exactly these refs, or nothing).
    tipsFromFiles(root, ref, `refs/remotes/origin/${branch}`) ??
      out(root, ["for-each-ref", "--format=%(refname)%00%(worktreepath)", ref, `refs/remotes/origin/${branch}`]).then((t) => t.split("\n").map((l) => l.split("\0") as [string, string?])),
    existsSync(worktree) ? listWorktrees(root) : Promise.resolve([]),
    exec(root, ["status", "--porcelain=v1", "-z", "--untracked-files=no"]).then((r) => (r.ok ? r.stdout : "")),
  ]);
  const live = entries.filter((e) => !e.prunable);
  const at = live.find((e) => real(e.path) === real(worktree));
  // A worktree whose directory is gone is prunable: it holds the branch for nobody (as the live list says).
  const heldAt = tips.find(([name]) => name === ref)?.[1];
  const holder = heldAt && existsSync(heldAt) ? { path: heldAt } : undefined;
  let pathState: RepoFacts["path_state"] = "absent";
  if (at) pathState = at.branch === ref ? "worktree" : "other-worktree";
  else if (existsSync(worktree)) pathState = readdirSync(worktree).length === 0 ? "empty" : "occupied";
  const tip = tips.some(([name]) => name === ref) ? ref : "";
  const remoteTip = tips.some(([name]) => name === `refs/remotes/origin/${branch}`);
  const worktreeDirty = at ? statusPaths((await exec(worktree, ["status", "--porcelain=v1", "-z"])).stdout) : [];
  let unmerged = 0;
  if (tip && head) unmerged = Number(await out(root, ["rev-list", "--count", `HEAD..${ref}`])) || 0;
  const exclude = await excludeFile(root);
  return {
    head: head || null,
    head_branch: headBranch ?? null,
    branch_exists: tip !== "",
    remote_branch: remoteTip,
    checked_out_at: holder ? holder.path : null,
    path_state: pathState,
    dirty: statusPaths(dirtyZ),
    worktree_dirty: worktreeDirty,
    unmerged_commits: unmerged,
    excluded: existsSync(exclude) && excludes(readFileSync(exclude, "utf8")),
  };
}

/** An undo step: what this run did, and how to take it back. */
export type Undo = { what: string; undo: () => Promise<void> };

/** Add `/.worktrees/` to the repo's .git/info/exclude so worktrees never show as untracked. */
export async function excludeWorktrees(root: string): Promise<Undo | undefined> {
  const path = await excludeFile(root);
  const before = existsSync(path) ? readFileSync(path, "utf8") : undefined;
  if (before !== undefined && excludes(before)) return undefined;
  const text = before ?? "";
  writeFileAtomic(path, `${text}${text === "" || text.endsWith("\n") ? "" : "\n"}# blue realm worktree\n${EXCLUDE_LINE}\n`);
  return {
    what: `${path}: ${EXCLUDE_LINE}`,
    undo: async () => (before === undefined ? rmSync(path, { force: true }) : writeFileAtomic(path, before)),
  };
}

export async function createBranch(root: string, branch: string, start: string): Promise<Undo> {
  await run(root, ["branch", "--no-track", branch, start], `git branch ${branch}`);
  return { what: `branch ${branch}`, undo: () => run(root, ["branch", "-D", branch], `git branch -D ${branch}`).then(() => undefined) };
}

export async function addWorktree(root: string, path: string, branch: string): Promise<Undo> {
  mkdirSync(dirname(path), { recursive: true });
  // A worktree dir deleted by hand stays registered until pruned, and then blocks the branch.
  if (staleWorktreeRecords(await commonDir(root))) await run(root, ["worktree", "prune"], "git worktree prune");
  const undo: Undo = {
    what: `worktree ${path}`,
    undo: async () => {
      await run(root, ["worktree", "remove", "--force", "--force", path], "git worktree remove").catch(() => undefined);
      rmSync(path, { recursive: true, force: true });
      await run(root, ["worktree", "prune"], "git worktree prune").catch(() => undefined);
    },
  };
  try {
    await run(root, ["worktree", "add", "-q", path, branch], `git worktree add ${path}`);
  } catch (e) {
    // git may have made the worktree before failing (a post-checkout hook's exit status is git's): take it back.
    if (existsSync(path)) await undo.undo();
    throw e;
  }
  return undo;
}

export async function removeWorktree(root: string, path: string, force: boolean): Promise<void> {
  await run(root, ["worktree", "remove", ...(force ? ["--force"] : []), path], `git worktree remove ${path}`);
}

export async function deleteBranch(root: string, branch: string): Promise<void> {
  await run(root, ["branch", "-D", branch], `git branch -D ${branch}`);
}

/** Clone into a temp dir beside `dest`, then rename into place: a failed clone leaves nothing. */
export async function cloneCheckout(url: string, dest: string): Promise<Undo> {
  assertSafeUrl(url);
  mkdirSync(dirname(dest), { recursive: true });
  const tmp = `${dest}.cloning-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  const r = await exec(dirname(dest), ["clone", "-q", "--", url, tmp]);
  if (!r.ok) {
    rmSync(tmp, { recursive: true, force: true });
    throw new Unreachable(`cannot clone ${url}: ${gitCause(r.stderr)}`, "Check the url in the realm's repos/<repo>.yaml and your git credentials.");
  }
  renameSync(tmp, dest);
  return { what: `clone ${dest}`, undo: async () => rmSync(dest, { recursive: true, force: true }) };
}

export async function originUrl(root: string): Promise<string | undefined> {
  return (await out(root, ["remote", "get-url", "origin"])) || undefined;
}

/** The branch a feature branch merges into: origin's HEAD, else the main checkout's branch, else main. */
export async function baseBranch(root: string, feature: string): Promise<string> {
  const remoteHead = await out(root, ["symbolic-ref", "-q", "--short", "refs/remotes/origin/HEAD"]);
  if (remoteHead.startsWith("origin/")) return remoteHead.slice(7);
  const here = await currentBranch(root);
  return here && here !== feature ? here : "main";
}

export async function branchExists(root: string, branch: string): Promise<boolean> {
  return (await out(root, ["rev-parse", "--verify", "-q", `refs/heads/${branch}`])) !== "";
}

/** The commit a local branch points at, or null when it does not exist. */
export async function branchSha(root: string, branch: string): Promise<string | null> {
  return (await out(root, ["rev-parse", "--verify", "-q", `refs/heads/${branch}`])) || null;
}

/** Push the branch to origin; returns whether the remote moved (false: it was already there). */
export async function pushBranch(root: string, branch: string): Promise<boolean> {
  const ref = `refs/heads/${branch}`;
  const r = await exec(root, ["push", "--porcelain", "-u", "origin", `${ref}:${ref}`]);
  if (r.ok) {
    // --porcelain: one line per ref, flag "=" when the remote already had it.
    const line = r.stdout.split("\n").find((l) => l.includes(`${ref}:${ref}`));
    return !line?.startsWith("=");
  }
  // A hook or a rule on origin's side (pre-receive, branch protection): origin says why.
  if (/remote rejected|hook declined/i.test(r.stdout + r.stderr)) {
    const said = `${r.stdout}\n${r.stderr}`.split("\n").find((l) => /remote rejected|declined/i.test(l)) ?? "";
    throw new GitError(`origin refused the push of ${branch}: ${said.replace(/^[!\s]*\S*refs\/heads\/\S+\s*/, "").trim() || gitCause(r.stderr)}`, "Fix what origin objects to, then run the command again: it goes on where it stopped.");
  }
  if (/rejected|non-fast-forward|fetch first/i.test(r.stdout + r.stderr)) {
    throw new GitError(`push of ${branch} was rejected: origin has commits the local branch lacks`, "Merge or rebase onto origin's branch (git pull), then run 'blue realm pr' again.");
  }
  throw new Unreachable(`git push of ${branch} failed: ${gitCause(r.stderr)}`, "Check the origin remote and your git credentials.");
}

/** The live worktrees of the repo at `root` (the main checkout included), with their real paths and checked-out refs. */
export async function worktreesOf(root: string): Promise<{ path: string; branch: string | null }[]> {
  return (await listWorktrees(root)).filter((e) => !e.prunable).map((e) => ({ path: real(e.path), branch: e.branch ?? null }));
}

/** Changed, staged and untracked (not ignored) files of the work tree at `dir`. */
export async function uncommittedFiles(dir: string): Promise<string[]> {
  return statusPaths(await run(dir, ["status", "--porcelain=v1", "-z"], "git status"));
}

/**
 * Whether pushing the branch to origin would be accepted, asked of origin itself (`git push --dry-run`, which uses
 * the push URL and changes nothing): "rejected" when origin's branch has commits the local one lacks.
 */
export async function pushCheck(root: string, branch: string): Promise<"ok" | "rejected"> {
  const ref = `refs/heads/${branch}`;
  const r = await exec(root, ["push", "--dry-run", "--porcelain", "origin", `${ref}:${ref}`]);
  if (r.ok) return "ok";
  if (/rejected|non-fast-forward|fetch first/i.test(r.stdout + r.stderr)) return "rejected";
  throw new Unreachable(`git push --dry-run of ${branch} failed in ${root}: ${gitCause(r.stderr)}`, "Check the origin remote and your git credentials.");
}

/** The branch as origin has it (fetched into origin/<branch>): whether pushed, and commits each side lacks. */
export async function remoteBranchState(root: string, branch: string, base: string) {
  const remoteSha = (await out(root, ["ls-remote", "origin", `refs/heads/${branch}`])).split(/\s/)[0] ?? "";
  await exec(root, ["fetch", "-q", "origin", `+refs/heads/${base}:refs/remotes/origin/${base}`]);
  const local = `refs/heads/${branch}`;
  const count = async (range: string) => Number(await out(root, ["rev-list", "--count", range])) || 0;
  let ahead = 0;
  let behind = 0;
  if (remoteSha) {
    await exec(root, ["fetch", "-q", "origin", `+refs/heads/${branch}:refs/remotes/origin/${branch}`]);
    ahead = await count(`refs/remotes/origin/${branch}..${local}`);
    behind = await count(`${local}..refs/remotes/origin/${branch}`);
  }
  const baseRef = `refs/remotes/origin/${base}`;
  const hasBase = (await out(root, ["rev-parse", "--verify", "-q", baseRef])) !== "";
  const commits = hasBase ? await count(`${baseRef}..${local}`) : null;
  // Merged: origin's base has every commit of the branch (a branch with no commits of its own counts too).
  return { pushed: remoteSha !== "", ahead, behind, commits, merged: commits === 0 };
}
