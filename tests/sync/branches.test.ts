// Telling a push that lost a race (the branch moved on the remote) from one the remote refuses by its own rules.
import { describe, expect, test } from "bun:test";
import { movedUnderPush } from "../../src/sync/branches.ts";

describe("movedUnderPush", () => {
  test("a branch someone else pushed first, with or without a lease, or moved while the remote took ours", () => {
    expect(movedUnderPush("To /r.git\n ! [rejected]        HEAD -> x (fetch first)\nerror: failed to push some refs to '/r.git'\n")).toBe(true);
    expect(movedUnderPush(" ! [rejected]        HEAD -> x (non-fast-forward)\n")).toBe(true);
    expect(movedUnderPush(" ! [rejected]        HEAD -> x (stale info)\n")).toBe(true);
    expect(
      movedUnderPush("remote: error: cannot lock ref 'refs/heads/sync/a/1': is at eeda343 but expected 6bdc32b\n ! [remote rejected] HEAD -> sync/a/1 (failed to update ref)\n"),
    ).toBe(true);
  });

  test("not a remote's own refusal, nor a failure to reach it", () => {
    expect(movedUnderPush(" ! [remote rejected] HEAD -> main (pre-receive hook declined)\nremote: Forgejo: Not allowed to push to protected branch main\n")).toBe(false);
    expect(movedUnderPush("fatal: Could not read from remote repository.\n")).toBe(false);
    expect(movedUnderPush("error: failed to push some refs to '/r.git'\n")).toBe(false);
  });
});
