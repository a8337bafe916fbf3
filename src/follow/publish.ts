// The bridge from `blue realm pr` to the daemons: after a run, the set (repos, origins, merge order, heads, the
// opt-in) is recorded in the realm remote; `--status` reads it back with each repo's follow state.
import { z } from "zod";
import { originUrl } from "../git/worktree.ts";
import { localBranchHead } from "../git/remote-branch.ts";
import { PrStatusDoc, type PrPlan } from "../pr/plan.ts";
import { FOLLOW_STATES } from "./plan.ts";
import { FollowDecision, publishSet, type FollowSet } from "./record.ts";
import type { FollowedSet } from "./run.ts";

export async function recordPrSet(clone: string, plan: PrPlan, optIn: { auto_merge: boolean; by: string }): Promise<FollowSet> {
  const repos = await Promise.all(
    plan.repos.map(async (r) => ({
      repo: r.repo,
      position: r.position,
      remote_url: (await originUrl(r.root)) ?? null,
      branch: r.branch,
      base: r.base,
      forge: r.forge,
      pr: r.pr,
      blocked_by: r.blocked_by,
      head: await localBranchHead(r.root, r.branch),
    })),
  );
  return publishSet(clone, { realm: plan.realm, rfc: plan.rfc, branch: plan.branch, auto_merge: optIn.auto_merge, repos }, optIn);
}

export const FollowStatus = z.object({
  auto_merge: z.boolean(),
  opted_in_by: z.string().nullable(),
  repos: z.array(z.object({ repo: z.string(), state: z.enum(FOLLOW_STATES), note: z.string() })),
  decisions: z.array(FollowDecision),
});
export type FollowStatus = z.infer<typeof FollowStatus>;

/** `blue realm pr --status --json`: the branches and PRs, and what the daemons following the set decided. */
export const PrFollowDoc = PrStatusDoc.extend({ follow: FollowStatus.nullable() });
export type PrFollowDoc = z.infer<typeof PrFollowDoc>;

export const followStatusOf = (f: FollowedSet | null): FollowStatus | null =>
  f ? { auto_merge: f.set.auto_merge, opted_in_by: f.set.opted_in_by, repos: f.repos, decisions: f.set.decisions } : null;
