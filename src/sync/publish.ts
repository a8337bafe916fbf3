// The publishing half of `blue realm sync`, step by step with a journal (journal/journal.ts) per repo: each
// sync branch is committed and pushed, its PR opened (labels, reviewers, the provider's PR it depends on), the
// provider's PR acknowledged and the importers notified, each step journaled as it is done. The first failure
// (a push the realm remote refuses, a 5xx, a reset connection, a token without rights, a rate limit past
// --max-wait) is journaled with its reason and stops publishing; the next sync first finishes the branches the
// journal left half-published that are still open on the realm remote (sync/resume.ts decides which).
import { BranchMoved } from "../errors.ts";
import { failureReason, isSetupFailure, type Journal } from "../journal/journal.ts";
import { commitSyncBranch } from "./branches.ts";
import { SYNC_STEPS, type StepLog, type SyncHost } from "./host.ts";
import type { PendingSync } from "./pending.ts";
import { branchRecord, leftToPublish, requiredSteps, type JournaledBranch } from "./resume.ts";
import type { SyncContext, SyncReport } from "./run.ts";

type ReportBranch = SyncReport["branches"][number];

export type PublishInput = {
  ctx: SyncContext;
  host: SyncHost;
  journal: Journal;
  report: SyncReport;
  pending: readonly PendingSync[];
  /** Commit and push one planned branch (run.ts writes the files). */
  commit: (b: ReportBranch) => Promise<void>;
};

export async function publishAll(input: PublishInput): Promise<void> {
  const { journal, report, host } = input;
  const left = leftToPublish(journal, input.pending, report.branches.map((b) => b.branch));
  journal.clearFailures();
  journal.setOrder([...left.map((l) => l.plan.branch), ...report.branches.map((b) => b.branch)]);
  for (const b of report.branches) {
    journal.reset(b.branch);
    journal.setData(branchRecord(b.branch), { plan: b, required: requiredSteps(b, host.kind) } satisfies JournaledBranch);
  }
  // The half-published first: their PR text and notifications are the journal's.
  const resumed: ReportBranch[] = left.map((l) => ({ ...l.plan, pushed: true, published: null, resumed: true }));
  report.branches = [...resumed, ...report.branches];
  for (const [i, b] of report.branches.entries()) {
    input.ctx.progress?.({ n: i + 1, total: report.branches.length, name: b.branch, doing: host.kind === "none" ? "pushing" : "pushing and opening its PR" });
    let step: string = SYNC_STEPS.pushed;
    const log: StepLog = {
      done: (s) => journal.done(b.branch, s)?.detail ?? (journal.done(b.branch, s) ? null : undefined),
      record: (s, detail) => journal.record(b.branch, s, detail ?? null),
      doing: (s) => void (step = s),
    };
    try {
      if (!b.resumed) {
        await input.commit(b);
        log.record(SYNC_STEPS.pushed, b.branch);
      }
      b.pushed = true;
      step = SYNC_STEPS.pr;
      const base = b.base ? await host.describe(b.base.branch) : undefined;
      b.published = await host.publish({ branch: b.branch, title: b.pr.title, body: b.pr.body, labels: b.pr.labels, reviewers: b.pr.reviewers, blockedBy: base?.ref ?? null }, log);
      if (b.base && log.done(SYNC_STEPS.acknowledged) === undefined) {
        step = SYNC_STEPS.acknowledged;
        const done = await host.acknowledge(b.base.branch).catch((e) => `could not approve ${b.base!.branch}: ${(e as Error).message}`);
        if (done) report.acknowledged_prs.push(done);
        log.record(SYNC_STEPS.acknowledged, done);
      }
      if (log.done(SYNC_STEPS.notified) === undefined && input.ctx.notify) {
        step = SYNC_STEPS.notified;
        const told: string[] = [];
        for (const u of b.updates) {
          if (u.importers.length === 0) continue;
          const ok = await input.ctx.notify({ domain: u.domain, contract: u.contract, version: u.to, breaking: !u.compatible, changes: u.changes, recipients: u.importers.map((i) => i.repo) }).catch(() => false);
          if (ok) told.push(...u.importers.map((i) => i.repo));
        }
        report.notified.push(...told);
        // Best effort: the importers' daemons learn it from the realm when they fetch; the step is done either way.
        if (b.updates.some((u) => u.importers.length > 0)) log.record(SYNC_STEPS.notified, told.join(",") || null);
      }
    } catch (e) {
      if (e instanceof BranchMoved) throw e; // runSync re-plans from what the other machine pushed
      journal.fail(b.branch, step, failureReason(e));
      if (isSetupFailure(e)) throw e;
      break;
    }
  }
  report.notified = [...new Set(report.notified)].sort();
}
