// The one interface blue drives a forge through (DESIGN.md §3), the shapes it speaks in, and how a realm's
// forge is found: realm.yaml's `forge:` first, then the realm URL's host. The clients are built in client.ts.
import { z } from "zod";
import type { ForgeConfig } from "../realm/schema.ts";

export const ForgeKind = z.enum(["forgejo", "github", "none"]);
export type ForgeKind = z.infer<typeof ForgeKind>;

/** Where a realm's forge API is and which repo on it holds the realm. */
export const ForgeTarget = z.object({
  kind: ForgeKind,
  /** Full API base, e.g. https://git.example.com/api/v1 (Prism mocks serve at the root, so it is configuration). */
  apiUrl: z.string(),
  webUrl: z.string(),
  /** host[:port] of the forge, as `git credential` and credentials.yaml name it. */
  host: z.string(),
  owner: z.string(),
  repo: z.string(),
});
export type ForgeTarget = z.infer<typeof ForgeTarget>;

export const PullRequest = z.object({
  number: z.number(),
  url: z.string(),
  state: z.enum(["open", "closed", "merged"]),
  title: z.string(),
  body: z.string(),
  head: z.string(),
  base: z.string(),
  head_sha: z.string().optional(),
  draft: z.boolean(),
  labels: z.array(z.string()),
  author: z.string().optional(),
});
export type PullRequest = z.infer<typeof PullRequest>;

export const Review = z.object({
  user: z.string(),
  state: z.enum(["approved", "changes_requested", "commented", "pending", "dismissed"]),
  submitted_at: z.string().optional(),
  /** The head commit the review was given on: an approval of an older head is stale (issue 20). */
  commit_id: z.string().optional(),
});
export type Review = z.infer<typeof Review>;

export const CommitState = z.enum(["pending", "success", "failure", "error"]);
/** What a commit's CI says, all reports combined: null when nothing has reported on it. */
export const ChecksState = z.enum(["pending", "success", "failure"]).nullable();
export type ChecksState = z.infer<typeof ChecksState>;

export const MergeMethod = z.enum(["merge", "squash", "rebase"]);

/** What a realm's main must require before anything lands on it (`blue realm admin protect`), in terms both forges
 *  can say. Besides these, blue always asks for: no direct pushes, the rules binding admins too, stale approvals
 *  dismissed by a new commit, and a PR with changes requested blocked. */
export const BranchRules = z.object({
  /** Status checks that must pass, by the name the forge reports them under (Forgejo takes glob patterns). */
  checks: z.array(z.string()),
  approvals: z.number().int().min(0).max(6),
  /** GitHub: the code owners (CODEOWNERS) of the changed files must approve. Forgejo has no such rule. */
  code_owners: z.boolean(),
  /** Forgejo: only these users' approvals count (empty: anyone with write access). GitHub: CODEOWNERS says who. */
  approvers: z.array(z.string()),
});
export type BranchRules = z.infer<typeof BranchRules>;

/** A branch's protection as the forge has it, in the same terms, plus the settings blue always asks for. */
export const BranchProtection = BranchRules.extend({
  /** Anyone with write access may still push to the branch directly. */
  direct_push: z.boolean(),
  /** The rules bind the repo's admins too. */
  admins: z.boolean(),
  /** A new commit dismisses earlier approvals. */
  dismiss_stale: z.boolean(),
  /** A review asking for changes blocks the merge. */
  block_on_rejected: z.boolean(),
});
export type BranchProtection = z.infer<typeof BranchProtection>;

export interface Forge {
  kind: ForgeKind;
  target: ForgeTarget;
  createRepo(o: { name: string; owner?: string; private?: boolean; description?: string }): Promise<{ cloneUrl: string; htmlUrl: string }>;
  openPullRequest(o: { title: string; body: string; head: string; base: string; draft?: boolean }): Promise<PullRequest>;
  updatePullRequest(n: number, o: { title?: string; body?: string }): Promise<PullRequest>;
  /** Close a PR without merging it (its branch is the caller's to delete). */
  closePullRequest(n: number): Promise<void>;
  getPullRequest(n: number): Promise<PullRequest>;
  listOpenPullRequests(o?: { headPrefix?: string }): Promise<PullRequest[]>;
  findOpenPullRequest(head: string): Promise<PullRequest | undefined>;
  /** The newest PR from `head` into `base`, whatever its state (`state` says: open, closed unmerged, merged);
   *  undefined when there is none. One request, never a scan of the repo's PRs. */
  findPullRequest(head: string, base: string): Promise<PullRequest | undefined>;
  requestReviewers(n: number, users: string[]): Promise<void>;
  /** Creates missing labels first where the forge needs that (Forgejo adds labels by id). */
  addLabels(n: number, labels: string[]): Promise<void>;
  comment(n: number, body: string): Promise<void>;
  listReviews(n: number): Promise<Review[]>;
  approve(n: number, body?: string): Promise<void>;
  /** `sha`: merge only if the PR's head is still that commit. `whenChecksSucceed` (Forgejo): let the forge merge once
   *  the required checks pass, instead of at once. */
  merge(n: number, o?: { method?: z.infer<typeof MergeMethod>; message?: string; sha?: string; whenChecksSucceed?: boolean }): Promise<void>;
  /** Forgejo: an issue dependency (merge refused while `dep` is open). GitHub: "unsupported" (dependencies take issues, not PRs). */
  addBlockedBy(n: number, dep: { owner: string; repo: string; number: number }): Promise<"linked" | "unsupported">;
  /** The combined CI state of a commit (sha or branch): commit statuses, and on GitHub check runs too. */
  commitChecks(ref: string): Promise<ChecksState>;
  setCommitStatus(sha: string, s: { state: z.infer<typeof CommitState>; context: string; description: string; targetUrl?: string }): Promise<void>;
  /** The branch's protection, or null when it has none. */
  getBranchProtection(branch: string): Promise<BranchProtection | null>;
  /** Require `rules` on the branch, with no direct pushes, admins bound, stale approvals dismissed and a
   *  change request blocking: creates the branch's protection, or replaces (GitHub) / updates (Forgejo) it. */
  protectBranch(branch: string, rules: BranchRules): Promise<void>;
}

type Env = Record<string, string | undefined>;

/** A git remote URL split into scheme, host[:port] and path; undefined for local paths and file:// URLs. */
export function parseRemote(url: string): { scheme: string; host: string; hostname: string; path: string } | undefined {
  // scp-like ssh: git@github.com:owner/repo.git
  const scp = /^(?:[^@/\s]+@)?([^:/\s]+):(?!\/\/)(.+)$/.exec(url);
  if (scp && !url.includes("://") && !url.startsWith("/") && !url.startsWith(".")) {
    return { scheme: "ssh", host: scp[1]!, hostname: scp[1]!, path: scp[2]! };
  }
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return undefined;
  }
  const scheme = u.protocol.replace(/:$/, "");
  if (!["http", "https", "ssh", "git"].includes(scheme) || !u.hostname) return undefined;
  // ssh://host:2222 names the ssh port, not the forge's web port.
  const host = scheme === "http" || scheme === "https" ? u.host : u.hostname;
  return { scheme, host, hostname: u.hostname, path: decodeURIComponent(u.pathname) };
}

/** owner/repo from the last two segments of a remote path (a forge under a sub-path keeps its prefix out). */
export function ownerRepo(path: string): { owner: string; repo: string } {
  const parts = path.replace(/\/+$/, "").replace(/\.git$/, "").split("/").filter(Boolean);
  return { owner: parts.at(-2) ?? "", repo: parts.at(-1) ?? "" };
}

const trimSlash = (s: string) => s.replace(/\/+$/, "");

function none(realmUrl: string): ForgeTarget {
  const r = parseRemote(realmUrl);
  return { kind: "none", apiUrl: "", webUrl: "", host: r?.host ?? "", ...(r ? ownerRepo(r.path) : { owner: "", repo: "" }) };
}

/** The web URL that belongs to an API base: Forgejo's `/api/v1`, GitHub Enterprise's `/api/v3`, api.github.com. */
function webFromApi(kind: "forgejo" | "github", apiUrl: string): string {
  const u = new URL(apiUrl);
  if (kind === "github" && u.hostname === "api.github.com") return "https://github.com";
  return trimSlash(`${u.origin}${u.pathname.replace(/\/api\/v\d+\/?$/, "")}`);
}

/**
 * Which forge a realm uses. realm.yaml's `forge:` wins (its `url` is the API base); otherwise github.com URLs
 * are GitHub, a host named by BLUE_FORGEJO_URL (the RFC's CI variable) or codeberg.org is Forgejo, and
 * anything else (file://, local paths, other hosts) is plain git.
 */
export function detectForge(realmUrl: string, configured: ForgeConfig | undefined, env: Env): ForgeTarget {
  const remote = parseRemote(realmUrl);
  const fromUrl = remote ? ownerRepo(remote.path) : { owner: "", repo: "" };
  if (configured) {
    if (configured.type === "none") return none(realmUrl);
    const [cOwner, cRepo] = configured.repo?.split("/") ?? [];
    const names = cOwner && cRepo ? { owner: cOwner, repo: cRepo } : fromUrl;
    const apiUrl = trimSlash(
      configured.url ??
        (configured.type === "github"
          ? (env.BLUE_GITHUB_API_URL ?? (remote && remote.hostname !== "github.com" ? `https://${remote.host}/api/v3` : "https://api.github.com"))
          : (env.BLUE_FORGEJO_API_URL ?? `${remote?.scheme === "http" ? "http" : "https"}://${remote?.host ?? ""}/api/v1`)),
    );
    const webUrl = configured.type === "github" && !configured.url && !env.BLUE_GITHUB_API_URL ? "https://github.com" : webFromApi(configured.type, apiUrl);
    // The token is for the host that serves the API, wherever the git remote lives.
    return { kind: configured.type, apiUrl, webUrl, host: new URL(webUrl).host, ...names };
  }
  if (!remote) return none(realmUrl);
  if (remote.hostname === "github.com") {
    return { kind: "github", apiUrl: trimSlash(env.BLUE_GITHUB_API_URL ?? "https://api.github.com"), webUrl: "https://github.com", host: "github.com", ...fromUrl };
  }
  const forgejoUrl = env.BLUE_FORGEJO_URL ? safeUrl(env.BLUE_FORGEJO_URL) : undefined;
  if (remote.hostname === "codeberg.org" || forgejoUrl?.hostname === remote.hostname) {
    const web = forgejoUrl?.hostname === remote.hostname ? trimSlash(forgejoUrl.href) : `${remote.scheme === "http" ? "http" : "https"}://${remote.host}`;
    return { kind: "forgejo", apiUrl: trimSlash(env.BLUE_FORGEJO_API_URL ?? `${web}/api/v1`), webUrl: web, host: new URL(web).host, ...fromUrl };
  }
  return none(realmUrl);
}

function safeUrl(s: string): URL | undefined {
  try {
    return new URL(s);
  } catch {
    return undefined;
  }
}
