// GitHub over its REST API (2022-11-28): a thin client, Zod schemas for every body it sends and the fields it
// reads. Checked against GitHub's own OpenAPI description (@octokit/openapi) in tests/forge/github.test.ts.
import { z } from "zod";
import type { Credential } from "./credentials.ts";
import { ForgeError } from "../errors.ts";
import type { BranchProtection, ChecksState, Forge, ForgeTarget, PullRequest, Review } from "./forge.ts";
import { ForgeHttp, type HttpOptions } from "./http.ts";

const NonEmpty = z.string().trim().min(1);

// What blue sends.
const CreateRepo = z.strictObject({ name: NonEmpty, description: z.string().optional(), private: z.boolean(), auto_init: z.literal(false) });
const CreatePull = z.strictObject({ title: NonEmpty, body: z.string(), head: NonEmpty, base: NonEmpty, draft: z.boolean() });
const UpdatePull = z.strictObject({ title: NonEmpty.optional(), body: z.string().optional(), state: z.enum(["open", "closed"]).optional() });
const RequestReviewers = z.strictObject({ reviewers: z.array(NonEmpty).min(1) });
const AddLabels = z.strictObject({ labels: z.array(NonEmpty).min(1) });
const CreateComment = z.strictObject({ body: NonEmpty });
const CreateReview = z.strictObject({ event: z.enum(["APPROVE", "REQUEST_CHANGES", "COMMENT"]), body: z.string().optional() });
const MergePull = z.strictObject({ merge_method: z.enum(["merge", "squash", "rebase"]), commit_message: z.string().optional(), sha: z.string().optional() });
const CreateStatus = z.strictObject({
  state: z.enum(["pending", "success", "failure", "error"]),
  context: NonEmpty,
  description: z.string().max(140),
  target_url: z.string().optional(),
});
// PUT .../branches/{branch}/protection replaces the whole protection: each of the four is required (null
// switches it off). `contexts` is what the description requires; GitHub remembers which app reported a check.
const UpdateBranchProtection = z.strictObject({
  required_status_checks: z.strictObject({ strict: z.boolean(), contexts: z.array(NonEmpty).min(1) }),
  enforce_admins: z.boolean(),
  required_pull_request_reviews: z.strictObject({
    dismiss_stale_reviews: z.boolean(),
    require_code_owner_reviews: z.boolean(),
    required_approving_review_count: z.number().int().min(0).max(6),
  }),
  restrictions: z.null(),
});

// What blue reads.
const User = z.looseObject({ login: z.string() });
const Repository = z.looseObject({ clone_url: z.string(), html_url: z.string() });
const Branch = z.looseObject({ ref: z.string(), sha: z.string() });
const GithubPull = z.looseObject({
  number: z.number(),
  html_url: z.string(),
  state: z.enum(["open", "closed"]),
  merged: z.boolean().nullish(),
  merged_at: z.string().nullish(),
  title: z.string(),
  body: z.string().nullish(),
  head: Branch,
  base: Branch,
  draft: z.boolean().nullish(),
  labels: z.array(z.looseObject({ name: z.string() })),
  user: User.nullish(),
});
const CombinedStatus = z.looseObject({ state: z.string(), total_count: z.number() });
const CheckRuns = z.looseObject({ total_count: z.number(), check_runs: z.array(z.looseObject({ status: z.string(), conclusion: z.string().nullish() })) });
const GithubReview = z.looseObject({ user: User.nullish(), state: z.string(), submitted_at: z.string().nullish(), commit_id: z.string().nullish() });
const GithubProtection = z.looseObject({
  required_status_checks: z.looseObject({ contexts: z.array(z.string()).nullish(), checks: z.array(z.looseObject({ context: z.string() })).nullish() }).nullish(),
  required_pull_request_reviews: z
    .looseObject({
      dismiss_stale_reviews: z.boolean().nullish(),
      require_code_owner_reviews: z.boolean().nullish(),
      required_approving_review_count: z.number().nullish(),
    })
    .nullish(),
  enforce_admins: z.looseObject({ enabled: z.boolean() }).nullish(),
});

const PER_PAGE = 100;
const MAX_PAGES = 10;

function toPullRequest(p: z.infer<typeof GithubPull>): PullRequest {
  return {
    number: p.number,
    url: p.html_url,
    // `merged` (single PR) is authoritative; lists carry only `merged_at`.
    state: (p.merged ?? Boolean(p.merged_at)) ? "merged" : p.state,
    title: p.title,
    body: p.body ?? "",
    head: p.head.ref,
    base: p.base.ref,
    head_sha: p.head.sha,
    draft: p.draft ?? false,
    labels: p.labels.map((l) => l.name),
    ...(p.user?.login ? { author: p.user.login } : {}),
  };
}

function toProtection(p: z.infer<typeof GithubProtection>): BranchProtection {
  const reviews = p.required_pull_request_reviews;
  const checks = [...(p.required_status_checks?.contexts ?? []), ...(p.required_status_checks?.checks ?? []).map((c) => c.context)];
  return {
    checks: [...new Set(checks)],
    approvals: reviews?.required_approving_review_count ?? 0,
    code_owners: reviews?.require_code_owner_reviews ?? false,
    approvers: [],
    // Required reviews mean every change to the branch comes through a pull request.
    direct_push: !reviews,
    admins: p.enforce_admins?.enabled ?? false,
    dismiss_stale: reviews?.dismiss_stale_reviews ?? false,
    // With reviews required, a review that asks for changes blocks the merge.
    block_on_rejected: Boolean(reviews),
  };
}

/** An unknown review state counts as a comment: it never approves anything. */
function toReview(r: z.infer<typeof GithubReview>): Review {
  const states: Record<string, Review["state"]> = { APPROVED: "approved", CHANGES_REQUESTED: "changes_requested", COMMENTED: "commented", PENDING: "pending", DISMISSED: "dismissed" };
  return { user: r.user?.login ?? "", state: states[r.state] ?? "commented", ...(r.submitted_at ? { submitted_at: r.submitted_at } : {}), ...(r.commit_id ? { commit_id: r.commit_id } : {}) };
}

export function createGithub(target: ForgeTarget, credential: Credential, opts: HttpOptions): Forge {
  const http = new ForgeHttp(
    target,
    credential,
    {
      Authorization: `Bearer ${credential.token}`,
      // GitHub's own media type first; the fallback is the one its description (and so a mock of it) lists.
      Accept: "application/vnd.github+json, application/json;q=0.9",
      "X-GitHub-Api-Version": "2022-11-28",
      "User-Agent": "blue-cli",
    },
    opts,
  );
  const seg = encodeURIComponent;
  const repoPath = `/repos/${seg(target.owner)}/${seg(target.repo)}`;
  const pulls = `${repoPath}/pulls`;

  async function pages<T>(path: string, item: z.ZodType<T>, query: Record<string, string> = {}): Promise<T[]> {
    const out: T[] = [];
    for (let page = 1; page <= MAX_PAGES; page++) {
      const batch = await http.request("GET", path, { query: { ...query, page, per_page: PER_PAGE }, response: z.array(item) });
      out.push(...batch);
      if (batch.length < PER_PAGE) break;
    }
    return out;
  }

  return {
    kind: "github",
    target,

    async createRepo(o) {
      const body = { schema: CreateRepo, value: { name: o.name, ...(o.description ? { description: o.description } : {}), private: o.private ?? true, auto_init: false } };
      // An owner other than the token's user is an organisation.
      const me = o.owner ? (await http.request("GET", "/user", { response: User })).login : undefined;
      const path = o.owner && o.owner !== me ? `/orgs/${seg(o.owner)}/repos` : "/user/repos";
      const repo = await http.request("POST", path, { body, response: Repository });
      return { cloneUrl: repo.clone_url, htmlUrl: repo.html_url };
    },

    async openPullRequest(o) {
      const value = { title: o.title, body: o.body, head: o.head, base: o.base, draft: o.draft ?? false };
      return toPullRequest(await http.request("POST", pulls, { body: { schema: CreatePull, value }, response: GithubPull }));
    },

    async updatePullRequest(n, o) {
      return toPullRequest(await http.request("PATCH", `${pulls}/${n}`, { body: { schema: UpdatePull, value: o }, response: GithubPull }));
    },

    async closePullRequest(n) {
      await http.request("PATCH", `${pulls}/${n}`, { body: { schema: UpdatePull, value: { state: "closed" } }, response: GithubPull });
    },

    async getPullRequest(n) {
      return toPullRequest(await http.request("GET", `${pulls}/${n}`, { response: GithubPull }));
    },

    async listOpenPullRequests(o = {}) {
      const all = (await pages(pulls, GithubPull, { state: "open" })).map(toPullRequest);
      return o.headPrefix ? all.filter((p) => p.head.startsWith(o.headPrefix!)) : all;
    },

    async findOpenPullRequest(head) {
      // GitHub filters by `owner:branch` itself; check the ref too, as a forge may ignore the filter.
      const found = await http.request("GET", pulls, { query: { state: "open", head: `${target.owner}:${head}` }, response: z.array(GithubPull) });
      return found.map(toPullRequest).find((p) => p.head === head);
    },

    async findPullRequest(head, base) {
      // Filtered by the forge (owner:branch and base), newest first: one request, one short page.
      const found = await http.request("GET", pulls, { query: { state: "all", head: `${target.owner}:${head}`, base, sort: "created", direction: "desc" }, response: z.array(GithubPull) });
      return found.map(toPullRequest).find((p) => p.head === head && p.base === base);
    },

    async requestReviewers(n, users) {
      if (users.length === 0) return;
      await http.request("POST", `${pulls}/${n}/requested_reviewers`, { body: { schema: RequestReviewers, value: { reviewers: users } } });
    },

    async addLabels(n, labels) {
      // GitHub creates labels that do not exist yet.
      if (labels.length === 0) return;
      await http.request("POST", `${repoPath}/issues/${n}/labels`, { body: { schema: AddLabels, value: { labels } } });
    },

    async comment(n, body) {
      await http.request("POST", `${repoPath}/issues/${n}/comments`, { body: { schema: CreateComment, value: { body } } });
    },

    async listReviews(n) {
      return (await pages(`${pulls}/${n}/reviews`, GithubReview)).map(toReview);
    },

    async approve(n, body) {
      await http.request("POST", `${pulls}/${n}/reviews`, { body: { schema: CreateReview, value: { event: "APPROVE", ...(body ? { body } : {}) } } });
    },

    async merge(n, o = {}) {
      const value = { merge_method: o.method ?? "merge", ...(o.message ? { commit_message: o.message } : {}), ...(o.sha ? { sha: o.sha } : {}) };
      await http.request("PUT", `${pulls}/${n}/merge`, { body: { schema: MergePull, value } });
    },

    async addBlockedBy() {
      // GitHub's issue dependencies accept issues, not pull requests: merge order goes in PR bodies and a status.
      return "unsupported";
    },

    async commitChecks(ref) {
      // GitHub Actions reports check runs; other CI reports commit statuses: both count.
      const [combined, runs] = await Promise.all([
        http.request("GET", `${repoPath}/commits/${seg(ref)}/status`, { response: CombinedStatus }),
        http.request("GET", `${repoPath}/commits/${seg(ref)}/check-runs`, { response: CheckRuns }),
      ]);
      const states: ("pending" | "success" | "failure")[] = [];
      if (combined.total_count > 0) states.push(combined.state === "success" ? "success" : combined.state === "pending" ? "pending" : "failure");
      for (const r of runs.check_runs) {
        if (r.status !== "completed") states.push("pending");
        else states.push(["success", "neutral", "skipped"].includes(r.conclusion ?? "") ? "success" : "failure");
      }
      return combineChecks(states);
    },

    async setCommitStatus(sha, s) {
      const value = { state: s.state, context: s.context, description: s.description.slice(0, 140), ...(s.targetUrl ? { target_url: s.targetUrl } : {}) };
      await http.request("POST", `${repoPath}/statuses/${seg(sha)}`, { body: { schema: CreateStatus, value } });
    },

    async getBranchProtection(branch) {
      try {
        return toProtection(await http.request("GET", `${repoPath}/branches/${seg(branch)}/protection`, { response: GithubProtection }));
      } catch (e) {
        // "Branch not protected".
        if (e instanceof ForgeError && e.status === 404) return null;
        throw e;
      }
    },

    async protectBranch(branch, rules) {
      const value = {
        required_status_checks: { strict: true, contexts: rules.checks },
        enforce_admins: true,
        required_pull_request_reviews: { dismiss_stale_reviews: true, require_code_owner_reviews: rules.code_owners, required_approving_review_count: rules.approvals },
        restrictions: null,
      };
      await http.request("PUT", `${repoPath}/branches/${seg(branch)}/protection`, { body: { schema: UpdateBranchProtection, value } });
    },
  };
}

/** Several reports (commit statuses, check runs) as one: any failure fails, else anything unfinished is pending. */
export function combineChecks(states: readonly ("pending" | "success" | "failure")[]): ChecksState {
  if (states.length === 0) return null;
  if (states.includes("failure")) return "failure";
  return states.includes("pending") ? "pending" : "success";
}
