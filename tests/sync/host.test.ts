// A forge as the place sync branches become PRs, on a real realm clone (git over a file remote) with the GitHub
// client against a Prism mock of GitHub's own OpenAPI description: retiring a branch that can no longer merge
// comments on its PR, closes it, and deletes the branch.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createForge } from "../../src/forge/client.ts";
import type { Forge, ForgeTarget, Review } from "../../src/forge/forge.ts";
import type { RealmModel } from "../../src/realm/load.ts";
import { evaluate } from "../../src/sync/merge-policy.ts";
import { markClosedBases } from "../../src/sync/run.ts";
import { closedSyncProviders } from "../../src/follow/run.ts";
import { forgeSyncHost } from "../../src/sync/forge-host.ts";
import { plainGitHost } from "../../src/sync/host.ts";
import { GITHUB_SPEC, startPrism, type Prism } from "../forge/prism.ts";

const credential = { token: "ghp_secretTokenValue0000000000000000000", source: "GITHUB_TOKEN" };
// The branch GitHub's own example PR (number 1347) has as its head.
const BRANCH = "new-topic";

function git(cwd: string, ...args: string[]): string {
  const r = Bun.spawnSync(["git", ...args], { cwd, stderr: "pipe", env: { ...process.env, GIT_CONFIG_NOSYSTEM: "1", GIT_AUTHOR_NAME: "T", GIT_AUTHOR_EMAIL: "t@example.com", GIT_COMMITTER_NAME: "T", GIT_COMMITTER_EMAIL: "t@example.com" } });
  if (r.exitCode !== 0) throw new Error(`git ${args.join(" ")}: ${r.stderr.toString()}`);
  return r.stdout.toString().trim();
}

/** A bare remote holding main and BRANCH, and a clone of it. */
function realm(): { remote: string; clone: string } {
  const root = mkdtempSync(join(tmpdir(), "blue-synchost-"));
  dirs.push(root);
  const remote = join(root, "remote.git");
  git(root, "init", "-q", "--bare", "--initial-branch=main", remote);
  const clone = join(root, "clone");
  git(root, "clone", "-q", remote, clone);
  writeFileSync(join(clone, "realm.yaml"), "name: r\n");
  git(clone, "add", ".");
  git(clone, "commit", "-qm", "realm");
  git(clone, "push", "-q", "origin", "HEAD:refs/heads/main", `HEAD:refs/heads/${BRANCH}`);
  git(clone, "fetch", "-q", "origin");
  return { remote, clone };
}
const dirs: string[] = [];
const branches = (remote: string) => git(remote, "for-each-ref", "--format=%(refname:lstrip=2)", "refs/heads/").split("\n").sort();

describe("retiring a sync branch that can no longer merge", () => {
  let prism: Prism;
  const calls: { method: string; path: string; body?: unknown }[] = [];
  const recording: typeof fetch = Object.assign(
    async (input: string | URL | Request, init?: RequestInit) => {
      const u = new URL(String(input));
      calls.push({ method: init?.method ?? "GET", path: u.pathname, body: init?.body ? JSON.parse(String(init.body)) : undefined });
      return fetch(input, init);
    },
    { preconnect: fetch.preconnect },
  );

  beforeAll(async () => {
    prism = await startPrism(GITHUB_SPEC);
  });
  afterAll(() => {
    prism?.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  test("on a forge: a comment saying why, the PR closed, then the branch deleted", async () => {
    const { remote, clone } = realm();
    const target: ForgeTarget = { kind: "github", apiUrl: prism.url, webUrl: "https://github.com", host: "github.com", owner: "octo-org", repo: "realm-letemcook" };
    const host = forgeSyncHost(createForge(target, credential, { fetch: recording, attempts: 1 }), clone);
    await host.retire(BRANCH, "Closed by blue: obsolete.");
    expect(calls.map((c) => `${c.method} ${c.path}`)).toEqual([
      "GET /repos/octo-org/realm-letemcook/pulls",
      "POST /repos/octo-org/realm-letemcook/issues/1347/comments",
      "PATCH /repos/octo-org/realm-letemcook/pulls/1347",
    ]);
    expect(calls[1]!.body).toEqual({ body: "Closed by blue: obsolete." });
    expect(calls[2]!.body).toEqual({ state: "closed" });
    expect(branches(remote)).toEqual(["main"]);
  });

  test("on plain git: the branch deleted", async () => {
    const { remote, clone } = realm();
    await plainGitHost(clone).retire(BRANCH, "obsolete");
    expect(branches(remote)).toEqual(["main"]);
  });
});

describe("a forge sync PR's approvals (issue 20)", () => {
  const HEAD = "c".repeat(40);
  const OLD = "b".repeat(40);
  const forgeWith = (reviews: Review[]) =>
    ({
      kind: "github",
      target: { owner: "realms", repo: "r" },
      findOpenPullRequest: async (head: string) => ({ number: 7, url: "https://forge.example/pr/7", state: "open", title: "t", body: "", head, base: "main", head_sha: HEAD, draft: false, labels: [] }),
      listReviews: async () => reviews,
    }) as unknown as Forge;

  test("an approval given on an older head is stale and does not count; one on the head, or naming no commit, does", async () => {
    const host = forgeSyncHost(
      forgeWith([
        { user: "ana", state: "approved", commit_id: OLD },
        { user: "bo", state: "approved", commit_id: HEAD },
        { user: "cy", state: "approved" },
        { user: "di", state: "approved", commit_id: HEAD },
        { user: "di", state: "dismissed", commit_id: HEAD },
      ]),
      "/nonexistent",
    );
    expect(await host.describe(BRANCH)).toEqual({ ref: "#7", url: "https://forge.example/pr/7", approvals: ["bo", "cy"], stale_approvals: ["ana"] });
  });

  test("a realm approver whose approval is stale is waited for again, and told why", async () => {
    const approver = "ana";
    const host = forgeSyncHost(forgeWith([{ user: approver, state: "approved", commit_id: OLD }]), "/nonexistent");
    const pr = (await host.describe(BRANCH))!;
    const p = { branch: BRANCH, repo: "aperture", sha: HEAD, synced_at: new Date(0).toISOString(), base: null, base_merged: true, updates: [{ domain: "d", contract: "c", version: "2.0.0", compatible: false, changes: [] }], acks: [], approvals: [], stale_approvals: pr.stale_approvals, conflicts: [], obsolete: false, contents: new Map() };
    const model = { realm: { governance: { approvers: [approver], breaking_changes: { require_approval: true, grace_period_days: 14 } } }, domains: new Map() } as unknown as RealmModel;
    const v = evaluate(p, { model, pending: [p], now: new Date(), approvals: pr.approvals, pr: pr.ref });
    expect(v.due).toBe(false);
    expect(v.waiting_for).toEqual([`an approval of the breaking change to c by a realm approver (${approver}) (stale: ${approver} approved before the branch changed, so approve again)`]);
  });
});

describe("a provider's sync PR closed without merging, on a forge (issue 20)", () => {
  const PROVIDER = "sync/aperture/20260124-150000";
  const pr = (state: "open" | "closed" | "merged") => ({ number: 5, url: "u", state, title: "t", body: "", head: PROVIDER, base: "main", draft: false, labels: [] });
  const forgeWhere = (open: boolean, closed: "closed" | "merged" | null) =>
    ({ kind: "forgejo", target: { owner: "realms", repo: "r" }, findPullRequest: async (head: string, base: string) => (head === PROVIDER && base === "main" ? (open ? pr("open") : closed ? pr(closed) : undefined) : undefined) }) as unknown as Forge;
  const ack = () => ({ branch: "sync/fungal/20260124-153000", repo: "fungal", sha: "f".repeat(40), synced_at: new Date(0).toISOString(), base: { branch: PROVIDER, sha: "a".repeat(40) }, base_merged: false, updates: [], acks: [], approvals: [], conflicts: [], obsolete: false, contents: new Map() });

  test("closed and not merged: the acknowledgement built on it is obsolete (settle removes it, commenting on its PR) and its importer told it is blocked", async () => {
    const host = forgeSyncHost(forgeWhere(false, "closed"), "/nonexistent");
    expect(await host.closedUnmerged!(PROVIDER)).toBe(true);
    const pending = [ack()];
    await markClosedBases(pending, host);
    expect(pending[0]).toMatchObject({ obsolete: true, base_closed: true });
    expect(evaluate(pending[0]!, { model: { domains: new Map() } as unknown as RealmModel, pending, now: new Date() }).due).toBe(false);
    const record = { realm: "letemcook", branch: PROVIDER, repo: "aperture", main: "m".repeat(40), head: null, learned_by: "host-a:/home", learned_at: "2026-01-25T00:00:00.000Z", importers: [{ repo: "fungal", branch: "sync/fungal/20260124-153000", sha: "f".repeat(40) }], withdrawn: [{ domain: "s3-access", contract: "s3-permissions", version: "2.0.0" }], decisions: [] };
    expect(closedSyncProviders([record])).toEqual([
      {
        realm: "letemcook",
        set_id: PROVIDER,
        decision: `blocked sync/fungal/20260124-153000 ${"f".repeat(40)}`,
        repo: "fungal",
        kind: "blocked",
        message: `s3-permissions 2.0.0 from aperture was withdrawn (${PROVIDER} closed without merging): your acknowledgement sync/fungal/20260124-153000 was closed; nothing to do unless aperture syncs again`,
        decided_at: "2026-01-25T00:00:00.000Z",
        decided_by: "host-a:/home",
      },
    ]);
  });

  test("still open, merged, or never opened: nothing is blocked", async () => {
    for (const [open, closed] of [[true, "closed"], [false, "merged"], [false, null]] as const) {
      const host = forgeSyncHost(forgeWhere(open, closed), "/nonexistent");
      expect(await host.closedUnmerged!(PROVIDER)).toBe(false);
      const pending = [ack()];
      await markClosedBases(pending, host);
      expect(pending[0]!.obsolete).toBe(false);
    }
  });
});
