// For unit tests whose code under test runs git with this process's environment: a git identity for one test file
// only (other files share the process, and some read authors from their commits), a plain `git` that throws, and
// the smallest realm remote two machines share.
import { afterAll, beforeAll } from "bun:test";
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";

const IDENTITY = { GIT_AUTHOR_NAME: "T", GIT_AUTHOR_EMAIL: "t@example.com", GIT_COMMITTER_NAME: "T", GIT_COMMITTER_EMAIL: "t@example.com", GIT_CONFIG_NOSYSTEM: "1" };

/** Call at the top of a test file: sets the identity before its tests, restores the environment after them. */
export function useGitIdentity(): void {
  const before = Object.fromEntries(Object.keys(IDENTITY).map((k) => [k, process.env[k]]));
  beforeAll(() => Object.assign(process.env, IDENTITY));
  afterAll(() => {
    for (const [k, v] of Object.entries(before)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });
}

export function git(cwd: string, ...args: string[]): string {
  const r = spawnSync("git", args, { cwd, env: process.env, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`git ${args.join(" ")}: ${r.stderr}`);
  return r.stdout.trim();
}

/** A bare realm remote under `root` with one commit (realm.yaml) on main, and two machines' clones of it. */
export function realmWithTwoClones(root: string): { realm: string; seed: string; clones: string[] } {
  const realm = join(root, "realm.git");
  git(root, "init", "-q", "--bare", "-b", "main", realm);
  const seed = join(root, "seed");
  git(root, "init", "-q", "-b", "main", seed);
  writeFileSync(join(seed, "realm.yaml"), "name: rc\n");
  git(seed, "add", ".");
  git(seed, "commit", "-qm", "init");
  git(seed, "push", "-q", realm, "main");
  const clones = ["a", "b"].map((m) => {
    const c = join(root, `clone-${m}`);
    git(root, "clone", "-q", realm, c);
    return c;
  });
  return { realm, seed, clones };
}
