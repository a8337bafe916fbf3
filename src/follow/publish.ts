// The bridge from `blue realm pr` to the daemons: after a run, the set (repos, origins, merge order, heads, the
// opt-in) is recorded in the realm remote; `--status` reads it back with each repo's follow state.
import { z } from "zod";
import { originUrl } from "../git/worktree.ts";
import { publicUrl } from "../git/public-url.ts";
import { localBranchHead } from "../git/remote-branch.ts";
import { PrStatusDoc, type PrPlan } from "../pr/plan.ts";
import { FOLLOW_STATES } from "./plan.ts";
import { FollowDecision, prepareSet, publishSet, type FollowSet, type PreparedSet } from "./record.ts";
import type { FollowedSet } from "./run.ts";

type Known = ReadonlyMap<string, { remote_url: string | null; head: string | null }>;

/** The set `blue realm pr` records for its plan. `known`: each repo's origin and head as the run read them
 *  (pr/run.ts), so git is not asked again. */
async function setOf(plan: PrPlan, known?: Known): Promise<Omit<FollowSet, "decisions" | "opted_in_by">> {
  const repos = await Promise.all(
    plan.repos.map(async (r) => {
      const read = known?.get(r.repo);
      return {
        repo: r.repo,
        position: r.position,
        remote_url: read ? read.remote_url : await originUrl(r.root).then((u) => (u ? publicUrl(u) : null)),
        branch: r.branch,
        base: r.base,
        forge: r.forge,
        pr: r.pr,
        blocked_by: r.blocked_by,
        head: read ? read.head : await localBranchHead(r.root, r.branch),
      };
    }),
  );
  return { realm: plan.realm, rfc: plan.rfc, branch: plan.branch, auto_merge: false, repos };
}

type OptIn = { auto_merge: boolean; by: string };

/** The record as the plan before any push would write it, built while the branches are pushed (nothing pushed). */
export async function preparePrSet(clone: string, plan: PrPlan, optIn: Promise<OptIn>, known?: Known): Promise<PreparedSet> {
  const next = await setOf(plan, known);
  const o = await optIn;
  return prepareSet(clone, { ...next, auto_merge: o.auto_merge }, o);
}

/** Record the set in the realm remote. `early`: the record prepared before the pushes (used when it still holds). */
export async function recordPrSet(clone: string, plan: PrPlan, optIn: OptIn, known?: Known, early?: Promise<PreparedSet>): Promise<FollowSet> {
  const next = await setOf(plan, known);
  return publishSet(clone, { ...next, auto_merge: optIn.auto_merge }, optIn, early);
}

export const FollowStatus = z.object({
  auto_merge: z.boolean(),
  opted_in_by: z.string().nullable(),
  repos: z.array(z.object({ repo: z.string(), state: z.enum(FOLLOW_STATES), note: z.string() })),
  decisions: z.array(FollowDecision),
});
export type FollowStatus = z.infer<typeof FollowStatus>;

/** A sync acknowledgement of one of the set's repos that a provider's sync branch closed without merging blocked. */
export const BlockedSync = z.object({ repo: z.string(), branch: z.string(), provider_branch: z.string(), message: z.string() });
export type BlockedSync = z.infer<typeof BlockedSync>;

/** `blue realm pr --status --json`: the branches and PRs, what the daemons following the set decided, and the set's
 *  repos whose sync acknowledgements are blocked (the records at refs/blue/closed/, sync/closed.ts). */
export const PrFollowDoc = PrStatusDoc.extend({ follow: FollowStatus.nullable(), blocked_syncs: z.array(BlockedSync).default([]) });
export type PrFollowDoc = z.infer<typeof PrFollowDoc>;

export const followStatusOf = (f: FollowedSet | null): FollowStatus | null =>
  f ? { auto_merge: f.set.auto_merge, opted_in_by: f.set.opted_in_by, repos: f.repos, decisions: f.set.decisions } : null;

/** The set's repos' sync acknowledgements blocked by a provider's sync branch closed without merging, as the realm
 *  remote records them (fetched now; a realm remote that cannot be read leaves the list empty). */
export async function blockedSyncsOf(clone: string, repos: readonly string[]): Promise<BlockedSync[]> {
  const [{ readClosedRecords }, { closedSyncProviders }] = await Promise.all([import("../sync/closed.ts"), import("./run.ts")]);
  const records = await readClosedRecords(clone, { fetch: true }).catch(() => []);
  return closedSyncProviders(records.map((r) => r.record))
    .filter((n) => repos.includes(n.repo))
    .map((n) => ({ repo: n.repo, branch: n.decision.split(" ")[1]!, provider_branch: n.set_id, message: n.message }));
}
