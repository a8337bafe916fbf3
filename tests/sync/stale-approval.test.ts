// Stale approvals on the plain-git forge (issue 20): an approval is a signed-off `Approved-by:` commit on the sync
// branch; a commit after it (the provider synced again on its open branch) changed what was approved.
import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { loadRealm } from "../../src/realm/load.ts";
import { evaluate } from "../../src/sync/merge-policy.ts";
import { toPending } from "../../src/sync/pending.ts";
import type { BranchCommit } from "../../src/sync/branches.ts";

const model = loadRealm(join(import.meta.dir, "..", "fixtures", "realms", "good")).model;
const sync = (sha: string): BranchCommit => ({ sha, committer_email: "dev@example.com", committed_at: "2026-01-24T15:00:00Z", trailers: { "Blue-Sync": ["aperture"], "Blue-Synced-At": ["2026-01-24T15:00:00Z"] } });
const approval = (sha: string, who = "eric@example.com"): BranchCommit => ({ sha, committer_email: who, committed_at: "2026-01-24T16:00:00Z", trailers: { "Approved-by": [who], "Signed-off-by": [`Eric <${who}>`] } });
const breaking = (version: string) =>
  new Map<string, unknown>([["domains/s3-access/contracts/s3-permissions.yaml", { name: "s3-permissions", version, evolution: [{ version, compatible: false, changes: ["- write"] }] }]]);
const read = (commits: BranchCommit[]) => toPending({ branch: "sync/aperture/20260124-150000", sha: "f".repeat(40), commits, files: breaking("2.0.0") }, model, true)!;

describe("approvals of a plain-git sync branch", () => {
  test("an approval of the branch as it is counts", () => {
    const p = read([sync("a"), approval("b")]);
    expect(p.approvals).toEqual(["eric@example.com"]);
    expect(p.stale_approvals).toBeUndefined();
  });

  test("an approval followed by a new sync on the branch is flagged stale and does not count", () => {
    const p = read([sync("a"), approval("b"), sync("c")]);
    expect(p.approvals).toEqual([]);
    expect(p.stale_approvals).toEqual(["eric@example.com"]);
    const v = evaluate(p, { model, pending: [p], now: new Date("2026-01-25T00:00:00Z") });
    expect(v.due).toBe(false);
    expect(v.waiting_for.find((w) => w.startsWith("an approval"))).toBe(
      "an approval of the breaking change to s3-permissions by a realm approver (eric@example.com) (stale: eric@example.com approved before the branch changed, so approve again)",
    );
  });

  test("approving again makes it count again", () => {
    const p = read([sync("a"), approval("b"), sync("c"), approval("d")]);
    expect(p.approvals).toEqual(["eric@example.com"]);
    expect(p.stale_approvals).toBeUndefined();
  });
});
