// `blue realm pr`, carried out step by step with a journal: in merge order, each repo's branch is pushed, its PR
// found or opened and linked to its blockers' PRs; once every PR exists, the bodies that now name more PRs are
// rewritten. Each step is journaled as soon as it is done; the first failure (a push origin refuses, a 5xx, a
// reset connection, a token without rights, a rate limit past --max-wait) is journaled with its reason and
// stops the run, so the same command again does only what is left (pr/resume.ts decides what that is).
import { pushBranch } from "../git/worktree.ts";
import { failureReason, isSetupFailure, type Journal } from "../journal/journal.ts";
import type { Progress } from "../ui/progress.ts";
import type { PrPlan, PrOpener, PrRef, PrTarget } from "./plan.ts";
import { blockersKey, knownPr, needsPush, needsWrite, PR_STEPS, textKey } from "./resume.ts";

/** `sha`: the branch's commit as read before the run (what is pushed and journaled). */
export type PrSetMember = { target: PrTarget & { forge: string }; opener: PrOpener; facts: { sha: string } };

type Pushed = { ok: true } | { ok: false; error: unknown };

export type PrApplyInput = {
  set: readonly PrSetMember[];
  journal: Journal;
  draft: boolean;
  /** The plan for what is known so far (PR numbers, pushes); called again as they become known. */
  plan: () => PrPlan;
  prs: Map<string, PrRef>;
  pushed: Map<string, "pushed" | "up-to-date">;
  progress?: Progress;
};

/** Returns the repos whose PR this run opened; a failure is in the journal, not thrown. */
export async function applyPrs(input: PrApplyInput): Promise<Set<string>> {
  const { journal, prs, pushed } = input;
  const byRepo = new Map(input.set.map((s) => [s.target.repo, s]));
  const opened = new Set<string>();
  let step = "";
  let repo = "";
  const order = input.plan().order;
  const tell = (name: string, doing: string) => input.progress?.({ n: order.indexOf(name) + 1, total: order.length, name, doing });
  const repos = input.plan().repos;
  // Pushes that no forge step comes between run at once (on plain git, all of them: the pushes are independent,
  // one per origin); a repo on a forge is pushed, then its PR opened and linked, before the next repo's push
  // starts, so a run that stops at a PR leaves the repos after it not started. A push still in flight when an
  // earlier one fails is waited for and journaled.
  const pushes = new Map<string, Promise<Pushed>>();
  const push = async (member: PrSetMember): Promise<Pushed> => {
    const { target, facts } = member;
    if (!needsPush((s) => journal.done(target.repo, s), facts.sha)) {
      pushed.set(target.repo, "up-to-date");
      return { ok: true };
    }
    tell(target.repo, `pushing ${target.branch}`);
    try {
      pushed.set(target.repo, (await pushBranch(target.root, target.branch)) ? "pushed" : "up-to-date");
      journal.record(target.repo, PR_STEPS.pushed, facts.sha);
      return { ok: true };
    } catch (error) {
      return { ok: false, error };
    }
  };
  const startPushes = (from: number) => {
    for (const r of repos.slice(from)) {
      if (pushes.has(r.repo)) break;
      const member = byRepo.get(r.repo)!;
      pushes.set(r.repo, push(member));
      if (member.target.forge !== "none") break;
    }
  };
  try {
    for (const [i, r] of repos.entries()) {
      repo = r.repo;
      const { target, opener } = byRepo.get(repo)!;
      const done = (s: string) => journal.done(repo, s);
      step = PR_STEPS.pushed;
      startPushes(i);
      const result = await pushes.get(repo)!;
      if (!result.ok) throw result.error;
      if (target.forge === "none") continue;
      step = PR_STEPS.pr;
      let pr = knownPr(done, await opener.find(target));
      if (pr && !done(PR_STEPS.pr) && !done(PR_STEPS.found)) journal.record(repo, PR_STEPS.found, JSON.stringify(pr));
      if (!pr) {
        const text = input.plan().repos.find((x) => x.repo === repo)!;
        tell(repo, "opening PR");
        pr = await opener.open(target, { title: text.title, body: text.body, draft: input.draft });
        if (pr) {
          opened.add(repo);
          journal.record(repo, PR_STEPS.pr, JSON.stringify(pr));
          journal.record(repo, PR_STEPS.body, textKey(text.title, text.body, input.draft));
        }
      }
      if (!pr) continue;
      prs.set(repo, pr);
      step = PR_STEPS.linked;
      const blockers = r.blocked_by.flatMap((b) => {
        const ref = prs.get(b);
        return ref ? [{ target: byRepo.get(b)!.target, ref }] : [];
      });
      const key = blockersKey(blockers.map((b) => b.ref));
      if (blockers.length && needsWrite(done, PR_STEPS.linked, key)) {
        await opener.markBlockedBy(target, pr, blockers);
        journal.record(repo, PR_STEPS.linked, key);
      }
    }
    // Bodies name later PRs only once they exist: rewrite each whose text changed since it was last sent.
    step = PR_STEPS.body;
    for (const r of input.plan().repos) {
      repo = r.repo;
      if (!r.pr) continue;
      const key = textKey(r.title, r.body, input.draft);
      if (!needsWrite((s) => journal.done(repo, s), PR_STEPS.body, key)) continue;
      tell(repo, "updating PR");
      await byRepo.get(repo)!.opener.update(byRepo.get(repo)!.target, r.pr, { title: r.title, body: r.body, draft: input.draft });
      journal.record(repo, PR_STEPS.body, key);
    }
  } catch (e) {
    journal.fail(repo, step, failureReason(e));
    await Promise.all(pushes.values());
    if (isSetupFailure(e)) throw e;
  }
  return opened;
}
