// What a PR's reviews amount to at its head (issue 20): a reviewer's latest approve, change request or dismissal
// counts; an approval given on an older head (the branch was rebased or force-pushed since) is stale and not
// counted, as a forge that dismisses stale approvals would. Shared by the follow of PR sets and sync PRs.
import type { Review } from "./forge.ts";

export type JudgedReviews = { approved: string[]; stale: string[]; changes_requested: string[] };

/** `head`: the PR's head commit; null or an approval without `commit_id` (the forge did not say): counted. */
export function judgeReviews(reviews: readonly Review[], head: string | null): JudgedReviews {
  const latest = new Map<string, Review>();
  for (const v of reviews) if (v.user && (v.state === "approved" || v.state === "changes_requested" || v.state === "dismissed")) latest.set(v.user, v);
  const approvals = [...latest.values()].filter((v) => v.state === "approved");
  const isStale = (v: Review) => Boolean(v.commit_id && head && v.commit_id !== head);
  return {
    approved: approvals.filter((v) => !isStale(v)).map((v) => v.user),
    stale: approvals.filter(isStale).map((v) => v.user),
    changes_requested: [...latest.values()].filter((v) => v.state === "changes_requested").map((v) => v.user),
  };
}
