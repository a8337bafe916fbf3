// The Forgejo client against a Prism mock of Forgejo's own swagger description: every method of the Forge
// interface is called, and the mock rejects any request the description does not allow.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { z } from "zod";
import { ExitCode, ForgeError, ForgeUnreachable } from "../../src/errors.ts";
import { createForge } from "../../src/forge/client.ts";
import type { Forge, ForgeTarget } from "../../src/forge/forge.ts";
import { ForgeHttp } from "../../src/forge/http.ts";
import { FORGEJO_SPEC, freePort, startPrism, type Prism } from "./prism.ts";

const TOKEN = "forgejo-secret-token-4c1d";
const credential = { token: TOKEN, source: "BLUE_FORGEJO_TOKEN" };
const haveSpec = existsSync(FORGEJO_SPEC);
if (!haveSpec) console.warn(`skipping Forgejo client tests: ${FORGEJO_SPEC} is absent (it lives in ../shared beside the project, not in it)`);

describe.skipIf(!haveSpec)("Forgejo client against Forgejo's swagger description", () => {
  let prism: Prism;
  let target: ForgeTarget;
  const calls: string[] = [];
  /** Records what the client sent, then forwards it to Prism unchanged. */
  const recording: typeof fetch = Object.assign(
    async (input: string | URL | Request, init?: RequestInit) => {
      const u = new URL(String(input));
      calls.push(`${init?.method ?? "GET"} ${u.pathname}${u.search} ${init?.body ?? ""}`.trim());
      return fetch(input, init);
    },
    { preconnect: fetch.preconnect },
  );
  let forge: Forge;

  beforeAll(async () => {
    prism = await startPrism(FORGEJO_SPEC);
    target = { kind: "forgejo", apiUrl: prism.url, webUrl: "https://git.example.com", host: "git.example.com", owner: "realms", repo: "letemcook" };
    forge = createForge(target, credential, { fetch: recording, attempts: 1 });
  });
  afterAll(() => prism?.stop());

  const last = () => calls.at(-1) ?? "";

  test("createRepo: under the token's user, and under an organisation", async () => {
    const mine = await forge.createRepo({ name: "letemcook", description: "realm" });
    expect(typeof mine.cloneUrl).toBe("string");
    expect(last()).toStartWith("POST /user/repos ");
    expect(JSON.parse(last().slice("POST /user/repos ".length))).toEqual({ name: "letemcook", description: "realm", private: true, auto_init: false, default_branch: "main" });
    await forge.createRepo({ name: "letemcook", owner: "realms" });
    expect(calls.at(-2)).toBe("GET /user");
    expect(last()).toStartWith("POST /orgs/realms/repos ");
  });

  test("openPullRequest, updatePullRequest, closePullRequest, getPullRequest map Forgejo's answer to a PullRequest", async () => {
    const pr = await forge.openPullRequest({ title: "aperture: s3-permissions 1.5.0", body: "| change |", head: "sync/aperture/20260124-100000", base: "main" });
    expect(last()).toStartWith("POST /repos/realms/letemcook/pulls ");
    expect(typeof pr.number).toBe("number");
    expect(["open", "closed", "merged"]).toContain(pr.state);
    const draft = await forge.openPullRequest({ title: "t", body: "", head: "h", base: "main", draft: true });
    expect(JSON.parse(last().split(" ").slice(2).join(" ")).title).toBe("WIP: t");
    expect(draft.url).toBeString();
    await forge.updatePullRequest(7, { body: "new body" });
    expect(last()).toBe('PATCH /repos/realms/letemcook/pulls/7 {"body":"new body"}');
    await forge.closePullRequest(7);
    expect(last()).toBe('PATCH /repos/realms/letemcook/pulls/7 {"state":"closed"}');
    const got = await forge.getPullRequest(7);
    expect(got.head).toBeString();
    expect(got.labels).toBeArray();
  });

  test("listOpenPullRequests and findOpenPullRequest read open PRs", async () => {
    const list = await forge.listOpenPullRequests({ headPrefix: "sync/" });
    expect(last()).toBe("GET /repos/realms/letemcook/pulls?state=open&page=1&limit=50");
    expect(list).toBeArray();
    // The mock's placeholder PR has head "string".
    expect(await forge.findOpenPullRequest("string")).toBeDefined();
    expect(await forge.findOpenPullRequest("sync/none")).toBeUndefined();
  });

  test("findPullRequest asks the by-base-and-head route once, the branch's slashes encoded (issue 20: no scan of closed PRs)", async () => {
    calls.length = 0;
    expect(await forge.findPullRequest("string", "main")).toBeDefined();
    expect(calls).toEqual(["GET /repos/realms/letemcook/pulls/main/string"]);
    // The mock's placeholder PR has head "string": another head is not this branch's PR.
    expect(await forge.findPullRequest("sync/aperture/20260124-150000", "main")).toBeUndefined();
    expect(last()).toBe("GET /repos/realms/letemcook/pulls/main/sync%2Faperture%2F20260124-150000");
    // Forgejo answers 404 when the branch has no PR into that base.
    const none = createForge(target, credential, { fetch: Object.assign(async () => Response.json({ message: "not found" }, { status: 404 }), { preconnect: fetch.preconnect }), attempts: 1 });
    expect(await none.findPullRequest("sync/none/1", "main")).toBeUndefined();
  });

  test("requestReviewers, comment, approve, listReviews", async () => {
    await forge.requestReviewers(7, ["fungal-maintainer"]);
    expect(last()).toBe('POST /repos/realms/letemcook/pulls/7/requested_reviewers {"reviewers":["fungal-maintainer"]}');
    await forge.comment(7, "acknowledged");
    expect(last()).toBe('POST /repos/realms/letemcook/issues/7/comments {"body":"acknowledged"}');
    await forge.approve(7, "ok");
    expect(last()).toBe('POST /repos/realms/letemcook/pulls/7/reviews {"event":"APPROVED","body":"ok"}');
    const reviews = await forge.listReviews(7);
    expect(reviews.length).toBeGreaterThan(0);
    // The mock's placeholder state is no real state: it must not count as an approval.
    expect(reviews.every((r) => r.state !== "approved")).toBe(true);
  });

  test("addLabels creates a missing label, then adds it by id", async () => {
    const before = calls.length;
    await forge.addLabels(7, ["compatible"]);
    const mine = calls.slice(before);
    expect(mine[0]).toBe("GET /repos/realms/letemcook/labels?page=1&limit=50");
    expect(mine[1]).toBe('POST /repos/realms/letemcook/labels {"name":"compatible","color":"#0e8a16"}');
    expect(mine[2]).toMatch(/^POST \/repos\/realms\/letemcook\/issues\/7\/labels \{"labels":\[-?\d+\]\}$/);
  });

  test("merge, addBlockedBy, setCommitStatus", async () => {
    await forge.merge(7, { method: "squash", message: "blue: merge" });
    expect(last()).toBe('POST /repos/realms/letemcook/pulls/7/merge {"Do":"squash","MergeMessageField":"blue: merge"}');
    expect(await forge.addBlockedBy(7, { owner: "realms", repo: "letemcook", number: 6 })).toBe("linked");
    expect(last()).toBe('POST /repos/realms/letemcook/issues/7/dependencies {"owner":"realms","repo":"letemcook","index":6}');
    await forge.setCommitStatus("abc123", { state: "pending", context: "blue/merge-order", description: "waits for #6" });
    expect(last()).toStartWith("POST /repos/realms/letemcook/statuses/abc123 ");
  });

  test("commitChecks reads the combined commit status", async () => {
    const checks = await forge.commitChecks("feat/metrics");
    expect(last()).toStartWith("GET /repos/realms/letemcook/commits/feat%2Fmetrics/status");
    // The description has no example: the mock makes one up, whose state may be any string; only a known one counts.
    expect([null, "pending", "success", "failure"]).toContain(checks);
  });

  test("protectBranch lists the rules first, then creates main's rule: no pushes, the check, approvals by the approvers", async () => {
    const before = calls.length;
    await forge.protectBranch("main", { checks: ["blue-ownership / blue-ownership (*)"], approvals: 1, code_owners: false, approvers: ["alice", "bob"] });
    const mine = calls.slice(before);
    expect(mine[0]).toBe("GET /repos/realms/letemcook/branch_protections");
    // The mock's one placeholder rule is named "string": main has none, so it is created.
    expect(mine[1]).toStartWith("POST /repos/realms/letemcook/branch_protections ");
    expect(JSON.parse(mine[1]!.slice("POST /repos/realms/letemcook/branch_protections ".length))).toEqual({
      rule_name: "main",
      enable_push: false,
      enable_status_check: true,
      status_check_contexts: ["blue-ownership / blue-ownership (*)"],
      required_approvals: 1,
      enable_approvals_whitelist: true,
      approvals_whitelist_username: ["alice", "bob"],
      block_on_rejected_reviews: true,
      dismiss_stale_approvals: true,
      apply_to_admins: true,
    });
    expect(mine.length).toBe(2);
  });

  test("protectBranch updates a rule that exists; with no approvers, any approval counts", async () => {
    await forge.protectBranch("string", { checks: ["blue-ownership / blue-ownership (*)"], approvals: 1, code_owners: false, approvers: [] });
    expect(last()).toStartWith("PATCH /repos/realms/letemcook/branch_protections/string ");
    const body = JSON.parse(last().slice("PATCH /repos/realms/letemcook/branch_protections/string ".length));
    expect(body.rule_name).toBeUndefined();
    expect(body.enable_approvals_whitelist).toBe(false);
    expect(body.approvals_whitelist_username).toEqual([]);
  });

  test("getBranchProtection finds the rule named like the branch, in blue's terms", async () => {
    expect(await forge.getBranchProtection("main")).toBeNull();
    expect(last()).toBe("GET /repos/realms/letemcook/branch_protections");
    const p = await forge.getBranchProtection("string");
    expect(p).not.toBeNull();
    expect(p!.code_owners).toBe(false);
    expect(p!.checks).toBeArray();
    expect(typeof p!.approvals).toBe("number");
    expect(typeof p!.direct_push).toBe("boolean");
  });

  test("the mock refuses a protection body of the wrong types", async () => {
    const http = new ForgeHttp(target, credential, { Authorization: `token ${TOKEN}` }, { attempts: 1 });
    const err = await http.request("POST", "/repos/realms/letemcook/branch_protections", { body: { schema: z.any(), value: { rule_name: "main", required_approvals: "one" } } }).catch((e) => e);
    expect(err).toBeInstanceOf(ForgeError);
    expect(err.status).toBe(422);
    expect(err.message).toContain("required_approvals");
  });

  test("the mock rejects a request that breaks the description, and the client says so", async () => {
    // A body the description forbids (title must be a string), sent past the client's own schema on purpose.
    const http = new ForgeHttp(target, credential, { Authorization: `token ${TOKEN}` }, { attempts: 1 });
    const err = await http.request("POST", "/repos/realms/letemcook/pulls", { body: { schema: z.any(), value: { title: 5 } } }).catch((e) => e);
    expect(err).toBeInstanceOf(ForgeError);
    expect(err.status).toBe(422);
    expect(err.message).toContain("title must be string");
  });

  test("a request the description allows but Forgejo would refuse is stopped by the client's own schema", async () => {
    const before = calls.length;
    const err = await forge.openPullRequest({ title: " ", body: "", head: "h", base: "main" }).catch((e) => e);
    expect(err).toBeInstanceOf(ForgeError);
    expect(err.message).toContain("refusing to send POST /repos/realms/letemcook/pulls");
    expect(calls.length).toBe(before);
  });

  test("a rejected token names its source and never shows the token", async () => {
    // Without the Authorization header the mock answers the description's 401.
    const noAuth: typeof fetch = Object.assign(
      (input: string | URL | Request, init?: RequestInit) => {
        const headers = new Headers(init?.headers);
        headers.delete("Authorization");
        return fetch(input, { ...init, headers });
      },
      { preconnect: fetch.preconnect },
    );
    const err = await createForge(target, credential, { fetch: noAuth, attempts: 1 }).getPullRequest(1).catch((e) => e);
    expect(err).toBeInstanceOf(ForgeError);
    expect(err.status).toBe(401);
    expect(err.message).toContain("rejected the token from BLUE_FORGEJO_TOKEN");
    expect(err.hint).toContain("BLUE_FORGEJO_TOKEN");
    expect(`${err.message}${err.hint}`).not.toContain(TOKEN);
  });

  test("5xx answers are retried, then reported as unreachable (exit 69)", async () => {
    let tries = 0;
    // The description lists a 500 for listing pulls; Prism serves it when asked with `Prefer: code=500`.
    const failing: typeof fetch = Object.assign(
      (input: string | URL | Request, init?: RequestInit) => {
        tries++;
        return fetch(input, { ...init, headers: { ...(init?.headers as Record<string, string>), Prefer: "code=500" } });
      },
      { preconnect: fetch.preconnect },
    );
    const err = await createForge(target, credential, { fetch: failing, attempts: 3, retryDelayMs: 1 }).listOpenPullRequests().catch((e) => e);
    expect(err).toBeInstanceOf(ForgeUnreachable);
    expect(err.exitCode).toBe(ExitCode.unavailable);
    expect(tries).toBe(3);
  });

  test("a POST whose connection dropped is sent once (it may have been done); one never connected is tried again", async () => {
    const sent: string[] = [];
    const dropping: typeof fetch = Object.assign(
      async (_input: string | URL | Request, init?: RequestInit) => {
        sent.push(init?.method ?? "GET");
        throw Object.assign(new TypeError("ECONNRESET: The socket connection was closed unexpectedly"), { code: "ECONNRESET" });
      },
      { preconnect: fetch.preconnect },
    );
    const forge = createForge(target, credential, { fetch: dropping, attempts: 3, retryDelayMs: 1 });
    expect(await forge.openPullRequest({ title: "t", body: "b", head: "feat/x", base: "main" }).catch((e) => e)).toBeInstanceOf(ForgeUnreachable);
    expect(sent).toEqual(["POST"]);
    sent.length = 0;
    expect(await forge.getPullRequest(1).catch((e) => e)).toBeInstanceOf(ForgeUnreachable);
    expect(sent).toEqual(["GET", "GET", "GET"]);
    const closed = { ...target, apiUrl: `http://127.0.0.1:${await freePort()}` };
    let tries = 0;
    const counting: typeof fetch = Object.assign((input: string | URL | Request, init?: RequestInit) => (tries++, fetch(input, init)), { preconnect: fetch.preconnect });
    await createForge(closed, credential, { fetch: counting, attempts: 3, retryDelayMs: 1 }).openPullRequest({ title: "t", body: "b", head: "feat/x", base: "main" }).catch(() => undefined);
    expect(tries).toBe(3);
  });

  test("a forge that does not answer is unreachable after bounded tries", async () => {
    const closed = { ...target, apiUrl: `http://127.0.0.1:${await freePort()}` };
    const err = await createForge(closed, credential, { attempts: 2, retryDelayMs: 1 }).getPullRequest(1).catch((e) => e);
    expect(err).toBeInstanceOf(ForgeUnreachable);
    expect(err.message).toContain("2 tries");
    expect(err.message).not.toContain(TOKEN);
  });
});
