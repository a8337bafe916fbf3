// Forgejo (and Gitea) over its REST API v1: a thin client, Zod schemas for every body it sends and the fields
// it reads. Checked against Forgejo's own swagger description in tests/forge/forgejo.test.ts.
import { z } from "zod";
import type { Credential } from "./credentials.ts";
import type { BranchProtection, ChecksState, Forge, ForgeTarget, PullRequest, Review } from "./forge.ts";
import { ForgeHttp, type HttpOptions } from "./http.ts";
import { ForgeError } from "../errors.ts";

const NonEmpty = z.string().trim().min(1);

// What blue sends. The description marks few fields required, so these add what a real Forgejo needs.
const CreateRepoOption = z.strictObject({
  name: NonEmpty,
  description: z.string().optional(),
  private: z.boolean(),
  auto_init: z.literal(false),
  default_branch: NonEmpty,
});
const CreatePullRequestOption = z.strictObject({ title: NonEmpty, body: z.string(), head: NonEmpty, base: NonEmpty });
const EditPullRequestOption = z.strictObject({ title: NonEmpty.optional(), body: z.string().optional(), state: z.enum(["open", "closed"]).optional() });
const PullReviewRequestOptions = z.strictObject({ reviewers: z.array(NonEmpty).min(1) });
const CreateLabelOption = z.strictObject({ name: NonEmpty, color: z.string().regex(/^#[0-9a-f]{6}$/i) });
const IssueLabelsOption = z.strictObject({ labels: z.array(z.number().int()).min(1) });
const CreateIssueCommentOption = z.strictObject({ body: NonEmpty });
const CreatePullReviewOptions = z.strictObject({ event: z.enum(["APPROVED", "REQUEST_CHANGES", "COMMENT"]), body: z.string() });
const MergePullRequestOption = z.strictObject({
  Do: z.enum(["merge", "rebase", "rebase-merge", "squash", "fast-forward-only", "manually-merged"]),
  MergeMessageField: z.string().optional(),
  head_commit_id: z.string().optional(),
  merge_when_checks_succeed: z.boolean().optional(),
});
const IssueMeta = z.strictObject({ owner: NonEmpty, repo: NonEmpty, index: z.number().int() });
const CreateStatusOption = z.strictObject({
  state: z.enum(["pending", "success", "failure", "error"]),
  context: NonEmpty,
  description: z.string(),
  target_url: z.string().optional(),
});
// Branch protection: what blue sets. Forgejo has no code-owner rule; its approvals whitelist says whose approval counts.
const EditBranchProtectionOption = z.strictObject({
  enable_push: z.literal(false),
  enable_status_check: z.literal(true),
  status_check_contexts: z.array(NonEmpty).min(1),
  required_approvals: z.number().int().min(0),
  enable_approvals_whitelist: z.boolean(),
  approvals_whitelist_username: z.array(NonEmpty),
  block_on_rejected_reviews: z.literal(true),
  dismiss_stale_approvals: z.literal(true),
  apply_to_admins: z.literal(true),
});
// `rule_name` names the branch (or a glob of branches); `branch_name` is its deprecated spelling.
const CreateBranchProtectionOption = EditBranchProtectionOption.extend({ rule_name: NonEmpty });

// What blue reads: only the fields it uses; the rest passes through untouched.
const User = z.looseObject({ login: z.string() });
const Repository = z.looseObject({ clone_url: z.string(), html_url: z.string() });
const Branch = z.looseObject({ ref: z.string(), sha: z.string().nullish() });
const Label = z.looseObject({ id: z.number(), name: z.string() });
const CombinedStatus = z.looseObject({ state: z.string().nullish(), total_count: z.number().nullish() });
const ForgejoPull = z.looseObject({
  number: z.number(),
  html_url: z.string(),
  // A free string in the description; real servers say "open" or "closed", and `merged` tells a merge apart.
  state: z.string(),
  merged: z.boolean().nullish(),
  title: z.string(),
  body: z.string().nullish(),
  head: Branch,
  base: Branch,
  draft: z.boolean().nullish(),
  labels: z.array(Label).nullish(),
  user: User.nullish(),
});
const ForgejoProtection = z.looseObject({
  rule_name: z.string().nullish(),
  branch_name: z.string().nullish(),
  enable_push: z.boolean().nullish(),
  enable_status_check: z.boolean().nullish(),
  status_check_contexts: z.array(z.string()).nullish(),
  required_approvals: z.number().nullish(),
  enable_approvals_whitelist: z.boolean().nullish(),
  approvals_whitelist_username: z.array(z.string()).nullish(),
  block_on_rejected_reviews: z.boolean().nullish(),
  dismiss_stale_approvals: z.boolean().nullish(),
  apply_to_admins: z.boolean().nullish(),
});
const PullReview = z.looseObject({
  user: User.nullish(),
  state: z.string(),
  dismissed: z.boolean().nullish(),
  submitted_at: z.string().nullish(),
  commit_id: z.string().nullish(),
});

const LABEL_COLOURS: Record<string, string> = { breaking: "#d73a4a", compatible: "#0e8a16" };
const PAGE = 50;
const MAX_PAGES = 20;

function toPullRequest(p: z.infer<typeof ForgejoPull>): PullRequest {
  return {
    number: p.number,
    url: p.html_url,
    state: p.merged ? "merged" : p.state === "closed" ? "closed" : "open",
    title: p.title,
    body: p.body ?? "",
    head: p.head.ref,
    base: p.base.ref,
    ...(p.head.sha ? { head_sha: p.head.sha } : {}),
    // Forgejo marks drafts by a WIP prefix rather than a field.
    draft: p.draft ?? /^\s*(\[wip\]|wip:)/i.test(p.title),
    labels: (p.labels ?? []).map((l) => l.name),
    ...(p.user?.login ? { author: p.user.login } : {}),
  };
}

function toProtection(p: z.infer<typeof ForgejoProtection>): BranchProtection {
  return {
    checks: p.enable_status_check ? (p.status_check_contexts ?? []) : [],
    approvals: p.required_approvals ?? 0,
    code_owners: false,
    approvers: p.enable_approvals_whitelist ? (p.approvals_whitelist_username ?? []) : [],
    direct_push: p.enable_push ?? false,
    admins: p.apply_to_admins ?? false,
    dismiss_stale: p.dismiss_stale_approvals ?? false,
    block_on_rejected: p.block_on_rejected_reviews ?? false,
  };
}

/** An unknown review state counts as a comment: it never approves anything. */
function toReview(r: z.infer<typeof PullReview>): Review {
  const states: Record<string, Review["state"]> = { APPROVED: "approved", REQUEST_CHANGES: "changes_requested", COMMENT: "commented", PENDING: "pending", REQUEST_REVIEW: "pending" };
  return {
    user: r.user?.login ?? "",
    state: r.dismissed ? "dismissed" : (states[r.state] ?? "commented"),
    ...(r.submitted_at ? { submitted_at: r.submitted_at } : {}),
    ...(r.commit_id ? { commit_id: r.commit_id } : {}),
  };
}

export function createForgejo(target: ForgeTarget, credential: Credential, opts: HttpOptions): Forge {
  const http = new ForgeHttp(target, credential, { Authorization: `token ${credential.token}`, Accept: "application/json" }, opts);
  const seg = encodeURIComponent;
  const repoPath = (owner = target.owner, repo = target.repo) => `/repos/${seg(owner)}/${seg(repo)}`;
  const pulls = `${repoPath()}/pulls`;

  async function pages<T>(path: string, item: z.ZodType<T>, query: Record<string, string> = {}): Promise<T[]> {
    const out: T[] = [];
    for (let page = 1; page <= MAX_PAGES; page++) {
      const batch = await http.request("GET", path, { query: { ...query, page, limit: PAGE }, response: z.array(item) });
      out.push(...batch);
      if (batch.length < PAGE) break;
    }
    return out;
  }

  /** The protection rule named exactly like the branch (a glob rule covering it is the admin's own). */
  async function protectionRule(branch: string) {
    const rules = await http.request("GET", `${repoPath()}/branch_protections`, { response: z.array(ForgejoProtection) });
    return rules.find((r) => (r.rule_name || r.branch_name) === branch);
  }

  const forge: Forge = {
    kind: "forgejo",
    target,

    async createRepo(o) {
      const body = { schema: CreateRepoOption, value: { name: o.name, ...(o.description ? { description: o.description } : {}), private: o.private ?? true, auto_init: false, default_branch: "main" } };
      // An owner other than the token's user is an organisation.
      const me = o.owner ? (await http.request("GET", "/user", { response: User })).login : undefined;
      const path = o.owner && o.owner !== me ? `/orgs/${seg(o.owner)}/repos` : "/user/repos";
      const repo = await http.request("POST", path, { body, response: Repository });
      return { cloneUrl: repo.clone_url, htmlUrl: repo.html_url };
    },

    async openPullRequest(o) {
      const title = o.draft ? `WIP: ${o.title}` : o.title;
      const p = await http.request("POST", pulls, { body: { schema: CreatePullRequestOption, value: { title, body: o.body, head: o.head, base: o.base } }, response: ForgejoPull });
      return toPullRequest(p);
    },

    async updatePullRequest(n, o) {
      const p = await http.request("PATCH", `${pulls}/${n}`, { body: { schema: EditPullRequestOption, value: o }, response: ForgejoPull });
      return toPullRequest(p);
    },

    async closePullRequest(n) {
      await http.request("PATCH", `${pulls}/${n}`, { body: { schema: EditPullRequestOption, value: { state: "closed" } }, response: ForgejoPull });
    },

    async getPullRequest(n) {
      return toPullRequest(await http.request("GET", `${pulls}/${n}`, { response: ForgejoPull }));
    },

    async listOpenPullRequests(o = {}) {
      const all = (await pages(pulls, ForgejoPull, { state: "open" })).map(toPullRequest);
      return o.headPrefix ? all.filter((p) => p.head.startsWith(o.headPrefix!)) : all;
    },

    async findOpenPullRequest(head) {
      return (await forge.listOpenPullRequests()).find((p) => p.head === head);
    },

    async findPullRequest(head, base) {
      // Forgejo's list takes no head filter; its by-base-and-head route answers in one request (404: none).
      try {
        const p = toPullRequest(await http.request("GET", `${pulls}/${seg(base)}/${seg(head)}`, { response: ForgejoPull }));
        return p.head === head ? p : undefined;
      } catch (e) {
        if (e instanceof ForgeError && e.status === 404) return undefined;
        throw e;
      }
    },

    async requestReviewers(n, users) {
      if (users.length === 0) return;
      await http.request("POST", `${pulls}/${n}/requested_reviewers`, { body: { schema: PullReviewRequestOptions, value: { reviewers: users } } });
    },

    async addLabels(n, labels) {
      if (labels.length === 0) return;
      const existing = await pages(`${repoPath()}/labels`, Label);
      const ids: number[] = [];
      for (const name of labels) {
        let label = existing.find((l) => l.name === name);
        label ??= await http.request("POST", `${repoPath()}/labels`, {
          body: { schema: CreateLabelOption, value: { name, color: LABEL_COLOURS[name] ?? "#ededed" } },
          response: Label,
        });
        ids.push(label.id);
      }
      await http.request("POST", `${repoPath()}/issues/${n}/labels`, { body: { schema: IssueLabelsOption, value: { labels: ids } } });
    },

    async comment(n, body) {
      await http.request("POST", `${repoPath()}/issues/${n}/comments`, { body: { schema: CreateIssueCommentOption, value: { body } } });
    },

    async listReviews(n) {
      return (await pages(`${pulls}/${n}/reviews`, PullReview)).map(toReview);
    },

    async approve(n, body = "") {
      await http.request("POST", `${pulls}/${n}/reviews`, { body: { schema: CreatePullReviewOptions, value: { event: "APPROVED", body } } });
    },

    async merge(n, o = {}) {
      const value = {
        Do: o.method ?? "merge",
        ...(o.message ? { MergeMessageField: o.message } : {}),
        ...(o.sha ? { head_commit_id: o.sha } : {}),
        ...(o.whenChecksSucceed ? { merge_when_checks_succeed: true } : {}),
      };
      await http.request("POST", `${pulls}/${n}/merge`, { body: { schema: MergePullRequestOption, value } });
    },

    async addBlockedBy(n, dep) {
      // Issue dependencies work across repos on the same Forgejo; merge is refused while `dep` is open.
      await http.request("POST", `${repoPath()}/issues/${n}/dependencies`, { body: { schema: IssueMeta, value: { owner: dep.owner, repo: dep.repo, index: dep.number } } });
      return "linked";
    },

    async commitChecks(ref) {
      const c = await http.request("GET", `${repoPath()}/commits/${seg(ref)}/status`, { response: CombinedStatus });
      if (!c.total_count) return null;
      // CommitStatusState: "pending", "success", "error", "failure" (and "warning", which does not fail a PR).
      const state: ChecksState | undefined = c.state === "error" || c.state === "failure" ? "failure" : c.state === "pending" ? "pending" : c.state === "success" || c.state === "warning" ? "success" : undefined;
      return state ?? null;
    },

    async setCommitStatus(sha, s) {
      const value = { state: s.state, context: s.context, description: s.description, ...(s.targetUrl ? { target_url: s.targetUrl } : {}) };
      await http.request("POST", `${repoPath()}/statuses/${seg(sha)}`, { body: { schema: CreateStatusOption, value } });
    },

    async getBranchProtection(branch) {
      const rule = await protectionRule(branch);
      return rule ? toProtection(rule) : null;
    },

    async protectBranch(branch, rules) {
      const value = {
        enable_push: false as const,
        enable_status_check: true as const,
        status_check_contexts: rules.checks,
        required_approvals: rules.approvals,
        // An empty whitelist would let no approval count: without approvers, any approval does.
        enable_approvals_whitelist: rules.approvers.length > 0,
        approvals_whitelist_username: rules.approvers,
        block_on_rejected_reviews: true as const,
        dismiss_stale_approvals: true as const,
        apply_to_admins: true as const,
      };
      const rule = await protectionRule(branch);
      const name = rule?.rule_name || rule?.branch_name;
      if (name) {
        await http.request("PATCH", `${repoPath()}/branch_protections/${seg(name)}`, { body: { schema: EditBranchProtectionOption, value }, response: ForgejoProtection });
      } else {
        await http.request("POST", `${repoPath()}/branch_protections`, { body: { schema: CreateBranchProtectionOption, value: { rule_name: branch, ...value } }, response: ForgejoProtection });
      }
    },
  };
  return forge;
}
