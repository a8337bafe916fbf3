// The git operations blue does in a member repo's own history: whether a file is committed, which of some files
// git would commit, and committing exactly those (`blue realm admin join --commit`), never anything else.
import { GitError } from "../errors.ts";
import { runBounded } from "../system/subprocess.ts";
import { gitCause } from "./worktree.ts";
import { requireGitIdentity } from "./identity.ts";

// A commit runs the user's hooks and signing: as long as they take, within reason.
const TIMEOUT_MS = 10 * 60 * 1000;
async function exec(dir: string, args: string[]) {
  const r = await runBounded(["git", ...args], { cwd: dir, env: { ...process.env, GIT_TERMINAL_PROMPT: "0" }, timeoutMs: TIMEOUT_MS });
  return { ok: r.code === 0, stdout: r.stdout, stderr: r.timedOut ? `fatal: git ${args[0]} timed out` : r.stderr };
}

/** Whether HEAD has the file: a config that came with the repo (a teammate's clone), not one written here. */
export async function isCommitted(root: string, path: string): Promise<boolean> {
  return (await exec(root, ["cat-file", "-e", `HEAD:${path}`])).ok;
}

/** Those of `paths` that are new or changed against HEAD (staged or not): what a commit of them would carry. */
export async function changedPaths(root: string, paths: readonly string[]): Promise<string[]> {
  const r = await exec(root, ["status", "--porcelain=v1", "-z", "--untracked-files=all", "--", ...paths]);
  if (!r.ok) throw new GitError(`git status failed: ${gitCause(r.stderr)}`, `Run 'git status' in ${root} to see what git says.`);
  const changed = new Set(r.stdout.split("\0").filter(Boolean).map((e) => e.slice(3)));
  return paths.filter((p) => changed.has(p));
}

/**
 * Commit exactly `paths` with `message`: `git commit --only` leaves whatever else is staged staged and out of the
 * commit. Returns the new commit's short id.
 */
export async function commitPaths(root: string, paths: readonly string[], message: string): Promise<string> {
  await requireGitIdentity(root, "this repo");
  for (const args of [
    ["add", "--", ...paths],
    ["commit", "-q", "--only", "-m", message, "--", ...paths],
  ]) {
    const r = await exec(root, args);
    if (!r.ok) throw new GitError(`git ${args[0]} failed: ${gitCause(r.stderr || r.stdout)}`, `Commit them yourself: git add ${paths.join(" ")} && git commit -m '${message}'`);
  }
  return (await exec(root, ["rev-parse", "--short", "HEAD"])).stdout.trim();
}
