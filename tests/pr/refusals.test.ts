import { describe, expect, test } from "bun:test";
import { prRefusals, refusalText, type PrRepoFacts } from "../../src/pr/refusals.ts";

const facts = (repo: string, extra: Partial<PrRepoFacts> = {}): PrRepoFacts => ({
  repo,
  root: `/src/${repo}`,
  branch: "feat/x",
  remote_url: `file:///remotes/${repo}.git`,
  checkout: `/src/${repo}/.worktrees/feat-x`,
  uncommitted: [],
  push: "ok",
  ...extra,
});

describe("what stops blue realm pr before its first push", () => {
  test("a clean repo with an origin that takes the push is no refusal", () => {
    expect(prRefusals([facts("a"), facts("b", { checkout: null })])).toEqual([]);
  });

  test("each problem of each repo is named, in the order the repos come", () => {
    const r = prRefusals([
      facts("b", { remote_url: null, push: null }),
      facts("a", { uncommitted: ["x.txt", "y.txt", "z.txt", "w.txt"], push: "rejected" }),
      facts("c", { checkout: "/src/c", uncommitted: ["m.txt"] }),
    ]);
    expect(r).toEqual([
      { repo: "b", kind: "no-origin", reason: "no 'origin' remote" },
      { repo: "a", kind: "uncommitted", reason: "uncommitted changes in .worktrees/feat-x (x.txt, y.txt, z.txt, … (4 files))" },
      { repo: "a", kind: "push-rejected", reason: "origin's feat/x has commits the local branch lacks" },
      { repo: "c", kind: "uncommitted", reason: "uncommitted changes in the main checkout (m.txt)" },
    ]);
    expect(refusalText(r)).toEqual({
      message:
        "no 'origin' remote in b; uncommitted changes in a's .worktrees/feat-x (x.txt, y.txt, z.txt, … (4 files)), c's main checkout (m.txt); origin's feat/x has commits the local branch lacks in a",
      hint: "Add one (git remote add origin <url>) in each; commit or stash them; merge or rebase onto origin's branch (git pull in the worktree), then run 'blue realm pr' again.",
    });
  });

  test("a worktree outside the repo is named by its path", () => {
    expect(prRefusals([facts("a", { checkout: "/elsewhere/a", uncommitted: ["f"] })])[0]!.reason).toBe("uncommitted changes in /elsewhere/a (f)");
  });
});
