import { describe, expect, test } from "bun:test";
import { UsageError } from "../../src/errors.ts";
import { chooseRfc, unifiedRfcs } from "../../src/pr/rfc.ts";

const root = "/src/aperture";
const wt = (rfc: string) => ({ path: `${root}/.worktrees/feat-${rfc}`, branch: `refs/heads/feat/${rfc}` });
const main = { path: root, branch: "refs/heads/main" };

describe("which change blue realm pr is about", () => {
  test("--rfc wins, then the current feat/<rfc> branch", () => {
    expect(chooseRfc({ flag: "a", branch: "feat/b", root, worktrees: [wt("c")] })).toBe("a");
    expect(chooseRfc({ branch: "feat/b", root, worktrees: [wt("c")] })).toBe("b");
  });

  test("in the main checkout, this repo's one unified worktree", () => {
    expect(chooseRfc({ branch: "main", root, worktrees: [main, wt("metrics-v2")] })).toBe("metrics-v2");
  });

  test("only worktrees at .worktrees/feat-<rfc> with feat/<rfc> checked out count", () => {
    const others = [main, { path: `${root}/.worktrees/feat-a`, branch: "refs/heads/feat/b" }, { path: "/tmp/feat-c", branch: "refs/heads/feat/c" }, { path: `${root}/.worktrees/feat-d`, branch: null }];
    expect(unifiedRfcs(root, [...others, wt("z"), wt("e")])).toEqual(["e", "z"]);
  });

  test("none or several: a usage error that says how to pick", () => {
    expect(() => chooseRfc({ branch: "main", root, worktrees: [main] })).toThrow(UsageError);
    expect(() => chooseRfc({ branch: "main", root, worktrees: [main, wt("b"), wt("a")] })).toThrow("this repo has 2 unified worktrees (feat/a, feat/b): say which change with --rfc");
    expect(() => chooseRfc({ flag: "Bad!", root, worktrees: [] })).toThrow("'Bad!' is not a valid RFC name");
  });
});
