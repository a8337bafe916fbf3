// Which scratch worktrees in a realm clone's .git belong to nobody: their process (named in the directory) is gone.
import { describe, expect, test } from "bun:test";
import { abandoned } from "../../src/git/scratch-worktree.ts";

const deadPid = () => {
  const p = Bun.spawnSync(["true"]);
  return p.pid;
};

describe("abandoned", () => {
  test("a scratch worktree of a process that is gone", () => {
    expect(abandoned(`blue-sync-${deadPid()}-a1B2c3`, Date.now())).toBe(true);
    expect(abandoned(`blue-merge-${deadPid()}-a1B2c3`, Date.now())).toBe(true);
  });

  test("never one of a live process", () => {
    expect(abandoned(`blue-sync-${process.pid}-a1B2c3`, 0)).toBe(false);
  });

  test("one named before pids were recorded: only once it is older than any sync", () => {
    const now = Date.now();
    expect(abandoned("blue-sync-a1B2c3", now - 60_000, now)).toBe(false);
    expect(abandoned("blue-sync-a1B2c3", now - 11 * 60_000, now)).toBe(true);
  });

  test("nothing that is not a blue scratch worktree", () => {
    expect(abandoned("worktrees", 0)).toBe(false);
    expect(abandoned("blue-sync-1234-toolongname", 0)).toBe(false);
    expect(abandoned("hooks", 0)).toBe(false);
  });
});
