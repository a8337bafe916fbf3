// Which sync branches a sync left half-published are finished by the next one.
import { describe, expect, test } from "bun:test";
import { branchComplete, branchRecord, leftToPublish, requiredSteps } from "../../src/sync/resume.ts";
import { SYNC_STEPS } from "../../src/sync/host.ts";
import type { BranchPlan } from "../../src/sync/plan.ts";

const plan = (branch: string, importers: number): BranchPlan => ({
  branch,
  start: "origin/main",
  reuse: false,
  rebuild: false,
  base: null,
  updates: importers ? [{ domain: "d", contract: "c", file: "f", from: "1.0.0", to: "1.1.0", bump: "minor", compatible: true, changes: [], schema_changed: false, importers: [{ repo: "i", range: "^1" }], demands: [], value: {}, schema: {} }] : [],
  acknowledgements: [],
  files: [],
  pr: { title: "t", body: "b", labels: [], reviewers: [] },
  notify: [],
});

function journalOf(rows: Record<string, { plan: BranchPlan; steps: string[] }>) {
  return {
    order: Object.keys(rows),
    data: (name: string) => Object.entries(rows).map(([b, r]) => (branchRecord(b) === name ? { plan: r.plan, required: requiredSteps(r.plan, "github") } : undefined)).find(Boolean),
    done: (branch: string, step: string) => (rows[branch]!.steps.includes(step) ? { step, at: "", detail: null } : undefined),
  };
}

describe("sync resume plan", () => {
  test("a forge branch needs its PR; the importers told only when a contract they import changed", () => {
    expect(requiredSteps(plan("s", 0), "none")).toEqual([SYNC_STEPS.pushed]);
    expect(requiredSteps(plan("s", 1), "forgejo")).toEqual([SYNC_STEPS.pushed, SYNC_STEPS.pr, SYNC_STEPS.notified]);
    expect(branchComplete([SYNC_STEPS.pushed, SYNC_STEPS.pr], (s) => (s === SYNC_STEPS.pushed || s === SYNC_STEPS.found ? { step: s, at: "", detail: null } : undefined))).toBe(true);
  });

  test("finishes the pushed, unfinished branches still open on the remote and not planned again", () => {
    const j = journalOf({
      "sync/a/1": { plan: plan("sync/a/1", 1), steps: [SYNC_STEPS.pushed] },
      "sync/a/2": { plan: plan("sync/a/2", 0), steps: [SYNC_STEPS.pushed, SYNC_STEPS.pr] },
      "sync/a/3": { plan: plan("sync/a/3", 0), steps: [] },
      "sync/a/4": { plan: plan("sync/a/4", 0), steps: [SYNC_STEPS.pushed] },
      "sync/a/5": { plan: plan("sync/a/5", 0), steps: [SYNC_STEPS.pushed] },
    });
    const pending = ["sync/a/1", "sync/a/2", "sync/a/3", "sync/a/5"].map((branch) => ({ branch }));
    // 2 is done, 3 never pushed, 4 merged or closed since (not pending), 5 planned again by this run.
    expect(leftToPublish(j, pending, ["sync/a/5"]).map((l) => l.plan.branch)).toEqual(["sync/a/1"]);
  });
});
