// A forge (Forgejo, GitHub) as the place sync branches become PRs: one PR per branch, labels and reviewers,
// "blocked by" the provider's PR where the forge has dependencies, approvals read from reviews, merges done
// by the forge. PRs are found by their head branch, so any machine can pick up any PR.
import { UsageError } from "../errors.ts";
import { deleteSyncBranch, fetchRealm } from "./branches.ts";
import { REALM_BRANCH } from "../git/realm-repo.ts";
import type { Forge, PullRequest } from "../forge/forge.ts";
import type { SyncHost } from "./host.ts";

export function forgeSyncHost(forge: Forge, clone: string): SyncHost {
  const found = new Map<string, PullRequest | undefined>();
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
    async publish(req) {
      const open = await find(req.branch);
      const pr = open
        ? await forge.updatePullRequest(open.number, { title: req.title, body: req.body })
        : await forge.openPullRequest({ title: req.title, body: req.body, head: req.branch, base: REALM_BRANCH });
      found.set(req.branch, pr);
      await forge.addLabels(pr.number, req.labels);
      // Forge reviewers are user names; maintainers listed by e-mail are named in the PR body instead.
      const users = req.reviewers.filter((r) => !r.includes("@"));
      if (users.length > 0) await forge.requestReviewers(pr.number, users);
      if (req.blockedBy) {
        const dep = await find(req.blockedBy);
        if (dep) await forge.addBlockedBy(pr.number, { owner: forge.target.owner, repo: forge.target.repo, number: dep.number });
      }
      return { ref: `#${pr.number}`, url: pr.url, opened: !open };
    },
    async describe(branch) {
      const pr = await find(branch);
      if (!pr) return undefined;
      const reviews = await forge.listReviews(pr.number);
      return { ref: `#${pr.number}`, url: pr.url, approvals: reviews.filter((r) => r.state === "approved").map((r) => r.user) };
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
    async retire(branch, why) {
      const pr = await find(branch);
      if (pr) {
        await forge.comment(pr.number, why);
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
