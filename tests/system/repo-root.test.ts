import { describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkedOutBranch, findRepoRoot } from "../../src/system/repo-root.ts";

function git(cwd: string, ...args: string[]): string {
  const r = spawnSync("git", ["-c", "user.name=T", "-c", "user.email=t@example.com", "-c", "init.defaultBranch=main", ...args], { cwd, encoding: "utf8" });
  if (r.status !== 0) throw new Error(r.stderr);
  return r.stdout.trim();
}

describe("the work tree around a directory", () => {
  test("the branch checked out in a main checkout, a linked worktree, and none when detached", () => {
    const dir = mkdtempSync(join(tmpdir(), "blue-root-"));
    const repo = join(dir, "aperture");
    git(dir, "init", "-q", repo);
    writeFileSync(join(repo, "README.md"), "x\n");
    git(repo, "add", "README.md");
    git(repo, "commit", "-qm", "initial");
    const worktree = join(dir, "aperture-feat-x");
    git(repo, "worktree", "add", "-q", "-b", "feat/x", worktree);
    expect(checkedOutBranch(repo)).toBe("main");
    expect(findRepoRoot(worktree)).toBe(worktree);
    expect(checkedOutBranch(worktree)).toBe("feat/x");
    git(worktree, "checkout", "-q", "--detach");
    expect(checkedOutBranch(worktree)).toBeNull();
    expect(checkedOutBranch(join(dir, "nowhere"))).toBeNull();
  });
});
