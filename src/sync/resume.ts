// What a `blue realm sync` left half-published, from its journal and the realm remote now. Pure. A branch is
// finished again only while it is still an open sync branch on the remote (merged or closed since: nothing
// left to do there); the PR itself is found by its head branch first (sync/forge-host.ts), the journal second.
import { z } from "zod";
import type { StepRecord } from "../store/operations.ts";
import { SYNC_STEPS, type SyncHost } from "./host.ts";
import type { PendingSync } from "./pending.ts";
import { BranchPlan } from "./plan.ts";

/** One sync per realm and repo: its rows are the sync branches it publishes. */
export const syncOperationKey = (realm: string, repo: string) => `sync ${realm} ${repo}`;
export const branchRecord = (branch: string) => `branch ${branch}`;

/** What the journal keeps of a branch to finish it on another run. */
export const JournaledBranch = z.object({ plan: BranchPlan, required: z.array(z.string()) });
export type JournaledBranch = z.infer<typeof JournaledBranch>;

/** The steps a branch needs: pushed; on a forge its PR; the importers told when it changes a contract they import. */
export function requiredSteps(b: Pick<BranchPlan, "updates">, host: SyncHost["kind"]): string[] {
  return [SYNC_STEPS.pushed, ...(host === "none" ? [] : [SYNC_STEPS.pr]), ...(b.updates.some((u) => u.importers.length > 0) ? [SYNC_STEPS.notified] : [])];
}

type Done = (step: string) => StepRecord | undefined;
/** The part of the journal this reads (journal/journal.ts). */
type JournalView = { readonly order: readonly string[]; data(name: string): unknown; done(branch: string, step: string): StepRecord | undefined };

export function branchComplete(required: readonly string[], done: Done): boolean {
  return required.every((s) => done(s) !== undefined || (s === SYNC_STEPS.pr && done(SYNC_STEPS.found) !== undefined));
}

/** The journaled branches pushed but not finished that are still open on the remote and not planned again. */
export function leftToPublish(journal: JournalView, pending: readonly Pick<PendingSync, "branch">[], planned: readonly string[]): JournaledBranch[] {
  const open = new Set(pending.map((p) => p.branch));
  return journal.order.flatMap((branch) => {
    const rec = JournaledBranch.safeParse(journal.data(branchRecord(branch)));
    if (!rec.success || planned.includes(branch) || !open.has(branch)) return [];
    const done: Done = (s) => journal.done(branch, s);
    return done(SYNC_STEPS.pushed) && !branchComplete(rec.data.required, done) ? [rec.data] : [];
  });
}

/** The table's verdict for a branch, from what the journal says it needs. */
export const syncBranchComplete = (journal: Pick<JournalView, "data">) => (branch: string, done: Done) => {
  const rec = JournaledBranch.safeParse(journal.data(branchRecord(branch)));
  return rec.success && branchComplete(rec.data.required, done);
};
