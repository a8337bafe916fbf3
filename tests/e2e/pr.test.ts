// `blue realm pr` through the compiled binary: a provider → middle → consumer chain of real repos, each with a
// bare file:// origin (plain git: no forge, so branches are pushed and no PR is opened).
import { afterAll, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { PrDoc, PrStatusDoc } from "../../src/pr/plan.ts";
import { Sandbox, stackTrace } from "./sandbox.ts";

const sandboxes: Sandbox[] = [];
afterAll(() => {
  for (const sb of sandboxes) sb.blue(sb.root, "daemon", "stop");
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

  test("--dry-run prints the plan in merge order (providers first, not by name) and pushes nothing", () => {
    for (const name of Object.keys(repos)) sb.git(sb.root, "init", "-q", "--bare", remote(name));
    const r = sb.blue(middle, "realm", "pr", "--rfc", "x", "--title", "feat: x", "--dry-run");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        "Plan for 'feat/x' (dry run, nothing pushed or opened):",
        "  1. provider: push feat/x to origin; no forge: no PR (merge first — blocks middle:feat/x)",
        "  2. middle: push feat/x to origin; no forge: no PR (merge second — blocked by provider:feat/x)",
        "  3. consumer: push feat/x to origin; no forge: no PR (merge third — blocked by middle:feat/x)",
        "Merge order: provider:feat/x → middle:feat/x → consumer:feat/x",
        "",
      ].join("\n"),
    );
    const doc = PrDoc.parse(JSON.parse(sb.blue(middle, "realm", "pr", "--rfc", "x", "--title", "feat: x", "--dry-run", "--json").stdout));
    expect(doc.order).toEqual(["provider", "middle", "consumer"]);
    expect(doc.repos[2]!.body).toContain("**This PR: merge third — blocked by middle:feat/x.**");
    expect(doc.repos.map((x) => x.push)).toEqual(["pending", "pending", "pending"]);
  });

  test("refuses before pushing anything when a repo has no origin", () => {
    sb.git(provider, "remote", "add", "origin", `file://${remote("provider")}`);
    sb.git(middle, "remote", "add", "origin", `file://${remote("middle")}`);
    const r = sb.blue(middle, "realm", "pr", "--rfc", "x", "--title", "feat: x");
    expect(r.code).toBe(1);
    expect(r.stderr).toStartWith("error: no 'origin' remote in consumer: nothing was pushed\n");
    expect(remoteBranch("provider")).toBe("");
  });

  test("pushes feat/<rfc> in every repo to its origin and prints the merge order; the RFC comes from the worktree's branch", () => {
    sb.git(consumer, "remote", "add", "origin", `file://${remote("consumer")}`);
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
    expect(text.stdout).toEndWith("Next to merge: middle\n");
  });

  test("bad input is one line and exit 64", () => {
    for (const args of [["--rfc", "x"], ["--title", "t"], ["--rfc", "x", "--status", "--title", "t"], ["--rfc", "x", "--title", "t", "--body-file", "/nope"]]) {
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
