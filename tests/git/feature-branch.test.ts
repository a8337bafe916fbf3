// The feature branch's commit and origin's HEAD read from the ref files (git/feature-branch.ts refsFromFiles) against
// git's own answer (`for-each-ref`, refsFromGit) on generated repos, seeded: loose and packed refs, a loose ref over a
// stale packed line, origin/HEAD set or not, branches whose names nest (feat/x beside feat/x-y), a missing branch.
// The file reader may decline (undefined: git is asked); when it answers, it answers as git does.
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { refsFromFiles, refsFromGit } from "../../src/git/feature-branch.ts";
import { git, useGitIdentity } from "../git-world.ts";
import { rng } from "../seeded.ts";

useGitIdentity();
const root = mkdtempSync(join(tmpdir(), "blue-refs-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));


describe("refsFromFiles agrees with for-each-ref", () => {
  test("40 generated repos (seed 23)", async () => {
    const rand = rng(23);
    const pick = <T,>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
    let answered = 0;
    for (let n = 0; n < 40; n++) {
      const repo = join(root, `r${n}`);
      git(root, "init", "-q", "-b", "main", repo);
      writeFileSync(join(repo, "f"), `${n}\n`);
      git(repo, "add", "f");
      git(repo, "commit", "-qm", "one");
      const first = git(repo, "rev-parse", "HEAD");
      git(repo, "commit", "-q", "--allow-empty", "-m", "two");
      const names = ["feat/x", "feat/x-y", "feat/a/b", "main2"].filter(() => rand() < 0.6);
      for (const b of names) git(repo, "branch", b, pick(["HEAD", first]));
      if (rand() < 0.5) {
        const bare = join(root, `o${n}.git`);
        git(root, "init", "-q", "--bare", "-b", "main", bare);
        git(repo, "remote", "add", "origin", bare);
        git(repo, "push", "-q", "origin", "main");
        git(repo, "fetch", "-q", "origin");
        if (rand() < 0.7) git(repo, "remote", "set-head", "origin", "main");
      }
      if (rand() < 0.5) git(repo, "pack-refs", "--all");
      // A loose ref written over its packed line: the loose one is the ref.
      if (names.length && rand() < 0.4) git(repo, "update-ref", `refs/heads/${names[0]}`, pick(["HEAD", first]));
      for (const branch of [...names, "feat/none", "feat"]) {
        const ref = `refs/heads/${branch}`;
        const files = refsFromFiles(repo, ref);
        if (files === undefined) continue;
        answered++;
        expect({ repo: n, branch, refs: files }).toEqual({ repo: n, branch, refs: await refsFromGit(repo, ref) });
      }
    }
    // Plain repos: the files answer every question.
    expect(answered).toBeGreaterThan(100);
  });

  test("declines what it cannot read surely: GIT_DIR set, a linked worktree, a symbolic branch", () => {
    const repo = join(root, "odd");
    git(root, "init", "-q", "-b", "main", repo);
    git(repo, "commit", "-q", "--allow-empty", "-m", "one");
    git(repo, "symbolic-ref", "refs/heads/alias", "refs/heads/main");
    expect(refsFromFiles(repo, "refs/heads/alias")).toBeUndefined();
    git(repo, "worktree", "add", "-q", "-b", "feat/w", join(root, "odd-wt"));
    expect(refsFromFiles(join(root, "odd-wt"), "refs/heads/feat/w")).toBeUndefined();
    process.env.GIT_DIR = join(repo, ".git");
    try {
      expect(refsFromFiles(repo, "refs/heads/main")).toBeUndefined();
    } finally {
      delete process.env.GIT_DIR;
    }
    expect(refsFromFiles(repo, "refs/heads/main")?.sha).toBe(git(repo, "rev-parse", "main"));
  });
});
