// `blue realm pr` through the compiled binary: a provider → middle → consumer chain of real repos, each with a
// bare file:// origin (plain git: no forge, so branches are pushed and no PR is opened).
import { afterAll, describe, expect, test } from "bun:test";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PrDoc, PrStatusDoc } from "../../src/pr/plan.ts";
import { Sandbox, stackTrace } from "./sandbox.ts";

const sandboxes: Sandbox[] = [];
afterAll(() => {
  for (const sb of sandboxes) sb.shutDaemon();
}, 60_000);

function chainRealm() {
  const sb = new Sandbox();
  sandboxes.push(sb);
  const [provider, middle, consumer] = ["provider", "middle", "consumer"].map((r) => sb.repo(r)) as [string, string, string];
  const steps = [
    sb.blue(sb.root, "realm", "admin", "init", "--name", "rc"),
    sb.blue(provider, "realm", "admin", "join", "rc"),
    sb.blue(provider, "realm", "admin", "domain", "create", "upstream", "--repos", "provider,middle", "--contract", "c1"),
    sb.blue(provider, "realm", "admin", "domain", "create", "downstream", "--repos", "middle,consumer", "--contract", "c2"),
    sb.blue(middle, "realm", "admin", "join", "rc"),
    sb.blue(consumer, "realm", "admin", "join", "rc"),
    sb.blue(middle, "realm", "worktree", "--rfc", "x"),
  ];
  for (const s of steps) if (s.code !== 0) throw new Error(s.stderr);
  return { sb, provider, middle, consumer };
}

describe("blue realm pr on plain git remotes", () => {
  const { sb, provider, middle, consumer } = chainRealm();
  const repos = { provider, middle, consumer };
  const remote = (name: string) => sb.path("remotes", `${name}.git`);
  const remoteBranch = (name: string) => sb.git(sb.root, "--git-dir", remote(name), "for-each-ref", "--format=%(objectname)", "refs/heads/feat/x");
  const wt = (dir: string) => join(dir, ".worktrees", "feat-x");

  test("--dry-run reports every repo without origin, exits 1 as the real run would, and pushes nothing", () => {
    for (const name of Object.keys(repos)) sb.git(sb.root, "init", "-q", "--bare", remote(name));
    const r = sb.blue(middle, "realm", "pr", "--rfc", "x", "--title", "feat: x", "--dry-run");
    expect(r.code).toBe(1);
    expect(r.stdout).toBe(
      [
        "Plan for 'feat/x' (dry run, nothing pushed or opened):",
        "  1. provider: push feat/x to origin; no forge: no PR (merge first — blocks middle:feat/x)",
        "  2. middle: push feat/x to origin; no forge: no PR (merge second — blocked by provider:feat/x)",
        "  3. consumer: push feat/x to origin; no forge: no PR (merge third — blocked by middle:feat/x)",
        "Merge order: provider:feat/x → middle:feat/x → consumer:feat/x",
        "✗ provider: no 'origin' remote",
        "✗ middle: no 'origin' remote",
        "✗ consumer: no 'origin' remote",
        "",
      ].join("\n"),
    );
    expect(r.stderr).toBe(
      "error: blue realm pr would refuse: no 'origin' remote in provider, middle, consumer: nothing would be pushed\nAdd one (git remote add origin <url>) in each, then run 'blue realm pr' again.\n",
    );
    const json = sb.blue(middle, "realm", "pr", "--rfc", "x", "--title", "feat: x", "--dry-run", "--json");
    expect(json.code).toBe(1);
    const doc = PrDoc.parse(JSON.parse(json.stdout));
    expect(doc.order).toEqual(["provider", "middle", "consumer"]);
    expect(doc.refusals.map((x) => [x.repo, x.kind])).toEqual([["provider", "no-origin"], ["middle", "no-origin"], ["consumer", "no-origin"]]);
    expect(doc.repos[2]!.body).toContain("**This PR: merge third — blocked by middle:feat/x.**");
    expect(doc.repos.map((x) => x.push)).toEqual(["pending", "pending", "pending"]);
    for (const name of Object.keys(repos)) expect(remoteBranch(name)).toBe("");
  });

  test("refuses before pushing anything when a repo has no origin", () => {
    sb.git(provider, "remote", "add", "origin", `file://${remote("provider")}`);
    sb.git(middle, "remote", "add", "origin", `file://${remote("middle")}`);
    const dry = sb.blue(middle, "realm", "pr", "--rfc", "x", "--title", "feat: x", "--dry-run");
    expect(dry.code).toBe(1);
    expect(dry.stderr).toStartWith("error: blue realm pr would refuse: no 'origin' remote in consumer: nothing would be pushed\n");
    const r = sb.blue(middle, "realm", "pr", "--rfc", "x", "--title", "feat: x");
    expect(r.code).toBe(1);
    expect(r.stderr).toStartWith("error: no 'origin' remote in consumer: nothing was pushed\n");
    expect(remoteBranch("provider")).toBe("");
  });

  test("refuses a worktree with uncommitted changes, in the dry run and the real run alike", () => {
    sb.git(consumer, "remote", "add", "origin", `file://${remote("consumer")}`);
    writeFileSync(join(wt(middle), "scratch.txt"), "not committed\n");
    const dry = sb.blue(consumer, "realm", "pr", "--rfc", "x", "--title", "feat: x", "--dry-run");
    expect(dry.code).toBe(1);
    expect(dry.stdout).toEndWith("✗ middle: uncommitted changes in .worktrees/feat-x (scratch.txt)\n");
    expect(dry.stderr).toBe(
      "error: blue realm pr would refuse: uncommitted changes in middle's .worktrees/feat-x (scratch.txt): nothing would be pushed\nCommit or stash them, then run 'blue realm pr' again.\n",
    );
    const r = sb.blue(consumer, "realm", "pr", "--rfc", "x", "--title", "feat: x");
    expect(r.code).toBe(1);
    expect(r.stderr).toStartWith("error: uncommitted changes in middle's .worktrees/feat-x (scratch.txt): nothing was pushed\n");
    expect(remoteBranch("provider")).toBe("");
    rmSync(join(wt(middle), "scratch.txt"));
    const clean = sb.blue(consumer, "realm", "pr", "--rfc", "x", "--title", "feat: x", "--dry-run");
    expect(clean.stderr).toBe("");
    expect(clean.code).toBe(0);
    expect(clean.stdout).toBe(
      [
        "Plan for 'feat/x' (dry run, nothing pushed or opened):",
        "  1. provider: push feat/x to origin; no forge: no PR (merge first — blocks middle:feat/x)",
        "  2. middle: push feat/x to origin; no forge: no PR (merge second — blocked by provider:feat/x)",
        "  3. consumer: push feat/x to origin; no forge: no PR (merge third — blocked by middle:feat/x)",
        "Merge order: provider:feat/x → middle:feat/x → consumer:feat/x",
        "",
      ].join("\n"),
    );
  });

  test("pushes feat/<rfc> in every repo to its origin and prints the merge order; the RFC comes from the worktree's branch", () => {
    writeFileSync(join(wt(middle), "change.txt"), "middle's part\n");
    sb.git(wt(middle), "add", "change.txt");
    sb.git(wt(middle), "commit", "-q", "-m", "middle's part");
    const body = sb.path("body.md");
    writeFileSync(body, "Training metrics v2.\n");
    const r = sb.blue(wt(consumer), "realm", "pr", "--title", "feat: x", "--body-file", body);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        "Coordinated PRs for 'feat/x':",
        "✓ provider: pushed feat/x to origin (merge first — blocks middle:feat/x)",
        "✓ middle: pushed feat/x to origin (merge second — blocked by provider:feat/x)",
        "✓ consumer: pushed feat/x to origin (merge third — blocked by middle:feat/x)",
        "No forge for provider, middle, consumer: no PR can be opened there; the branches are pushed.",
        "Merge order: provider:feat/x → middle:feat/x → consumer:feat/x",
        "",
      ].join("\n"),
    );
    for (const [name, dir] of Object.entries(repos)) expect(remoteBranch(name)).toBe(sb.git(dir, "rev-parse", "feat/x"));
  });

  test("a rerun pushes again only what changed", () => {
    const before = Object.keys(repos).map(remoteBranch);
    const same = PrDoc.parse(JSON.parse(sb.blue(provider, "realm", "pr", "--rfc", "x", "--title", "feat: x", "--json").stdout));
    expect(same.repos.map((x) => x.push)).toEqual(["up-to-date", "up-to-date", "up-to-date"]);
    expect(Object.keys(repos).map(remoteBranch)).toEqual(before);

    writeFileSync(join(wt(consumer), "more.txt"), "more\n");
    sb.git(wt(consumer), "add", "more.txt");
    sb.git(wt(consumer), "commit", "-q", "-m", "more");
    const again = PrDoc.parse(JSON.parse(sb.blue(provider, "realm", "pr", "--rfc", "x", "--title", "feat: x", "--json").stdout));
    expect(again.repos.map((x) => x.push)).toEqual(["up-to-date", "up-to-date", "pushed"]);
    expect(remoteBranch("consumer")).toBe(sb.git(consumer, "rev-parse", "feat/x"));
  });

  test("--status shows each branch's state and which repo may merge next", () => {
    writeFileSync(join(wt(middle), "local.txt"), "not pushed yet\n");
    sb.git(wt(middle), "add", "local.txt");
    sb.git(wt(middle), "commit", "-q", "-m", "local");
    // The provider's branch has nothing of its own: merged as far as origin's main is concerned.
    for (const dir of Object.values(repos)) sb.git(dir, "push", "-q", "origin", "main");
    const r = sb.blue(wt(middle), "realm", "pr", "--status", "--json");
    expect(r.code).toBe(0);
    const doc = PrStatusDoc.parse(JSON.parse(r.stdout));
    expect(doc.repos.map((x) => [x.repo, x.pushed, x.ahead, x.behind, x.commits, x.merged])).toEqual([
      ["provider", true, 0, 0, 0, true],
      ["middle", true, 1, 0, 2, false],
      ["consumer", true, 0, 0, 1, false],
    ]);
    expect(doc.next).toBe("middle");
    const text = sb.blue(wt(middle), "realm", "pr", "--status");
    expect(text.stdout).toContain("  2. middle: pushed; 1 ahead, 0 behind origin · 2 commits not in main · no PR · after provider\n");
    // Then what the daemons following the set (recorded by the runs above) see; they decided nothing yet.
    expect(text.stdout).toEndWith(
      "Next to merge: middle\nFollowed by the daemons: auto-merge off (dependents are told when they are unblocked)\n  middle: unblocked (provider:feat/x merged)\n  consumer: waits for middle:feat/x to merge\n",
    );
  });

  test("bad input is one line and exit 64", () => {
    for (const args of [["--rfc", "x"], ["--rfc", "x", "--status", "--title", "t"], ["--rfc", "x", "--title", "t", "--body-file", "/nope"], ["--rfc", "X!", "--title", "t"]]) {
      const r = sb.blue(middle, "realm", "pr", ...args);
      expect(r.code).toBe(64);
      expect(r.stderr).toStartWith("error: ");
      expect(stackTrace(r)).toBe(false);
    }
    const none = sb.blue(middle, "realm", "pr", "--rfc", "nobody-has-it", "--title", "t");
    expect(none.code).toBe(1);
    expect(none.stderr).toStartWith("error: no repo of this realm has branch feat/nobody-has-it on this machine\n");
  });
});

describe("blue realm pr from the main checkout, as the RFC runs it", () => {
  const sb = new Sandbox();
  sandboxes.push(sb);
  const [provider, consumer] = ["provider", "consumer"].map((r) => sb.repo(r)) as [string, string];
  for (const s of [
    sb.blue(sb.root, "realm", "admin", "init", "--name", "rm"),
    sb.blue(provider, "realm", "admin", "join", "rm"),
    sb.blue(provider, "realm", "admin", "domain", "create", "d", "--repos", "provider,consumer", "--contract", "c"),
    sb.blue(consumer, "realm", "admin", "join", "rm"),
  ]) {
    if (s.code !== 0) throw new Error(s.stderr);
  }
  const remote = (name: string) => sb.path("remotes", `${name}.git`);
  const wt = (dir: string, rfc: string) => join(dir, ".worktrees", `feat-${rfc}`);
  const commitIn = (dir: string, file: string) => {
    writeFileSync(join(dir, file), `${file}\n`);
    sb.git(dir, "add", file);
    sb.git(dir, "commit", "-q", "-m", file);
  };

  test("with no unified worktree and no --rfc: exit 64 saying how to name the change", () => {
    const r = sb.blue(provider, "realm", "pr", "--title", "t");
    expect(r.code).toBe(64);
    expect(r.stderr).toBe(
      "error: no RFC given: the current branch is not feat/<rfc> and this repo has no unified worktree\nPass --rfc <name>, or start the change with 'blue realm worktree --rfc <name>'.\n",
    );
  });

  test("after 'blue realm worktree --rfc one', pr in the main checkout pushes that change", () => {
    expect(sb.blue(provider, "realm", "worktree", "--rfc", "one").code).toBe(0);
    for (const [name, dir] of [["provider", provider], ["consumer", consumer]] as const) {
      sb.git(sb.root, "init", "-q", "--bare", remote(name));
      sb.git(dir, "remote", "add", "origin", `file://${remote(name)}`);
      commitIn(wt(dir, "one"), `${name}.txt`);
    }
    const r = sb.blue(provider, "realm", "pr", "--title", "feat: one");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toStartWith("Coordinated PRs for 'feat/one':\n✓ provider: pushed feat/one to origin (merge first — blocks consumer:feat/one)\n");
    for (const [name, dir] of [["provider", provider], ["consumer", consumer]] as const) {
      expect(sb.git(sb.root, "--git-dir", remote(name), "rev-parse", "feat/one")).toBe(sb.git(dir, "rev-parse", "feat/one"));
    }
  });

  test("a push origin would reject is a refusal in the dry run and the real run", () => {
    const elsewhere = sb.path("elsewhere");
    sb.git(sb.root, "clone", "-q", "--branch", "feat/one", remote("provider"), elsewhere);
    commitIn(elsewhere, "theirs.txt");
    sb.git(elsewhere, "push", "-q", "origin", "feat/one");
    commitIn(wt(provider, "one"), "ours.txt");
    const tip = sb.git(sb.root, "--git-dir", remote("consumer"), "rev-parse", "feat/one");
    commitIn(wt(consumer, "one"), "more.txt");

    const dry = sb.blue(provider, "realm", "pr", "--title", "feat: one", "--dry-run");
    expect(dry.code).toBe(1);
    expect(dry.stdout).toEndWith("✗ provider: origin's feat/one has commits the local branch lacks\n");
    expect(dry.stderr).toBe(
      "error: blue realm pr would refuse: origin's feat/one has commits the local branch lacks in provider: nothing would be pushed\nMerge or rebase onto origin's branch (git pull in the worktree), then run 'blue realm pr' again.\n",
    );
    const r = sb.blue(provider, "realm", "pr", "--title", "feat: one");
    expect(r.code).toBe(1);
    expect(r.stderr).toStartWith("error: origin's feat/one has commits the local branch lacks in provider: nothing was pushed\n");
    expect(sb.git(sb.root, "--git-dir", remote("consumer"), "rev-parse", "feat/one")).toBe(tip);

    sb.git(wt(provider, "one"), "pull", "-q", "--no-rebase", "--no-edit", "origin", "feat/one");
    expect(sb.blue(provider, "realm", "pr", "--title", "feat: one").code).toBe(0);
  });

  test("with two unified worktrees: exit 64 listing them and how to pick one", () => {
    expect(sb.blue(provider, "realm", "worktree", "--rfc", "two").code).toBe(0);
    const r = sb.blue(provider, "realm", "pr", "--title", "t");
    expect(r.code).toBe(64);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(
      "error: this repo has 2 unified worktrees (feat/one, feat/two): say which change with --rfc\nPass --rfc with one of: one, two; or run 'blue realm pr' inside that change's worktree.\n",
    );
    const picked = sb.blue(provider, "realm", "pr", "--rfc", "two", "--title", "t", "--dry-run");
    expect(picked.stderr).toBe("");
    expect(picked.code).toBe(0);
    expect(picked.stdout).toStartWith("Plan for 'feat/two' (dry run, nothing pushed or opened):\n");
    const inside = sb.blue(wt(consumer, "two"), "realm", "pr", "--title", "t", "--dry-run");
    expect(inside.code).toBe(0);
    expect(inside.stdout).toStartWith("Plan for 'feat/two'");
  });
});
