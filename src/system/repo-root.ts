// The repo around a directory, found without loading anything else: a warm `blue realm check` starts here.
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

export const CONFIG_PATH = join(".blue", "config.yaml");

/** The top of the git work tree containing `dir` (a `.git` directory or worktree file), or undefined. */
export function findRepoRoot(dir: string = process.cwd()): string | undefined {
  for (let d = resolve(dir); ; d = dirname(d)) {
    if (existsSync(join(d, ".git"))) return d;
    if (dirname(d) === d) return undefined;
  }
}
