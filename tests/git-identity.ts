// For unit tests whose code under test runs git with this process's environment: a git identity for one test file
// only (other files share the process, and some read authors from their commits), and a plain `git` that throws.
import { afterAll, beforeAll } from "bun:test";
import { spawnSync } from "node:child_process";

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
