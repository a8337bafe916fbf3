// What `blue realm pr` reads of one member repo before it pushes, in as few git commands as git allows: the
// feature branch's commit and origin's HEAD (from the ref files of a plain repo, else one `for-each-ref`); then, only for a repo that has the branch, its
// origin, its worktrees (the main checkout's branch among them) and, when asked, origin's answer to a dry-run push,
// at once, and the uncommitted files of the worktree that has the branch checked out as soon as the worktree list
// names it (beside the push). Each answer is the one the single questions in git/worktree.ts give
// (branchExists/branchSha, baseBranch, originUrl, worktreesOf, pushCheck, uncommittedFiles).
import { realpathSync } from "node:fs";
import { resolve } from "node:path";
import { publicUrl } from "./public-url.ts";
import { plainGitDir, readRef, readSymref } from "./ref-files.ts";
import { runBounded } from "../system/subprocess.ts";
import { currentBranch, originUrl, pushCheck, uncommittedFiles, worktreesOf } from "./worktree.ts";

export type FeatureBranchFacts = {
  /** The branch's commit. */
  sha: string;
  /** The branch it merges into: origin's HEAD, else the branch checked out at `root` (unless it is the feature branch), else main. */
  base: string;
  remote_url: string | null;
  /** The live worktrees (the main checkout included), real paths and checked-out refs. */
  worktrees: { path: string; branch: string | null }[];
  /** What origin says of pushing the branch (`askOrigin` only); null when not asked or there is no origin. */
  push: "ok" | "rejected" | null;
  /** The worktree that has the branch checked out, and its changed, staged and untracked files (`askOrigin` only: [] otherwise). */
  checkout: string | null;
  uncommitted: string[];
};

const real = (p: string) => {
  try {
    return realpathSync(p);
  } catch {
    return resolve(p);
  }
};

/** The facts, or null when the repo has no branch `branch`. */
export async function featureBranchFacts(root: string, branch: string, opts: { askOrigin: boolean } = { askOrigin: false }): Promise<FeatureBranchFacts | null> {
  const ref = `refs/heads/${branch}`;
  const refs = refsFromFiles(root, ref) ?? (await refsFromGit(root, ref));
  if (!refs) return null;
  const { sha, originHead } = refs;
  // The dry-run push is asked alongside the origin's URL; its answer counts only when there is an origin (without
  // one it fails, and the refusal is "no origin").
  const asked = opts.askOrigin ? pushCheck(root, branch).then((v) => ({ v }), (e: unknown) => ({ e })) : undefined;
  const listed = worktreesOf(root);
  const dirty = listed.then(async (wts) => {
    const checkout = wts.find((w) => w.branch === ref)?.path ?? null;
    return { checkout, uncommitted: checkout && opts.askOrigin ? await uncommittedFiles(checkout) : [] };
  });
  const [url, worktrees, push, { checkout, uncommitted }] = await Promise.all([originUrl(root), listed, asked, dirty]);
  if (url && push && "e" in push) throw push.e;
  const at = worktrees.find((w) => w.path === real(root));
  // The worktree list names what is checked out at root; a root it does not list is asked directly.
  const here = at ? at.branch?.replace(/^refs\/heads\//, "") : await currentBranch(root);
  const base = originHead.startsWith("refs/remotes/origin/") ? originHead.slice("refs/remotes/origin/".length) : here && here !== branch ? here : "main";
  // The origin as it is recorded and shown (the set's record in the realm, --json): without credentials.
  return { sha, base, remote_url: url ? publicUrl(url) : null, worktrees, push: url && push && "v" in push ? push.v : null, checkout, uncommitted };
}

type BranchRefs = { sha: string; originHead: string };

/** The branch's commit and origin's HEAD (the ref it names, or "") from one `for-each-ref`; null when there is no such branch. */
export async function refsFromGit(root: string, ref: string): Promise<BranchRefs | null> {
  const r = await runBounded(["git", "for-each-ref", "--format=%(refname)%00%(objectname)%00%(symref)", ref, "refs/remotes/origin/HEAD"], {
    cwd: root,
    env: { ...process.env, GIT_TERMINAL_PROMPT: "0" },
    timeoutMs: 60_000,
  });
  if (r.code !== 0) return null;
  // A pattern matches by whole path components: refs/heads/feat/x also lists refs/heads/feat/x/y, so names are compared.
  const rows = r.stdout.split("\n").filter(Boolean).map((l) => l.split("\0") as [string, string, string]);
  const sha = rows.find(([name]) => name === ref)?.[1];
  return sha ? { sha, originHead: rows.find(([name]) => name === "refs/remotes/origin/HEAD")?.[2] ?? "" } : null;
}

/**
 * The same answer read from a plain repo's ref files without a process (git/ref-files.ts): undefined (ask git) for
 * anything else, a symbolic feature branch among it.
 */
export function refsFromFiles(root: string, ref: string): BranchRefs | null | undefined {
  const gitDir = plainGitDir(root);
  if (!gitDir) return undefined;
  const sha = readRef(gitDir, ref);
  if (sha === null || sha === undefined) return sha;
  const originHead = readSymref(gitDir, "refs/remotes/origin/HEAD");
  return originHead === undefined ? undefined : { sha, originHead };
}
