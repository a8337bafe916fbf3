// git/ref-files.ts against git's own answers on generated repos, seeded (listRefs against for-each-ref too): HEAD (on a branch, detached), refs loose,
// packed, loose over a stale packed line, deleted after packing; linked worktrees on a branch or detached, one whose
// directory was deleted (prunable), one locked and deleted (not prunable). When the file reader answers, it answers
// as `rev-parse`, `for-each-ref` and `worktree list --porcelain` do; it may decline (undefined: git is asked).
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { listRefs, plainGitDir, readHead, readRef, worktreesFromFiles } from "../../src/git/ref-files.ts";
import { git, useGitIdentity } from "../git-world.ts";
import { rng } from "../seeded.ts";

useGitIdentity();
const root = realpathSync(mkdtempSync(join(tmpdir(), "blue-ref-files-")));
afterAll(() => rmSync(root, { recursive: true, force: true }));


const gitMay = (cwd: string, ...args: string[]): string => {
  try {
    return git(cwd, ...args);
  } catch {
    return "";
  }
};

/** `git worktree list --porcelain`, as blue reads it, in path order. */
function listed(repo: string) {
  return git(repo, "worktree", "list", "--porcelain")
    .split(/\n\n+/)
    .map((block) => {
      const lines = block.split("\n");
      const branch = lines.find((l) => l.startsWith("branch "))?.slice(7);
      return { path: lines.find((l) => l.startsWith("worktree "))!.slice(9), ...(branch ? { branch } : {}), prunable: lines.some((l) => l.startsWith("prunable")) };
    })
    .sort((a, b) => (a.path < b.path ? -1 : 1));
}

describe("ref files agree with git", () => {
  test("30 generated repos (seed 11): HEAD, refs and worktrees", () => {
    const rand = rng(11);
    const names = ["feat/a", "feat/b-c", "feat/d/e", "topic"];
    let refsAnswered = 0;
    let listsAnswered = 0;
    for (let n = 0; n < 30; n++) {
      const repo = join(root, `r${n}`);
      git(root, "init", "-q", "-b", "main", repo);
      writeFileSync(join(repo, "f"), `${n}\n`);
      git(repo, "add", "f");
      git(repo, "commit", "-qm", "one");
      const first = git(repo, "rev-parse", "HEAD");
      git(repo, "commit", "-q", "--allow-empty", "-m", "two");
      const made = names.filter(() => rand() < 0.7);
      for (const b of made) git(repo, "branch", b, rand() < 0.5 ? "HEAD" : first);
      const free = [...made];
      // Linked worktrees: on a branch, detached; some deleted by hand (prunable), one of those locked.
      for (let w = 0; w < 3; w++) {
        if (rand() < 0.4) continue;
        const dir = join(root, `r${n}-wt${w}`);
        const branch = free.shift();
        if (branch && rand() < 0.7) git(repo, "worktree", "add", "-q", dir, branch);
        else git(repo, "worktree", "add", "-q", "--detach", dir, "HEAD");
        if (rand() < 0.3) {
          if (rand() < 0.5) git(repo, "worktree", "lock", dir);
          rmSync(dir, { recursive: true, force: true });
        }
      }
      if (rand() < 0.5) git(repo, "pack-refs", "--all");
      if (made.length && rand() < 0.4) git(repo, "update-ref", `refs/heads/${made[made.length - 1]}`, first);
      if (made.length > 1 && rand() < 0.3 && free.includes(made[0]!)) git(repo, "branch", "-q", "-D", made[0]!);
      if (rand() < 0.3) git(repo, "checkout", "-q", "--detach", first);

      const gitDir = plainGitDir(repo)!;
      expect(gitDir).toBe(join(repo, ".git"));
      const head = readHead(gitDir);
      if (head) expect({ n, head }).toEqual({ n, head: { sha: git(repo, "rev-parse", "HEAD"), branch: gitMay(repo, "symbolic-ref", "-q", "--short", "HEAD") || undefined } });
      for (const ref of [...names.map((b) => `refs/heads/${b}`), "refs/heads/main", "refs/heads/none", "refs/heads/feat"]) {
        const read = readRef(gitDir, ref);
        if (read === undefined) continue;
        refsAnswered++;
        expect({ n, ref, read }).toEqual({ n, ref, read: gitMay(repo, "rev-parse", "--verify", "-q", ref) || null });
      }
      const branches = listRefs(gitDir, ["refs/heads"]);
      if (branches) {
        const heads = git(repo, "for-each-ref", "--format=%(refname) %(objectname)", "refs/heads/");
        expect({ n, branches: [...branches].map(([r, id]) => `${r} ${id}`).sort() }).toEqual({ n, branches: heads.split("\n").filter(Boolean).sort() });
      }
      const worktrees = worktreesFromFiles(repo);
      if (worktrees) {
        listsAnswered++;
        expect({ n, worktrees: [...worktrees].sort((a, b) => (a.path < b.path ? -1 : 1)) }).toEqual({ n, worktrees: listed(repo) });
      }
    }
    // Plain repos: the files answer nearly everything.
    expect(refsAnswered).toBeGreaterThan(150);
    expect(listsAnswered).toBe(30);
  });

  test("declines: a linked worktree's own .git file, GIT_DIR set, a HEAD on a branch with no commit yet", () => {
    const repo = join(root, "odd");
    git(root, "init", "-q", "-b", "main", repo);
    expect(readHead(plainGitDir(repo)!)).toBeUndefined();
    git(repo, "commit", "-q", "--allow-empty", "-m", "one");
    git(repo, "worktree", "add", "-q", "-b", "w", join(root, "odd-wt"));
    expect(plainGitDir(join(root, "odd-wt"))).toBeUndefined();
    expect(worktreesFromFiles(join(root, "odd-wt"))).toBeUndefined();
    process.env.GIT_DIR = join(repo, ".git");
    try {
      expect(plainGitDir(repo)).toBeUndefined();
    } finally {
      delete process.env.GIT_DIR;
    }
    expect(readHead(plainGitDir(repo)!)?.branch).toBe("main");
  });
});
