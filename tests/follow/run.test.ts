// Two machines following one coordinated change at the same moment, with real git: each has its own clone of
// the realm remote (the record's home) and its own bare caches, and both look at once, round after round with
// seeded offsets. The record's compare-and-swap lets exactly one of them take each decision and act on it.
import { describe, expect, test } from "bun:test";
import { git, realmWithTwoClones, useGitIdentity } from "../git-world.ts";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { followRealm, type FollowDeps } from "../../src/follow/run.ts";
import { publishSet } from "../../src/follow/record.ts";
import { rng } from "../seeded.ts";
import { ForgeError } from "../../src/errors.ts";
import type { Forge } from "../../src/forge/forge.ts";

useGitIdentity();

/** A realm remote with two clones, and provider → middle → consumer repos with feat/x on their origins. */
function world(root: string) {
  const { realm, clones } = realmWithTwoClones(root);
  const repos = ["provider", "middle", "consumer"].map((name, i) => {
    const origin = join(root, `${name}.git`);
    git(root, "init", "-q", "--bare", "-b", "main", origin);
    const dir = join(root, name);
    git(root, "init", "-q", "-b", "main", dir);
    writeFileSync(join(dir, "README.md"), `# ${name}\n`);
    git(dir, "add", ".");
    git(dir, "commit", "-qm", "initial");
    git(dir, "checkout", "-qb", "feat/x");
    writeFileSync(join(dir, "part.txt"), `${name}'s part\n`);
    git(dir, "add", ".");
    git(dir, "commit", "-qm", "part");
    git(dir, "push", "-q", origin, "main", "feat/x");
    return { repo: name, position: i + 1, remote_url: `file://${origin}`, branch: "feat/x", base: "main", forge: "none", pr: null, blocked_by: i ? [["provider", "middle"][i - 1]!] : [], head: git(dir, "rev-parse", "feat/x"), origin, dir };
  });
  return { realm, clones, repos };
}

describe("two machines following one set at once", () => {
  test("10 rounds: every merge decided and done exactly once", async () => {
    const random = rng(20_002);
    for (let round = 1; round <= 10; round++) {
      const root = mkdtempSync(join(tmpdir(), "blue-follow-"));
      const { realm, clones, repos } = world(root);
      await publishSet(clones[0]!, { realm: "rc", rfc: "x", branch: "feat/x", auto_merge: true, repos: repos.map(({ origin: _o, dir: _d, ...r }) => r) }, { auto_merge: true, by: "dev@example.com" });
      git(repos[0]!.dir, "push", "-q", repos[0]!.origin, "feat/x:main");
      const logs: string[] = [];
      const deps = (m: number): FollowDeps => ({ clone: clones[m]!, realm: "rc", cacheDir: join(root, `cache-${m}`), by: `machine-${m}`, now: () => new Date("2026-11-30T10:00:00Z"), log: (l) => logs.push(`${m} ${l}`), mayMerge: () => true });
      const delay = Math.floor(random() * 40);
      await Promise.all([0, 1].map((m) => Bun.sleep(m === 0 ? delay : 0).then(() => followRealm(deps(m), { fetch: true }))));
      // And once more each, as the next fetches would.
      await Promise.all([0, 1].map((m) => followRealm(deps(m), { fetch: true })));
      const record = parse(git(root, "--git-dir", realm, "show", "refs/blue/sets/x:set.yaml")) as { decisions: { key: string }[] };
      expect(record.decisions.map((d) => d.key)).toEqual(["merge middle", "merge consumer"]);
      for (const r of repos.slice(1)) expect(git(root, "--git-dir", r.origin, "rev-list", "--merges", "main").split("\n").filter(Boolean)).toHaveLength(1);
      expect(logs.filter((l) => l.includes(": decided merge"))).toHaveLength(2);
    }
  }, 240_000);

  test("a machine whose user did not opt in here merges nothing and notes nothing: it leaves the merges to one that did", async () => {
    const root = mkdtempSync(join(tmpdir(), "blue-follow-"));
    const { realm, clones, repos } = world(root);
    await publishSet(clones[0]!, { realm: "rc", rfc: "x", branch: "feat/x", auto_merge: true, repos: repos.map(({ origin: _o, dir: _d, ...r }) => r) }, { auto_merge: true, by: "dev@example.com" });
    git(repos[0]!.dir, "push", "-q", repos[0]!.origin, "feat/x:main");
    const report = await followRealm({ clone: clones[1]!, realm: "rc", cacheDir: join(root, "cache"), by: "other", now: () => new Date(), log: () => undefined }, { fetch: true });
    expect(report.decided).toEqual([]);
    expect(report.sets[0]!.repos.map((r) => [r.repo, r.state, r.note])).toEqual([
      ["provider", "merged", "merged into main"],
      ["middle", "ready", "ready: merged by a machine whose user opted in (blue realm pr --auto-merge there)"],
      ["consumer", "waiting", "waits for middle:feat/x to merge"],
    ]);
    expect(git(root, "--git-dir", realm, "show", "refs/blue/sets/x:set.yaml")).toContain("decisions: []");
  }, 60_000);

  test("a record naming an origin at a host not pinned here is not contacted: the repo is not followed, and the log says why", async () => {
    const root = mkdtempSync(join(tmpdir(), "blue-follow-"));
    const { clones, repos } = world(root);
    // Another team's record points the provider at a host of its choosing (a tarpit, an internal address).
    const named = repos.map(({ origin: _o, dir: _d, ...r }, i) => (i === 0 ? { ...r, remote_url: "ssh://git@tarpit.invalid/provider.git" } : r));
    await publishSet(clones[0]!, { realm: "rc", rfc: "x", branch: "feat/x", auto_merge: true, repos: named }, { auto_merge: true, by: "dev@example.com" });
    const logs: string[] = [];
    const report = await followRealm({ clone: clones[1]!, realm: "rc", cacheDir: join(root, "cache"), by: "m", now: () => new Date(), log: (l) => logs.push(l), mayMerge: () => true }, { fetch: true });
    expect(logs).toContain("rc x: provider's feat/x not followed: tarpit.invalid is not a host this machine pinned for the realm (pin it with 'blue realm trust --forge-host tarpit.invalid')");
    expect(report.decided).toEqual([]);
    // Contacting it would have failed (the name does not resolve) and been logged as a failed read.
    expect(logs.filter((l) => l.includes("tarpit.invalid") && l.includes("failed"))).toEqual([]);
  }, 60_000);

  test("records blue cannot follow are skipped, not fatal: not YAML, another change's name, too big", async () => {
    const root = mkdtempSync(join(tmpdir(), "blue-follow-"));
    const { clones } = world(root);
    const push = (name: string, text: string) => {
      const blob = spawnSync("git", ["hash-object", "-w", "--stdin"], { cwd: clones[0]!, input: text, encoding: "utf8" }).stdout.trim();
      const tree = spawnSync("git", ["mktree"], { cwd: clones[0]!, input: `100644 blob ${blob}\tset.yaml\n`, encoding: "utf8" }).stdout.trim();
      const commit = git(clones[0]!, "commit-tree", tree, "-m", name);
      git(clones[0]!, "push", "-q", "origin", `${commit}:refs/blue/sets/${name}`);
    };
    push("garbage", "{{{ not yaml");
    push("renamed", "realm: rc\nrfc: other\nbranch: feat/other\nauto_merge: true\nopted_in_by: null\nrepos: []\ndecisions: []\n");
    push("huge", `realm: rc\nrfc: huge\nbranch: feat/huge\nauto_merge: false\nopted_in_by: null\nrepos: []\ndecisions: []\n# ${"x".repeat(1024 * 1024)}\n`);
    const report = await followRealm({ clone: clones[1]!, realm: "rc", cacheDir: join(root, "cache"), by: "m", now: () => new Date(), log: () => undefined }, { fetch: true });
    expect(report).toEqual({ sets: [], decided: [] });
  }, 60_000);
});

describe("a merge the forge failed for a reason that may pass (issue 20)", () => {
  test("is recorded as failed and tried again by a later look, on any machine, after a minute: one merge in all", async () => {
    const root = mkdtempSync(join(tmpdir(), "blue-follow-"));
    const { realm, clones, repos } = world(root);
    // middle is on a forge (a stand-in: the first merge gets a 502, the second merges).
    const onForge = repos.map(({ origin: _o, dir: _d, ...r }) => (r.repo === "middle" ? { ...r, forge: "github", pr: { number: 5, url: "https://forge.example/middle/pull/5" } } : r));
    await publishSet(clones[0]!, { realm: "rc", rfc: "x", branch: "feat/x", auto_merge: true, repos: onForge }, { auto_merge: true, by: "dev@example.com" });
    git(repos[0]!.dir, "push", "-q", repos[0]!.origin, "feat/x:main");
    let state: "open" | "merged" = "open";
    const merges: unknown[] = [];
    const forge = {
      kind: "github",
      getPullRequest: async () => ({ number: 5, url: "", state, title: "", body: "", head: "feat/x", base: "main", head_sha: "c".repeat(40), draft: false, labels: [] }),
      commitChecks: async () => "success",
      listReviews: async () => [],
      getBranchProtection: async () => null,
      merge: async (_n: number, o: unknown) => {
        merges.push(o);
        if (merges.length === 1) throw new ForgeError("GitHub answered 502 Bad Gateway", undefined, 502);
        state = "merged";
      },
    } as unknown as Forge;
    const T = Date.parse("2026-11-30T10:00:00Z");
    const deps = (m: number, at: number): FollowDeps => ({ clone: clones[m]!, realm: "rc", cacheDir: join(root, `cache-${m}`), by: `machine-${m}`, now: () => new Date(at), log: () => undefined, mayMerge: () => true, forgeFor: async () => ({ forge }) });
    const keys = () => (parse(git(root, "--git-dir", realm, "show", "refs/blue/sets/x:set.yaml")) as { decisions: { key: string }[] }).decisions.map((d) => d.key);

    const first = await followRealm(deps(0, T), { fetch: true });
    expect(keys()).toEqual(["merge middle", "merge_failed middle 1"]);
    expect(first.sets[0]!.repos.find((r) => r.repo === "middle")!.note).toBe("merging failed (merging middle#5 failed: GitHub answered 502 Bad Gateway): tried again after 2026-11-30T10:01:00.000Z");
    expect((await followRealm(deps(1, T + 30_000), { fetch: true })).decided).toEqual([]);
    await followRealm(deps(1, T + 61_000), { fetch: true });
    expect(keys()).toEqual(["merge middle", "merge_failed middle 1", "merge middle retry 1", "merge consumer"]);
    await Promise.all([0, 1].map((m) => followRealm(deps(m, T + 120_000), { fetch: true })));
    expect(keys()).toHaveLength(4);
    expect(merges).toHaveLength(2);
  }, 60_000);

  test("a refusal that will not pass (405: not mergeable) is not tried again: the dependent is told it cannot merge", async () => {
    const root = mkdtempSync(join(tmpdir(), "blue-follow-"));
    const { realm, clones, repos } = world(root);
    const onForge = repos.map(({ origin: _o, dir: _d, ...r }) => (r.repo === "middle" ? { ...r, forge: "github", pr: { number: 5, url: "" } } : r));
    await publishSet(clones[0]!, { realm: "rc", rfc: "x", branch: "feat/x", auto_merge: true, repos: onForge }, { auto_merge: true, by: "dev@example.com" });
    git(repos[0]!.dir, "push", "-q", repos[0]!.origin, "feat/x:main");
    const forge = {
      kind: "github",
      getPullRequest: async () => ({ number: 5, url: "", state: "open", title: "", body: "", head: "feat/x", base: "main", head_sha: "c".repeat(40), draft: false, labels: [] }),
      commitChecks: async () => "success",
      listReviews: async () => [],
      getBranchProtection: async () => null,
      merge: async () => {
        throw new ForgeError("Pull Request is not mergeable", undefined, 405);
      },
    } as unknown as Forge;
    const deps: FollowDeps = { clone: clones[0]!, realm: "rc", cacheDir: join(root, "cache"), by: "m", now: () => new Date("2026-11-30T10:00:00Z"), log: () => undefined, mayMerge: () => true, forgeFor: async () => ({ forge }) };
    await followRealm(deps, { fetch: true });
    await followRealm({ ...deps, now: () => new Date("2026-11-30T11:00:00Z") }, { fetch: true });
    expect((parse(git(root, "--git-dir", realm, "show", "refs/blue/sets/x:set.yaml")) as { decisions: { key: string }[] }).decisions.map((d) => d.key)).toEqual(["merge middle", "cannot_merge middle Pull Request is not mergeable"]);
  }, 60_000);
});
