// Where sync branches become reviewable changes. `none` (plain git): the pushed branch is the proposal,
// approvals are signed-off commits on it, and blue merges it with git. A forge (Forgejo, GitHub): each
// branch gets a pull request with labels and reviewers, approvals are PR reviews, and the forge merges.
import { deleteSyncBranch, mergeSyncBranch, type MergeOutcome } from "./branches.ts";

export type PublishRequest = { branch: string; title: string; body: string; labels: string[]; reviewers: string[]; blockedBy: string | null };
export type Published = { ref: string; url: string | null; opened: boolean };

/** The journal's step names for one sync branch (sync/publish.ts). */
export const SYNC_STEPS = {
  pushed: "branch pushed",
  pr: "PR opened",
  found: "PR found",
  labels: "labels added",
  reviewers: "reviewers requested",
  linked: "dependency linked",
  acknowledged: "acknowledged",
  notified: "notified",
} as const;

/** How publish journals its steps: what an earlier run did (the detail, or undefined), and each step once done. */
export type StepLog = { done(step: string): string | null | undefined; record(step: string, detail?: string | null): void; doing?(step: string): void };

export interface SyncHost {
  readonly kind: "none" | "forgejo" | "github";
  /** Open the PR for a pushed sync branch, or update the one that is open; steps an earlier run did are skipped. */
  publish(req: PublishRequest, log?: StepLog): Promise<Published>;
  /** The open PR of a branch (undefined: the branch has none, or it was closed) and the forge's approvals of its
   *  head; `stale_approvals`: approvals of an older head, which do not count. */
  describe(branch: string): Promise<{ ref: string; url: string | null; approvals: string[]; stale_approvals?: string[] } | undefined>;
  /** Approve a provider's PR as its importer, where the forge allows it; returns what was done. */
  acknowledge(branch: string): Promise<string | null>;
  /** Approve a branch as a realm approver (forges: a PR review; plain git records a signed-off commit instead). */
  approve(branch: string): Promise<void>;
  merge(branch: string, message: string): Promise<MergeOutcome>;
  /** Whether the branch's PR was closed without merging (forges; on plain git that is the branch deleted unmerged,
   *  which readPending sees itself). A branch recorded closed in the realm remote (sync/closed.ts) is not looked up. */
  closedUnmerged?(branch: string): Promise<boolean>;
  /** Drop a branch that can no longer merge (its PR, on a forge, closed with `why` as a comment; null: closed
   *  without one, as another machine commented already). */
  retire(branch: string, why: string | null): Promise<void>;
}

export function plainGitHost(clone: string): SyncHost {
  return {
    kind: "none",
    publish: async (req) => ({ ref: req.branch, url: null, opened: false }),
    describe: async (branch) => ({ ref: branch, url: null, approvals: [] }),
    acknowledge: async () => null,
    approve: async () => undefined,
    merge: (branch, message) => mergeSyncBranch(clone, branch, message),
    retire: (branch) => deleteSyncBranch(clone, branch),
  };
}
