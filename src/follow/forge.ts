// Following the repos of a coordinated change that are on a forge (Forgejo, GitHub): the PR's state, checks and
// reviews read through the Forge interface, a merge through the forge's own API when the plan says so (GitHub:
// PUT .../merge at the head that was judged; Forgejo: its merge-when-checks-succeed), and notes as PR comments.
// The record in the realm remote is written by teammates, so a repo's origin there never decides where a token
// goes: only a host this machine pinned for the realm gets one (trust/forge-host.ts); any other is not read.
import type { Forge } from "../forge/forge.ts";
import { judgeReviews } from "../forge/reviews.ts";
import type { RepoFacts } from "./plan.ts";
import type { FollowRepo } from "./record.ts";

/** The forge client for a repo of the set; null when it is plain git, or its host is not pinned here (then `why`). */
export type ForgeFor = (r: FollowRepo) => Promise<{ forge: Forge } | { why: string } | null>;

export function pinnedForgeFor(o: { realm: string; realmUrl: string; home: string; env: Record<string, string | undefined> }): ForgeFor {
  const built = new Map<string, Promise<{ forge: Forge } | { why: string } | null>>();
  return (r) => {
    const key = r.remote_url ?? "";
    if (!built.has(key)) built.set(key, build(o, key));
    return built.get(key)!;
  };
}

async function build(o: { realm: string; realmUrl: string; home: string; env: Record<string, string | undefined> }, url: string): Promise<{ forge: Forge } | { why: string } | null> {
  const [{ detectForge }, { requirePinnedHost, tokenHost }, { realmTrust }] = await Promise.all([import("../forge/forge.ts"), import("../trust/forge-host.ts"), import("../trust/store.ts")]);
  const target = detectForge(url, undefined, o.env);
  if (target.kind === "none") return null;
  try {
    requirePinnedHost(o.realm, target, o.realmUrl, o.env, realmTrust(o.home, o.realm).forge_hosts);
  } catch {
    const host = tokenHost(target);
    return { why: `${host} is not a forge host this machine pinned for realm ${o.realm}: no token is sent there (pin it with 'blue realm trust --forge-host ${host}')` };
  }
  const [{ resolveToken }, { createForge }] = await Promise.all([import("../forge/credentials.ts"), import("../forge/client.ts")]);
  return { forge: createForge(target, await resolveToken(target, { env: o.env, blueHome: o.home })) };
}

export type ForgeFacts = RepoFacts & { head: string | null };

/** A PR as the plan needs it: its state, its head's checks, which required reviews are missing, which approvals are
 *  of an older head (stale: the branch was rebased or force-pushed since). A reviewer's latest review counts. */
export async function forgeFacts(forge: Forge, r: FollowRepo): Promise<ForgeFacts> {
  const n = r.pr!.number;
  const pr = await forge.getPullRequest(n);
  const head = pr.head_sha ?? null;
  const [checks, reviews, protection] = await Promise.all([forge.commitChecks(head ?? r.branch), forge.listReviews(n), forge.getBranchProtection(r.base).catch(() => null)]);
  const judged = judgeReviews(reviews, head);
  const current = judged.approved.length;
  const required = protection?.approvals ?? 0;
  const missing = current < required ? [`${required} approving review${required === 1 ? "" : "s"} required, ${current} current`] : [];
  if (judged.changes_requested.length) missing.push(`changes requested by ${judged.changes_requested.join(", ")}`);
  return { state: pr.state, checks, missing_reviews: missing, stale_approvals: judged.stale, head };
}

/** Merge the PR at the head that was judged ready. */
export async function forgeMerge(forge: Forge, r: FollowRepo, head: string | null, message: string): Promise<void> {
  await forge.merge(r.pr!.number, { method: "merge", message, ...(head ? { sha: head } : {}), ...(forge.kind === "forgejo" ? { whenChecksSucceed: true } : {}) });
}

export async function forgeComment(forge: Forge, r: FollowRepo, text: string): Promise<void> {
  await forge.comment(r.pr!.number, `${text}\n\n<sub>blue: following the coordinated change this PR is part of.</sub>`);
}
