// Open sync branches read as data: which contract versions each proposes and which imports it acknowledges.
// Pure: built from what branches.ts read out of the clone.
import { z } from "zod";
import type { BranchCommit } from "./branches.ts";
import type { RealmModel } from "../realm/load.ts";

export const PendingUpdate = z.object({ domain: z.string(), contract: z.string(), version: z.string(), compatible: z.boolean(), changes: z.array(z.string()) });
/** A waiver a branch adds or changes (issue 19): it needs the approval a breaking change needs. */
export const PendingWaiver = z.object({ domain: z.string(), contract: z.string(), rule: z.string(), pointer: z.string(), until: z.string() });
export const PendingAck = z.object({ domain: z.string(), repo: z.string(), contract: z.string(), resolved_version: z.string() });

export type PendingSync = {
  branch: string;
  repo: string;
  sha: string;
  synced_at: string;
  /** For an acknowledgement built on a provider's branch: that branch and the commit it started from. */
  base: { branch: string; sha: string } | null;
  base_merged: boolean;
  updates: z.infer<typeof PendingUpdate>[];
  acks: z.infer<typeof PendingAck>[];
  /** Waivers the branch adds or changes (absent: none). */
  waivers?: z.infer<typeof PendingWaiver>[];
  /** Approvers recorded on the branch (plain git: signed-off `Approved-by:` commits by the approver) whose approval
   *  is of the branch as it is. */
  approvals: string[];
  /** Approvers whose approval came before commits that changed the branch since (a new sync on it): flagged stale,
   *  and not counted, as a forge dismisses an approval when new commits arrive (issue 20). Absent: none. */
  stale_approvals?: string[];
  /** An acknowledgement whose base branch was rebuilt or removed: it no longer counts, and is removed. */
  obsolete: boolean;
  /** Obsolete because the base was closed without merging (not rebuilt): its importer is told it is blocked. */
  base_closed?: boolean;
  /** Files that conflict with main: the branch can no longer merge and its repo's next sync rebuilds it. */
  conflicts: string[];
  /** Parsed realm files as the branch has them. */
  contents: Map<string, unknown>;
};

const BRANCH_RE = /^sync\/([^/]+)\/[^/]+$/;

export function syncBranchRepo(branch: string): string | undefined {
  return BRANCH_RE.exec(branch)?.[1];
}

/** Commit trailers blue writes on a sync commit. */
export function syncTrailers(o: { repo: string; at: string; base: { branch: string; sha: string } | null }): string {
  return [`Blue-Sync: ${o.repo}`, `Blue-Synced-At: ${o.at}`, `Blue-Base: ${o.base ? `${o.base.branch}@${o.base.sha}` : "main"}`].join("\n");
}

/** The base named by the branch's own first commit (an acknowledgement branch also carries its base's commits). */
export function parseBase(commits: BranchCommit[], repo: string): PendingSync["base"] {
  const own = commits.find((c) => c.trailers["Blue-Sync"]?.[0] === repo) ?? commits[0];
  const raw = own?.trailers["Blue-Base"]?.[0];
  const m = raw && /^(sync\/\S+)@([0-9a-f]{7,64})$/.exec(raw);
  return m ? { branch: m[1]!, sha: m[2]! } : null;
}

export function toPending(
  read: { branch: string; sha: string; commits: BranchCommit[]; files: Map<string, unknown> },
  main: RealmModel,
  baseMerged: boolean,
): PendingSync | undefined {
  const repo = syncBranchRepo(read.branch);
  if (!repo) return undefined;
  const first = read.commits.find((c) => c.trailers["Blue-Sync"]?.[0] === repo) ?? read.commits[0];
  const updates: PendingSync["updates"] = [];
  const acks: PendingSync["acks"] = [];
  const waivers: PendingSync["waivers"] = [];
  const base = parseBase(read.commits, repo);
  for (const [file, data] of read.files) {
    const c = /^domains\/([^/]+)\/contracts\/([^/]+)\.ya?ml$/.exec(file);
    const w = /^domains\/([^/]+)\/waivers\/([^/]+)\.ya?ml$/.exec(file);
    const b = /^domains\/([^/]+)\/bindings\/([^/]+)\.ya?ml$/.exec(file);
    // An acknowledgement branch that merged main in (sync/run.ts writePlan) differs from its base in main's files
    // too: only its own bindings are what it says.
    if (base && (c || w || (b && b[2] !== repo))) continue;
    const doc = (data ?? {}) as Record<string, unknown>;
    if (c && typeof doc.version === "string") {
      const current = main.domains.get(c[1]!)?.contracts.get(String(doc.name ?? c[2]));
      if (current?.version === doc.version) continue;
      const entry = (Array.isArray(doc.evolution) ? doc.evolution : []).find((e: { version?: string }) => e?.version === doc.version) as
        | { compatible?: boolean; changes?: string[] }
        | undefined;
      updates.push({ domain: c[1]!, contract: String(doc.name ?? c[2]), version: doc.version, compatible: entry?.compatible !== false, changes: entry?.changes ?? [] });
    } else if (w) {
      // Every entry not on main as it is: a new waiver, or one whose scope, reason or date changed.
      const contract = String(doc.contract ?? w[2]);
      const key = (x: object) => JSON.stringify(Object.entries(x).sort(([a], [b]) => a.localeCompare(b)));
      const onMain = new Set((main.domains.get(w[1]!)?.waivers.get(contract)?.waivers ?? []).map(key));
      for (const x of (Array.isArray(doc.waivers) ? doc.waivers : []) as Record<string, unknown>[]) {
        if (!x || typeof x !== "object" || onMain.has(key(x))) continue;
        waivers.push({ domain: w[1]!, contract, rule: String(x.rule ?? ""), pointer: String(x.pointer ?? ""), until: String(x.until ?? "") });
      }
    } else if (b && Array.isArray(doc.imports)) {
      for (const imp of doc.imports as { contract?: string; resolved_version?: string }[]) {
        if (imp?.contract && imp.resolved_version) acks.push({ domain: b[1]!, repo: String(doc.repo ?? b[2]), contract: imp.contract, resolved_version: imp.resolved_version });
      }
    }
  }
  const approverOf = (c: BranchCommit) => ((c.trailers["Approved-by"] ?? []).some((a) => sameIdentity(a, c.committer_email) && (c.trailers["Signed-off-by"] ?? []).some((s) => sameIdentity(s, c.committer_email))) ? c.committer_email.toLowerCase() : null);
  // Commits are oldest first: an approval followed by a commit that is not itself an approval approved other content.
  const fresh = new Set<string>();
  const stale = new Set<string>();
  read.commits.forEach((c, i) => {
    const who = approverOf(c);
    if (!who) return;
    const changedSince = read.commits.slice(i + 1).some((later) => approverOf(later) === null);
    if (changedSince) stale.add(who);
    else fresh.add(who);
  });
  const approvals = [...fresh];
  const staleOnly = [...stale].filter((a) => !fresh.has(a));
  return {
    branch: read.branch,
    repo,
    sha: read.sha,
    synced_at: first?.trailers["Blue-Synced-At"]?.[0] ?? first?.committed_at ?? new Date(0).toISOString(),
    base,
    base_merged: baseMerged,
    updates,
    acks,
    waivers,
    approvals,
    ...(staleOnly.length ? { stale_approvals: staleOnly } : {}),
    conflicts: [],
    obsolete: false,
    contents: read.files,
  };
}

/** "Eric <eric@example.com>" and "eric@example.com" name the same person. */
function sameIdentity(trailer: string, email: string): boolean {
  const m = /<([^>]+)>/.exec(trailer);
  return (m ? m[1]! : trailer).trim().toLowerCase() === email.toLowerCase();
}
