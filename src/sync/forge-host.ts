// A forge (Forgejo, GitHub) as the place sync branches become PRs: one PR per branch, labels and reviewers,
// "blocked by" the provider's PR where the forge has dependencies, approvals read from reviews, merges done
// by the forge. PRs are found by their head branch, so any machine can pick up any PR.
import { UsageError } from "../errors.ts";
import { deleteSyncBranch, fetchRealm } from "./branches.ts";
import { REALM_BRANCH } from "../git/realm-repo.ts";
import type { Forge, PullRequest } from "../forge/forge.ts";
import { judgeReviews } from "../forge/reviews.ts";
import { SYNC_STEPS, type SyncHost } from "./host.ts";
import { isRecordedClosed } from "./closed.ts";

export function forgeSyncHost(forge: Forge, clone: string): SyncHost {
  const found = new Map<string, PullRequest | undefined>();
  // Answers for the life of this host (one command, one daemon fetch): settle asks again on every round.
  const byHead = new Map<string, Promise<PullRequest | undefined>>();
  const find = async (branch: string) => {
    if (!found.has(branch)) found.set(branch, await forge.findOpenPullRequest(branch));
    return found.get(branch);
  };
  const require = async (branch: string) => {
    const pr = await find(branch);
    if (!pr) throw new UsageError(`no open PR for ${branch} on ${forge.target.webUrl}/${forge.target.owner}/${forge.target.repo}`, "It may have been merged or closed; run 'blue realm status --refresh'.");
    return pr;
  };
  return {
    kind: forge.kind,
    async publish(req, log) {
      const done = (step: string) => log?.done(step);
      const record = (step: string, detail: string | null = null) => log?.record(step, detail);
      // The forge's open PR for the head branch wins; else the one an earlier run opened (a PR opened just
      // before a failure is still that PR: never a second).
      const journaled = done(SYNC_STEPS.pr) ?? done(SYNC_STEPS.found);
      const earlier = journaled ? (JSON.parse(journaled) as { number: number; url: string }) : undefined;
      const open = await find(req.branch);
      let pr: { number: number; url: string };
      if (open) {
        // Updated unless this is the PR this publication opened (its text is the journal's).
        pr = open.number === earlier?.number && done(SYNC_STEPS.pr) ? open : await forge.updatePullRequest(open.number, { title: req.title, body: req.body });
        if (!earlier) record(SYNC_STEPS.found, JSON.stringify({ number: pr.number, url: pr.url }));
      } else if (earlier) {
        pr = earlier;
      } else {
        const opened = await forge.openPullRequest({ title: req.title, body: req.body, head: req.branch, base: REALM_BRANCH });
        found.set(req.branch, opened);
        pr = opened;
        record(SYNC_STEPS.pr, JSON.stringify({ number: pr.number, url: pr.url }));
      }
      if (done(SYNC_STEPS.labels) === undefined) {
        log?.doing?.(SYNC_STEPS.labels);
        await forge.addLabels(pr.number, req.labels);
        record(SYNC_STEPS.labels, req.labels.join(","));
      }
      // Forge reviewers are user names; maintainers listed by e-mail are named in the PR body instead.
      const users = req.reviewers.filter((r) => !r.includes("@"));
      if (users.length > 0 && done(SYNC_STEPS.reviewers) === undefined) {
        log?.doing?.(SYNC_STEPS.reviewers);
        await forge.requestReviewers(pr.number, users);
        record(SYNC_STEPS.reviewers, users.join(","));
      }
      if (req.blockedBy && done(SYNC_STEPS.linked) === undefined) {
        log?.doing?.(SYNC_STEPS.linked);
        const dep = await find(req.blockedBy);
        if (dep) {
          await forge.addBlockedBy(pr.number, { owner: forge.target.owner, repo: forge.target.repo, number: dep.number });
          record(SYNC_STEPS.linked, `#${dep.number}`);
        }
      }
      return { ref: `#${pr.number}`, url: pr.url, opened: !open && !earlier };
    },
    async describe(branch) {
      const pr = await find(branch);
      if (!pr) return undefined;
      // An approval of an older head (the branch changed since) does not count (forge/reviews.ts).
      const judged = judgeReviews(await forge.listReviews(pr.number), pr.head_sha ?? null);
      return { ref: `#${pr.number}`, url: pr.url, approvals: judged.approved, stale_approvals: judged.stale };
    },
    async acknowledge(branch) {
      const pr = await find(branch);
      if (!pr) return null;
      await forge.approve(pr.number, "Acknowledged with `blue realm sync`: this repo's binding now resolves the new version.");
      return `Acknowledged PR #${pr.number}`;
    },
    async approve(branch) {
      const pr = await require(branch);
      await forge.approve(pr.number, "Approved with `blue realm approve`.");
    },
    async closedUnmerged(branch) {
      // Once closed, a PR never reopens as the same record: a branch the realm remote records closed is not asked about.
      if (await isRecordedClosed(clone, branch)) return true;
      // One request for the branch's PR into main, whatever its state (not a scan of the repo's closed PRs).
      if (!byHead.has(branch)) byHead.set(branch, forge.findPullRequest(branch, REALM_BRANCH));
      return (await byHead.get(branch))?.state === "closed";
    },
    async retire(branch, why) {
      const pr = await find(branch);
      if (pr) {
        if (why !== null) await forge.comment(pr.number, why);
        await forge.closePullRequest(pr.number);
        found.delete(branch);
      }
      await deleteSyncBranch(clone, branch);
    },
    async merge(branch, message) {
      const pr = await require(branch);
      await forge.merge(pr.number, { method: "merge", message });
      found.delete(branch);
      await fetchRealm(clone);
      return { merged: true, sha: "" };
    },
  };
}
