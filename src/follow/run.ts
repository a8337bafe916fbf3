// Following the coordinated changes of one realm (issue 20), as the daemon does on each fetch and
// `blue realm pr --status --refresh` does at once: read every set's record from the realm remote, read each
// repo's PR (plain git: its branch on origin), plan (plan.ts), and for each new decision first win the record
// (a compare-and-swap on the realm remote, record.ts), then act. The machine that loses the swap acts on
// nothing: it reads the winner's decision and plans again, which no longer proposes it.
import { hostname } from "node:os";
import { join } from "node:path";
import { fetchSetRefs } from "../git/set-ref.ts";
import { mergeOnRemote, remoteBranch } from "../git/remote-branch.ts";
import { planFollow, type FollowState, type NewDecision, type RepoFacts } from "./plan.ts";
import { readSet, readSets, swapSet, type FollowDecision, type FollowSet } from "./record.ts";
import type { PendingSync } from "../sync/pending.ts";
import type { ClosedSync } from "../sync/closed.ts";
import { forgeComment, forgeFacts, forgeMerge, type ForgeFor } from "./forge.ts";
import { mayMergeHere } from "./consent.ts";
import type { Forge } from "../forge/forge.ts";
import { ForgeError, RateLimited, Unreachable } from "../errors.ts";
import { pinnedHosts, unpinnedGitOrigin } from "../trust/forge-host.ts";

export type FollowDeps = {
  clone: string;
  realm: string;
  /** Where the bare caches of member repos' origins live. */
  cacheDir: string;
  /** Who decides, as the record names it. */
  by: string;
  now: () => Date;
  log: (line: string) => void;
  /** The forge client of a repo on Forgejo or GitHub (forge.ts: only at hosts pinned here); absent: plain git only. */
  forgeFor?: ForgeFor;
  /** Whether this machine may merge a repo of a set (follow/consent.ts); absent: it may not merge at all. */
  mayMerge?: (set: FollowSet, repo: string) => boolean;
  /** Why a plain-git origin a record names is not contacted (trust/forge-host.ts unpinnedGitOrigin); absent: local
   *  paths and file:// URLs only. */
  unreachable?: (url: string) => string | undefined;
};

export type FollowedSet = { set: FollowSet; repos: FollowState[] };
export type FollowReport = { sets: FollowedSet[]; decided: FollowDecision[] };

export const followerName = (home: string) => `${hostname()}:${home}`;

/** The deps of following realm `realm` from this machine: bare caches and pins under `home`. */
export async function followDeps(o: { clone: string; realm: string; home: string; now: () => Date; log: (line: string) => void; env?: Record<string, string | undefined> }): Promise<FollowDeps> {
  const { remoteUrl } = await import("../git/realm-repo.ts");
  const { pinnedForgeFor } = await import("./forge.ts");
  const { realmTrust } = await import("../trust/store.ts");
  const realmUrl = (await remoteUrl(o.clone)) ?? "";
  const pins = pinnedHosts(realmUrl, o.env ?? process.env, realmTrust(o.home, o.realm).forge_hosts);
  return {
    clone: o.clone,
    realm: o.realm,
    cacheDir: join(o.home, "follow"),
    by: followerName(o.home),
    now: o.now,
    log: o.log,
    forgeFor: pinnedForgeFor({ realm: o.realm, realmUrl, home: o.home, env: o.env ?? process.env }),
    mayMerge: mayMergeHere(o.home),
    unreachable: (url) => unpinnedGitOrigin(url, pins),
  };
}

type Facts = Map<string, RepoFacts & { head?: string | null }>;

/** The forge client of a forge-hosted repo with a PR, or null (logged when its host is not pinned here). */
async function forgeOf(set: FollowSet, r: FollowSet["repos"][number], deps: FollowDeps): Promise<Forge | null> {
  if (r.forge === "none" || !r.pr || !deps.forgeFor) return null;
  const got = await deps.forgeFor(r);
  if (got && "why" in got) deps.log(`${deps.realm} ${set.rfc}: ${r.repo}#${r.pr.number} not followed: ${got.why}`);
  return got && "forge" in got ? got.forge : null;
}

async function factsOf(set: FollowSet, deps: FollowDeps): Promise<Facts> {
  const facts: Facts = new Map();
  for (const r of set.repos) {
    if (r.forge !== "none") {
      const forge = await forgeOf(set, r, deps);
      if (forge) {
        try {
          facts.set(r.repo, await forgeFacts(forge, r));
        } catch (e) {
          deps.log(`${deps.realm} ${set.rfc}: reading ${r.repo}#${r.pr!.number} failed: ${(e as Error).message.split("\n")[0]}`);
        }
      }
      continue;
    }
    if (!r.remote_url) continue;
    const why = notContacted(r.remote_url, deps);
    if (why) {
      deps.log(`${deps.realm} ${set.rfc}: ${r.repo}'s ${r.branch} not followed: ${why}`);
      continue;
    }
    try {
      const b = await remoteBranch(deps.cacheDir, r.remote_url, r.branch, r.base, r.head);
      facts.set(r.repo, { state: b.state, checks: null, missing_reviews: [], stale_approvals: [] });
    } catch (e) {
      deps.log(`${deps.realm} ${set.rfc}: reading ${r.repo}'s ${r.branch} failed: ${(e as Error).message.split("\n")[0]}`);
    }
  }
  return facts;
}

/** Carry out a decision this machine won. Returns a follow-up decision when the act itself failed. */
async function act(set: FollowSet, d: NewDecision, deps: FollowDeps, facts: Facts): Promise<NewDecision | null> {
  const r = set.repos.find((x) => x.repo === d.repo)!;
  const message = `Merge ${r.branch} into ${r.base} (blue: coordinated change ${set.rfc}, after ${r.blocked_by.join(", ")})`;
  if (r.forge !== "none") {
    const forge = await forgeOf(set, r, deps);
    if (!forge) return null;
    try {
      if (d.action === "merge") {
        await forgeMerge(forge, r, facts.get(r.repo)?.head ?? null, message);
        deps.log(`${deps.realm} ${set.rfc}: ${r.repo}#${r.pr!.number} merged through ${forge.kind}`);
      } else {
        await forgeComment(forge, r, d.reason);
        deps.log(`${deps.realm} ${set.rfc}: commented on ${r.repo}#${r.pr!.number}`);
      }
      return null;
    } catch (e) {
      const why = (e as Error).message.split("\n")[0]!;
      deps.log(`${deps.realm} ${set.rfc}: ${d.action} of ${r.repo}#${r.pr!.number} failed: ${why}`);
      if (d.action !== "merge") return null;
      // A failure that may pass is recorded as such: a later look (this machine's or another's) tries again.
      if (mayPass(e)) {
        const n = set.decisions.filter((x) => x.repo === r.repo && x.action === "merge_failed").length + 1;
        return { key: `merge_failed ${r.repo} ${n}`, repo: r.repo, action: "merge_failed", reason: `merging ${r.repo}#${r.pr!.number} failed: ${why}` };
      }
      return { key: `cannot_merge ${r.repo} ${why}`, repo: r.repo, action: "cannot_merge", reason: `merging ${r.repo}#${r.pr!.number} failed: ${why}` };
    }
  }
  if (d.action !== "merge") return null; // on plain git the decision in the record is the note
  // Facts were only read from origins this machine may contact, so a merge decision names one; checked again here.
  const why = notContacted(r.remote_url!, deps);
  if (why) return { key: `cannot_merge ${r.repo} ${why}`, repo: r.repo, action: "cannot_merge", reason: `merging ${r.repo}:${r.branch} failed: ${why}` };
  const result = await mergeOnRemote(deps.cacheDir, r.remote_url!, r.branch, r.base, message).catch((e: Error) => ({ refused: e.message.split("\n")[0]! }));
  if (result === "merged" || result === "already") {
    deps.log(`${deps.realm} ${set.rfc}: ${r.repo}:${r.branch} ${result === "merged" ? "merged" : "was merged already"} into ${r.base}`);
    return null;
  }
  return { key: `cannot_merge ${r.repo} ${result.refused}`, repo: r.repo, action: "cannot_merge", reason: `merging ${r.repo}:${r.branch} failed: ${result.refused}` };
}

/** Why a plain-git origin named by a record is not contacted from here, if it is not. */
function notContacted(url: string, deps: FollowDeps): string | undefined {
  if (deps.unreachable) return deps.unreachable(url);
  return unpinnedGitOrigin(url, new Set());
}

/** A forge that did not answer, answered 5xx, or held a rate limit: the same merge may succeed later. A refusal
 *  (405 not mergeable, 409 head moved, 403 no rights) will not. */
function mayPass(e: unknown): boolean {
  return e instanceof Unreachable || e instanceof RateLimited || (e instanceof ForgeError && (e.status === undefined || e.status >= 500));
}

async function followSet(rfc: string, deps: FollowDeps, decided: FollowDecision[]): Promise<FollowedSet | null> {
  let last: FollowedSet | null = null;
  let followUp: NewDecision | null = null;
  for (let round = 0; round < 32; round++) {
    const stored = await readSet(deps.clone, rfc);
    if (!stored) return last;
    const facts = await factsOf(stored.set, deps);
    const plan = planFollow(stored.set, facts, (repo) => deps.mayMerge?.(stored.set, repo) ?? false, deps.now());
    last = { set: stored.set, repos: plan.repos };
    const d = followUp && !stored.set.decisions.some((x) => x.key === followUp!.key) ? followUp : plan.decisions[0];
    followUp = null;
    if (!d) return last;
    const full: FollowDecision = { ...d, by: deps.by, at: deps.now().toISOString() };
    const swapped = await swapSet(deps.clone, { ...stored.set, decisions: [...stored.set.decisions, full] }, stored.commit, `${d.action} ${d.repo}: ${d.reason}`);
    if (swapped === "lost") {
      deps.log(`${deps.realm} ${rfc}: ${d.key}: another machine updated the record first; reading its decision`);
      await fetchSetRefs(deps.clone);
      continue;
    }
    deps.log(`${deps.realm} ${rfc}: decided ${d.action} ${d.repo}: ${d.reason}`);
    decided.push(full);
    followUp = await act(stored.set, d, deps, facts);
  }
  return last;
}

/** Follow every coordinated change recorded in the realm. `fetch`: read the records from the realm remote first. */
export async function followRealm(deps: FollowDeps, opts: { fetch: boolean; only?: string }): Promise<FollowReport> {
  const decided: FollowDecision[] = [];
  const sets: FollowedSet[] = [];
  for (const { set } of await readSets(deps.clone, { fetch: opts.fetch })) {
    if (opts.only !== undefined && set.rfc !== opts.only) continue;
    const followed = await followSet(set.rfc, deps, decided);
    if (followed) sets.push(followed);
  }
  return { sets, decided };
}

/** The state of each repo of one set as the record and origins say now, deciding nothing. */
export async function followState(deps: FollowDeps, rfc: string): Promise<FollowedSet | null> {
  const stored = await readSet(deps.clone, rfc);
  if (!stored) return null;
  return { set: stored.set, repos: planFollow(stored.set, await factsOf(stored.set, deps), (repo) => deps.mayMerge?.(stored.set, repo) ?? false, deps.now()).repos };
}

/** Every decision in the followed sets, as the forge notifications of the repos they concern (each machine
 *  records them all, whichever machine took them). */
export function forgeNotices(report: FollowReport): { realm: string; set_id: string; decision: string; repo: string; kind: FollowDecision["action"]; message: string; decided_at: string; decided_by: string }[] {
  return report.sets.flatMap(({ set }) =>
    set.decisions.map((d) => ({ realm: set.realm, set_id: set.rfc, decision: d.key, repo: d.repo, kind: d.action, message: d.reason, decided_at: d.at, decided_by: d.by })),
  );
}

/** Approvals of open sync branches that went stale (sync/pending.ts: the branch changed after them), as forge
 *  notifications for the branch's repo: one per approver and branch head. */
export function staleSyncApprovals(realm: string, pending: readonly PendingSync[], at: string): ReturnType<typeof forgeNotices> {
  return pending.flatMap((p) =>
    (p.stale_approvals ?? []).map((who) => ({
      realm,
      set_id: p.branch,
      decision: `stale_approval ${who} ${p.sha}`,
      repo: p.repo,
      kind: "stale_approval" as const,
      message: `${who}'s approval of ${p.branch} is stale: the branch changed after it (approve again with 'blue realm approve ${p.branch}')`,
      decided_at: at,
      decided_by: "",
    })),
  );
}

/** The acknowledgements a provider's sync branch closed without merging blocked (plain git: deleted from the realm
 *  remote unmerged; a forge: its PR closed, not merged), as a `blocked` forge notification for each importer: it will
 *  not merge, and settle removes it (closing its PR on a forge, with one comment saying why). Read from the records in
 *  the realm remote (sync/closed.ts), so a daemon that fetches after another machine's settle removed them still
 *  tells its importer; the same on every machine (decided when and by whom the record says). Worded as what happened
 *  to the sync, not as a coordinated change: the versions were withdrawn and the importer owes nothing for them. */
export function closedSyncProviders(records: readonly ClosedSync[]): ReturnType<typeof forgeNotices> {
  return records.flatMap((c) =>
    c.importers.map((i) => ({
      realm: c.realm,
      set_id: c.branch,
      decision: `blocked ${i.branch} ${i.sha}`,
      repo: i.repo,
      kind: "blocked" as const,
      message: withdrawnMessage(c, i.branch),
      decided_at: c.learned_at,
      decided_by: c.learned_by,
    })),
  );
}

/** "s3-permissions 2.0.0 from aperture was withdrawn (sync/aperture/… closed without merging): …" */
export function withdrawnMessage(c: Pick<ClosedSync, "repo" | "branch" | "withdrawn">, ack: string): string {
  const what = c.withdrawn.length ? c.withdrawn.map((w) => `${w.contract} ${w.version}`).join(", ") : "a contract change";
  return `${what} from ${c.repo} was withdrawn (${c.branch} closed without merging): your acknowledgement ${ack} was closed; nothing to do unless ${c.repo} syncs again`;
}
