// The GitHub client against a Prism mock of GitHub's own OpenAPI description (@octokit/openapi): every method
// of the Forge interface is called, and the mock rejects any request the description does not allow.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { z } from "zod";
import { ForgeError, ForgeUnreachable } from "../../src/errors.ts";
import { createForge } from "../../src/forge/client.ts";
import type { Forge, ForgeTarget } from "../../src/forge/forge.ts";
import { combineChecks } from "../../src/forge/github.ts";
import { ForgeHttp } from "../../src/forge/http.ts";
import { GITHUB_SPEC, startPrism, type Prism } from "./prism.ts";

const TOKEN = "ghp_secretTokenValue0000000000000000000";
const credential = { token: TOKEN, source: "GITHUB_TOKEN" };

describe("GitHub client against GitHub's OpenAPI description", () => {
  let prism: Prism;
  let target: ForgeTarget;
  const calls: { method: string; path: string; body?: unknown; headers: Headers }[] = [];
  const recording: typeof fetch = Object.assign(
    async (input: string | URL | Request, init?: RequestInit) => {
      const u = new URL(String(input));
      calls.push({ method: init?.method ?? "GET", path: `${u.pathname}${u.search}`, body: init?.body ? JSON.parse(String(init.body)) : undefined, headers: new Headers(init?.headers) });
      return fetch(input, init);
    },
    { preconnect: fetch.preconnect },
  );
  let forge: Forge;
  const last = () => calls.at(-1)!;

  beforeAll(async () => {
    prism = await startPrism(GITHUB_SPEC);
    target = { kind: "github", apiUrl: prism.url, webUrl: "https://github.com", host: "github.com", owner: "octo-org", repo: "realm-letemcook" };
    forge = createForge(target, credential, { fetch: recording, attempts: 1 });
  });
  afterAll(() => prism?.stop());

  test("sends GitHub's headers", async () => {
    await forge.getPullRequest(1);
    const h = last().headers;
    expect(h.get("authorization")).toBe(`Bearer ${TOKEN}`);
    expect(h.get("accept")).toStartWith("application/vnd.github+json");
    expect(h.get("x-github-api-version")).toBe("2022-11-28");
  });

  test("createRepo: under the token's user, and under an organisation", async () => {
    const mine = await forge.createRepo({ name: "realm-letemcook" });
    expect(mine.cloneUrl).toStartWith("https://");
    expect(last()).toMatchObject({ method: "POST", path: "/user/repos", body: { name: "realm-letemcook", private: true, auto_init: false } });
    const org = await forge.createRepo({ name: "realm-letemcook", owner: "octo-org", description: "realm" });
    expect(calls.at(-2)).toMatchObject({ method: "GET", path: "/user" });
    expect(last()).toMatchObject({ method: "POST", path: "/orgs/octo-org/repos" });
    expect(org.htmlUrl).toStartWith("https://");
  });

  test("openPullRequest, updatePullRequest, closePullRequest, getPullRequest map GitHub's answer to a PullRequest", async () => {
    const pr = await forge.openPullRequest({ title: "aperture: s3-permissions 1.5.0", body: "| change |", head: "sync/aperture/20260124-100000", base: "main", draft: false });
    expect(last()).toMatchObject({ method: "POST", path: "/repos/octo-org/realm-letemcook/pulls", body: { head: "sync/aperture/20260124-100000", base: "main", draft: false } });
    // GitHub's examples are real-looking data: check the mapping, not just the types.
    expect(pr.number).toBe(1347);
    expect(pr.state).toBe("open");
    expect(pr.head).toBe("new-topic");
    expect(pr.head_sha).toBe("6dcb09b5b57875f334f61aebed695e2e4193db5e");
    expect(pr.labels).toEqual(["bug"]);
    expect(pr.author).toBe("octocat");
    await forge.updatePullRequest(1347, { title: "aperture: s3-permissions 1.5.1" });
    expect(last()).toMatchObject({ method: "PATCH", path: "/repos/octo-org/realm-letemcook/pulls/1347", body: { title: "aperture: s3-permissions 1.5.1" } });
    await forge.closePullRequest(1347);
    expect(last()).toMatchObject({ method: "PATCH", path: "/repos/octo-org/realm-letemcook/pulls/1347", body: { state: "closed" } });
    expect((await forge.getPullRequest(1347)).base).toBe("master");
  });

  test("listOpenPullRequests filters by head prefix; findOpenPullRequest asks for owner:branch", async () => {
    expect(await forge.listOpenPullRequests({ headPrefix: "sync/" })).toEqual([]);
    expect(last().path).toBe("/repos/octo-org/realm-letemcook/pulls?state=open&page=1&per_page=100");
    expect((await forge.listOpenPullRequests()).length).toBeGreaterThan(0);
    expect((await forge.findOpenPullRequest("new-topic"))?.number).toBe(1347);
    expect(last().path).toBe("/repos/octo-org/realm-letemcook/pulls?state=open&head=octo-org%3Anew-topic");
  });

  test("findPullRequest asks for owner:branch into base in any state, newest first: one request (issue 20)", async () => {
    const pr = await forge.findPullRequest("new-topic", "master");
    expect(last().path).toBe("/repos/octo-org/realm-letemcook/pulls?state=all&head=octo-org%3Anew-topic&base=master&sort=created&direction=desc");
    expect(pr?.number).toBe(1347);
    expect(await forge.findPullRequest("sync/none", "master")).toBeUndefined();
  });

  test("requestReviewers, addLabels, comment", async () => {
    await forge.requestReviewers(1347, ["fungal-maintainer"]);
    expect(last()).toMatchObject({ method: "POST", path: "/repos/octo-org/realm-letemcook/pulls/1347/requested_reviewers", body: { reviewers: ["fungal-maintainer"] } });
    await forge.addLabels(1347, ["breaking"]);
    expect(last()).toMatchObject({ method: "POST", path: "/repos/octo-org/realm-letemcook/issues/1347/labels", body: { labels: ["breaking"] } });
    await forge.comment(1347, "acknowledged");
    expect(last()).toMatchObject({ method: "POST", path: "/repos/octo-org/realm-letemcook/issues/1347/comments", body: { body: "acknowledged" } });
  });

  test("listReviews and approve", async () => {
    const reviews = await forge.listReviews(1347);
    expect(reviews[0]).toEqual({ user: "octocat", state: "approved", submitted_at: "2019-11-17T17:43:43Z", commit_id: "ecdd80bb57125d7ba9641ffaa4d7d2c19d3f3091" });
    await forge.approve(1347, "ok");
    expect(last()).toMatchObject({ method: "POST", path: "/repos/octo-org/realm-letemcook/pulls/1347/reviews", body: { event: "APPROVE", body: "ok" } });
  });

  test("merge, addBlockedBy (unsupported for PRs), setCommitStatus", async () => {
    await forge.merge(1347, { method: "squash", message: "blue: merge" });
    expect(last()).toMatchObject({ method: "PUT", path: "/repos/octo-org/realm-letemcook/pulls/1347/merge", body: { merge_method: "squash", commit_message: "blue: merge" } });
    const before = calls.length;
    expect(await forge.addBlockedBy(1347, { owner: "octo-org", repo: "realm-letemcook", number: 1346 })).toBe("unsupported");
    expect(calls.length).toBe(before);
    await forge.setCommitStatus("6dcb09b5b57875f334f61aebed695e2e4193db5e", { state: "pending", context: "blue/merge-order", description: "waits for #1346", targetUrl: "https://github.com/octo-org/realm-letemcook/pull/1346" });
    expect(last()).toMatchObject({ method: "POST", path: "/repos/octo-org/realm-letemcook/statuses/6dcb09b5b57875f334f61aebed695e2e4193db5e", body: { state: "pending" } });
  });

  test("commitChecks reads commit statuses and check runs, and combines them", async () => {
    const before = calls.length;
    const checks = await forge.commitChecks("feat/metrics");
    const paths = calls.slice(before).map((c) => `${c.method} ${c.path}`).sort();
    expect(paths).toEqual(["GET /repos/octo-org/realm-letemcook/commits/feat%2Fmetrics/check-runs", "GET /repos/octo-org/realm-letemcook/commits/feat%2Fmetrics/status"]);
    // The description's examples: a combined status "success" and one completed check run, "neutral".
    expect(checks).toBe("success");
    expect(combineChecks([])).toBeNull();
    expect(combineChecks(["success", "pending"])).toBe("pending");
    expect(combineChecks(["pending", "failure", "success"])).toBe("failure");
  });

  test("init --github's repo creation: token from the chain, realm.yaml's forge: from the target", async () => {
    const { initTarget, createRealmRepo } = await import("../../src/forge/create-realm-repo.ts");
    const env = { BLUE_GITHUB_API_URL: prism.url, GITHUB_TOKEN: TOKEN, PATH: "" };
    const t = initTarget({ name: "realm-letemcook", github: "octo-org" }, env);
    const created = await createRealmRepo(t, { description: "realm" }, { env, blueHome: "/nonexistent", http: { fetch: recording, attempts: 1 } });
    expect(created.forge).toEqual({ type: "github", url: prism.url, repo: "octo-org/realm-letemcook" });
    expect(created.tokenSource).toBe("GITHUB_TOKEN");
    expect(last().headers.get("authorization")).toBe(`Bearer ${TOKEN}`);
    expect(last()).toMatchObject({ method: "POST", path: "/orgs/octo-org/repos", body: { name: "realm-letemcook", description: "realm", private: true } });
  });

  test("protectBranch replaces main's protection: required check, code-owner review, admins bound, no push restrictions", async () => {
    await forge.protectBranch("main", { checks: ["blue-ownership"], approvals: 1, code_owners: true, approvers: [] });
    expect(last()).toMatchObject({ method: "PUT", path: "/repos/octo-org/realm-letemcook/branches/main/protection" });
    expect(last().body).toEqual({
      required_status_checks: { strict: true, contexts: ["blue-ownership"] },
      enforce_admins: true,
      required_pull_request_reviews: { dismiss_stale_reviews: true, require_code_owner_reviews: true, required_approving_review_count: 1 },
      restrictions: null,
    });
    // GitHub takes 0 to 6 approvals: more is stopped before anything is sent.
    const before = calls.length;
    const err = await forge.protectBranch("main", { checks: ["blue-ownership"], approvals: 7, code_owners: true, approvers: [] }).catch((e) => e);
    expect(err).toBeInstanceOf(ForgeError);
    expect(calls.length).toBe(before);
  });

  test("the mock refuses a protection body without the four fields GitHub requires", async () => {
    const http = new ForgeHttp(target, credential, { Authorization: `Bearer ${TOKEN}`, Accept: "application/vnd.github+json" }, { attempts: 1 });
    const body = { required_status_checks: { strict: true, contexts: ["blue-ownership"] }, enforce_admins: true, required_pull_request_reviews: null };
    const err = await http.request("PUT", "/repos/octo-org/realm-letemcook/branches/main/protection", { body: { schema: z.any(), value: body } }).catch((e) => e);
    expect(err).toBeInstanceOf(ForgeError);
    expect(err.status).toBe(422);
    expect(err.message).toContain("restrictions");
  });

  test("getBranchProtection reads GitHub's answer in blue's terms, and null for a branch that has none", async () => {
    const p = await forge.getBranchProtection("main");
    expect(last()).toMatchObject({ method: "GET", path: "/repos/octo-org/realm-letemcook/branches/main/protection" });
    // The description's example: travis required, two approvals with code owners, admins bound, stale reviews dismissed.
    expect(p).toEqual({
      checks: ["continuous-integration/travis-ci"],
      approvals: 2,
      code_owners: true,
      approvers: [],
      direct_push: false,
      admins: true,
      dismiss_stale: true,
      block_on_rejected: true,
    });
    // "Branch not protected" is the description's 404, which Prism serves when asked with `Prefer: code=404`.
    const notFound: typeof fetch = Object.assign(
      (input: string | URL | Request, init?: RequestInit) => fetch(input, { ...init, headers: { ...(init?.headers as Record<string, string>), Prefer: "code=404" } }),
      { preconnect: fetch.preconnect },
    );
    expect(await createForge(target, credential, { fetch: notFound, attempts: 1 }).getBranchProtection("main")).toBeNull();
  });

  test("the mock rejects a request that breaks the description, and the client says so", async () => {
    // merge_method must be one of merge|squash|rebase; sent past the client's own schema on purpose.
    const http = new ForgeHttp(target, credential, { Authorization: `Bearer ${TOKEN}`, Accept: "application/vnd.github+json" }, { attempts: 1 });
    const err = await http.request("PUT", "/repos/octo-org/realm-letemcook/pulls/1/merge", { body: { schema: z.any(), value: { merge_method: "octopus" } } }).catch((e) => e);
    expect(err).toBeInstanceOf(ForgeError);
    expect(err.status).toBe(422);
    expect(err.message).toContain("merge_method");
  });

  test("a forge that does not answer is unreachable, and the token stays out of the message", async () => {
    const closed = { ...target, apiUrl: "http://127.0.0.1:9" };
    const err = await createForge(closed, credential, { attempts: 2, retryDelayMs: 1 }).listReviews(1).catch((e) => e);
    expect(err).toBeInstanceOf(ForgeUnreachable);
    expect(err.message).not.toContain(TOKEN);
  });
});
