// What the daemon decides about a coordinated change each time it looks (issue 20): a dependent whose providers
// all merged is merged in merge order where the user opted in (--auto-merge) and it is ready (checks pass,
// required reviews given; a required review is never bypassed), and is told it is unblocked otherwise, or why
// it cannot merge; a dependent whose provider closed without merging is blocked, not merged. Every decision has
// a key, and a key in the record is never decided again: that is what makes it safe to look from two machines.
// Pure: the record and the forge's facts in, new decisions and each repo's state out.
import type { FollowAction, FollowDecision, FollowSet } from "./record.ts";

export type RepoFacts = {
  state: "open" | "merged" | "closed";
  /** Commit checks of the PR's head; null where there are none (plain git). */
  checks: "pending" | "success" | "failure" | null;
  /** Why it may not merge yet for want of a review (empty: no review is missing). */
  missing_reviews: string[];
  /** Approvals given before the branch's head moved (stale: they approved other code). */
  stale_approvals: string[];
};

export type NewDecision = Pick<FollowDecision, "key" | "repo" | "action" | "reason">;

export const FOLLOW_STATES = ["merged", "closed", "blocked", "ready", "waiting", "unknown"] as const;
export type FollowState = { repo: string; state: (typeof FOLLOW_STATES)[number]; note: string };

/** A merge that failed for a reason that may pass (a 5xx, a dropped connection: run.ts) is tried again by a later
 *  look, by whichever machine wins its key, at least this long after the failure (a daemon fetches every 5 min)
 *  and at most this many times in all; then the dependent is told it cannot merge. */
export const MERGE_RETRY_AFTER_MS = 60_000;
export const MERGE_ATTEMPTS = 3;

const decision = (repo: string, action: FollowAction, key: string, reason: string): NewDecision => ({ key: `${action} ${repo}${key ? ` ${key}` : ""}`, repo, action, reason });

/** `mayMerge`: whether this machine may merge a repo (its own user opted in here, follow/consent.ts); where it may
 *  not, an opted-in set's ready dependents are left to the machines that may. */
export function planFollow(set: FollowSet, facts: ReadonlyMap<string, RepoFacts>, mayMerge: (repo: string) => boolean = () => true, now?: Date): { decisions: NewDecision[]; repos: FollowState[] } {
  const taken = new Set(set.decisions.map((d) => d.key));
  const out: NewDecision[] = [];
  const repos: FollowState[] = [];
  const ordered = [...set.repos].sort((a, b) => a.position - b.position);
  const ref = (repo: string) => {
    const r = set.repos.find((x) => x.repo === repo);
    return r?.pr ? `${repo}#${r.pr.number}` : `${repo}:${r?.branch ?? set.branch}`;
  };
  let mergingOne = false;
  for (const r of ordered) {
    const f = facts.get(r.repo);
    if (!f) {
      repos.push({ repo: r.repo, state: "unknown", note: "its origin could not be read" });
      continue;
    }
    for (const who of f.stale_approvals) {
      const d = decision(r.repo, "stale_approval", `${who}`, `the approval by ${who} predates the branch's current head (rebased or force-pushed since)`);
      if (!taken.has(d.key)) out.push(d);
    }
    if (f.state !== "open") {
      repos.push({ repo: r.repo, state: f.state, note: f.state === "merged" ? `merged into ${r.base}` : "closed without merging" });
      continue;
    }
    const closed = r.blocked_by.filter((b) => facts.get(b)?.state === "closed");
    const blockedBefore = set.decisions.filter((d) => d.repo === r.repo && d.action === "blocked");
    if (closed.length > 0 || blockedBefore.length > 0) {
      for (const b of closed) {
        const d = decision(r.repo, "blocked", `by ${b}`, `${ref(b)}, which ${ref(r.repo)} depends on, was closed without merging: ${ref(r.repo)} must not merge as it is`);
        if (!taken.has(d.key)) out.push(d);
      }
      const why = closed.length ? closed : blockedBefore.map((d) => d.key.split(" by ").pop()!);
      repos.push({ repo: r.repo, state: "blocked", note: `blocked: ${why.map(ref).join(", ")} closed without merging` });
      continue;
    }
    const waiting = r.blocked_by.filter((b) => facts.get(b)?.state !== "merged");
    if (waiting.length > 0) {
      repos.push({ repo: r.repo, state: "waiting", note: `waits for ${waiting.map(ref).join(", ")} to merge` });
      continue;
    }
    if (r.blocked_by.length === 0) {
      repos.push({ repo: r.repo, state: "ready", note: "first to merge: merged by its maintainers" });
      continue;
    }
    const providers = r.blocked_by.map(ref).join(", ");
    const cannot = [...(f.checks === "failure" ? ["its checks fail"] : []), ...f.missing_reviews];
    if (!set.auto_merge) {
      const d = decision(r.repo, "unblocked", "", `${providers} merged: ${ref(r.repo)} is unblocked and may merge`);
      if (!taken.has(d.key)) out.push(d);
      repos.push({ repo: r.repo, state: "ready", note: `unblocked (${providers} merged)` });
    } else if (cannot.length > 0) {
      const d = decision(r.repo, "cannot_merge", cannot.join("; "), `${providers} merged, but ${ref(r.repo)} cannot merge: ${cannot.join("; ")}`);
      if (!taken.has(d.key)) out.push(d);
      repos.push({ repo: r.repo, state: "ready", note: `cannot merge yet: ${cannot.join("; ")}` });
    } else if (f.checks === "pending") {
      repos.push({ repo: r.repo, state: "ready", note: "merges once its checks pass" });
    } else if (!mayMerge(r.repo)) {
      repos.push({ repo: r.repo, state: "ready", note: "ready: merged by a machine whose user opted in (blue realm pr --auto-merge there)" });
    } else {
      // Each attempt has its own key (`merge middle`, then `merge middle retry 1`, ...), so each is won once.
      const failed = set.decisions.filter((x) => x.repo === r.repo && x.action === "merge_failed");
      const last = failed.at(-1);
      if (failed.length >= MERGE_ATTEMPTS) {
        const d = decision(r.repo, "cannot_merge", `after ${failed.length} failed merges`, `${providers} merged, but merging ${ref(r.repo)} failed ${failed.length} times (last: ${last!.reason}): merge it by hand`);
        if (!taken.has(d.key)) out.push(d);
        repos.push({ repo: r.repo, state: "ready", note: `cannot merge: ${failed.length} merges failed` });
        continue;
      }
      if (last && now && now.getTime() < Date.parse(last.at) + MERGE_RETRY_AFTER_MS) {
        repos.push({ repo: r.repo, state: "ready", note: `merging failed (${last.reason}): tried again after ${new Date(Date.parse(last.at) + MERGE_RETRY_AFTER_MS).toISOString()}` });
        continue;
      }
      const again = failed.length ? ` (again: the last attempt failed: ${last!.reason})` : "";
      const d = decision(r.repo, "merge", failed.length ? `retry ${failed.length}` : "", `${providers} merged, checks ${f.checks ?? "none"}, no review missing, auto-merge on: merging ${ref(r.repo)}${again}`);
      // One merge per look: the next dependent's facts change with it.
      if (!taken.has(d.key) && !mergingOne) {
        out.push(d);
        mergingOne = true;
      }
      repos.push({ repo: r.repo, state: "ready", note: taken.has(d.key) ? "merge decided" : "merging (auto-merge)" });
    }
  }
  return { decisions: out, repos };
}
