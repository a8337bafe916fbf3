// The repo around a directory, found without loading anything else: a warm `blue realm check` starts here.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

export const CONFIG_PATH = join(".blue", "config.yaml");

/** The top of the git work tree containing `dir` (a `.git` directory or worktree file), or undefined. */
export function findRepoRoot(dir: string = process.cwd()): string | undefined {
  for (let d = resolve(dir); ; d = dirname(d)) {
    if (existsSync(join(d, ".git"))) return d;
    if (dirname(d) === d) return undefined;
  }
}

/** The branch checked out in the work tree at `root` (a main checkout or a linked worktree), read from its HEAD
 *  without running git; null when HEAD is detached or cannot be read. */
export function checkedOutBranch(root: string): string | null {
  try {
    const dotGit = join(root, ".git");
    // A linked worktree's .git is a file naming its own git dir: "gitdir: /repo/.git/worktrees/feat-x".
    const gitDir = existsSync(join(dotGit, "HEAD")) ? dotGit : resolve(root, readFileSync(dotGit, "utf8").replace(/^gitdir: /, "").trim());
    return readFileSync(join(gitDir, "HEAD"), "utf8").match(/^ref: refs\/heads\/(.+)$/m)?.[1]?.trim() ?? null;
  } catch {
    return null;
  }
}
