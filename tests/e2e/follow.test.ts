// The daemon follows coordinated changes on the plain-git forge (issue 20), through the compiled binary: a
// provider → middle → consumer chain, each repo with a bare file:// origin, `blue realm pr` recording the set in
// the realm remote. Provider merged → the dependents merged by the daemon after its fetch (--auto-merge) or told
// they are unblocked; provider's branch deleted unmerged → dependent blocked and notified; two daemons (two
// BLUE_HOMEs) following one set → one merge and one record of it.
import { afterAll, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { PrFollowDoc } from "../../src/follow/publish.ts";
import { Sandbox } from "./sandbox.ts";

const sandboxes: Sandbox[] = [];
afterAll(() => {
  for (const sb of sandboxes) sb.shutDaemon();
}, 60_000);

/** A sandbox whose daemon fetches every `fetchSeconds` (0: never; tests then trigger evaluations themselves). */
function chain(fetchSeconds: number) {
  const sb = new Sandbox();
  sandboxes.push(sb);
  sb.env.BLUE_REALM_FETCH_SECONDS = String(fetchSeconds);
  const names = ["provider", "middle", "consumer"] as const;
  const dirs = Object.fromEntries(names.map((r) => [r, sb.repo(r)])) as Record<(typeof names)[number], string>;
  const remote = (name: string) => sb.path("remotes", `${name}.git`);
  for (const name of names) {
    sb.git(sb.root, "init", "-q", "--bare", remote(name));
    sb.git(dirs[name], "remote", "add", "origin", `file://${remote(name)}`);
    sb.git(dirs[name], "push", "-q", "origin", "main");
  }
  const steps = [
    sb.blue(sb.root, "realm", "admin", "init", "--name", "rc"),
    sb.blue(dirs.provider, "realm", "admin", "join", "rc"),
    sb.blue(dirs.provider, "realm", "admin", "domain", "create", "upstream", "--repos", "provider,middle", "--contract", "c1"),
    sb.blue(dirs.provider, "realm", "admin", "domain", "create", "downstream", "--repos", "middle,consumer", "--contract", "c2"),
    sb.blue(dirs.middle, "realm", "admin", "join", "rc"),
    sb.blue(dirs.consumer, "realm", "admin", "join", "rc"),
    sb.blue(dirs.middle, "realm", "worktree", "--rfc", "x"),
  ];
  for (const s of steps) if (s.code !== 0) throw new Error(s.stderr);
  for (const name of names) {
    const wt = join(dirs[name], ".worktrees", "feat-x");
    writeFileSync(join(wt, `${name}.txt`), `${name}'s part\n`);
    sb.git(wt, "add", `${name}.txt`);
    sb.git(wt, "commit", "-q", "-m", `${name}'s part`);
  }
  const onOriginMain = (name: string) => sb.git(sb.root, "--git-dir", remote(name), "rev-parse", "main");
  const merged = (name: (typeof names)[number]) => sb.exec("git", ["--git-dir", remote(name), "merge-base", "--is-ancestor", sb.git(dirs[name], "rev-parse", "feat/x"), "main"], sb.root).code === 0;
  const mergeCommits = (name: string) => sb.git(sb.root, "--git-dir", remote(name), "rev-list", "--merges", "main").split("\n").filter(Boolean).length;
  const record = () => parse(sb.git(sb.root, "--git-dir", sb.defaultRemote("rc"), "show", "refs/blue/sets/x:set.yaml")) as { auto_merge: boolean; decisions: { key: string; by: string }[] };
  /** The provider's maintainers merge its branch on origin (plain git: a push of the branch into main). */
  const mergeProvider = () => sb.git(dirs.provider, "push", "-q", "origin", "feat/x:main");
  return { sb, dirs, remote, onOriginMain, merged, mergeCommits, record, mergeProvider };
}

async function until(what: string, ok: () => boolean, seconds = 45): Promise<void> {
  const end = Date.now() + seconds * 1000;
  while (Date.now() < end) {
    if (ok()) return;
    await Bun.sleep(250);
  }
  throw new Error(`timed out after ${seconds} s waiting for ${what}`);
}

describe("the daemon follows a coordinated change on plain git", () => {
  test("--auto-merge: provider merged → middle, then consumer, merged by the daemon after its fetch, each once", async () => {
    const w = chain(1);
    const pr = w.sb.blue(w.dirs.middle, "realm", "pr", "--rfc", "x", "--title", "feat: x", "--auto-merge");
    expect([pr.code, pr.stderr]).toEqual([0, ""]);
    expect(w.record().auto_merge).toBe(true);
    // The daemon tracks the realm once a command has run in a member repo; nothing merges before the provider.
    expect(w.sb.blue(w.dirs.consumer, "realm", "status").code).toBe(0);
    await Bun.sleep(2500);
    expect([w.merged("middle"), w.merged("consumer")]).toEqual([false, false]);
    w.mergeProvider();
    await until("consumer merged on its origin", () => w.merged("consumer"));
    expect(w.merged("middle")).toBe(true);
    expect([w.mergeCommits("middle"), w.mergeCommits("consumer")]).toEqual([1, 1]);
    expect(w.record().decisions.map((d) => d.key)).toEqual(["merge middle", "merge consumer"]);
    const logs = w.sb.blue(w.dirs.middle, "daemon", "logs").stdout;
    expect(logs).toContain("rc x: decided merge middle: provider:feat/x merged, checks none, no review missing, auto-merge on: merging middle:feat/x");
    expect(logs).toContain("rc x: middle:feat/x merged into main");
    const status = PrFollowDoc.parse(JSON.parse(w.sb.blue(w.dirs.middle, "realm", "pr", "--rfc", "x", "--status", "--json").stdout));
    expect(status.follow!.repos.map((r) => r.state)).toEqual(["merged", "merged", "merged"]);
    expect(status.next).toBe(null);
    const st = w.sb.blue(w.dirs.consumer, "realm", "status");
    expect(st.stdout).toContain("Coordinated change x: merged by blue: middle:feat/x merged, checks none, no review missing, auto-merge on: merging consumer:feat/x");
  }, 120_000);

  test("without --auto-merge: the dependent is told it is unblocked (a note in the set's record) and not merged", () => {
    const w = chain(0);
    expect(w.sb.blue(w.dirs.middle, "realm", "pr", "--rfc", "x", "--title", "feat: x").code).toBe(0);
    w.mergeProvider();
    const before = w.onOriginMain("middle");
    const r = w.sb.blue(w.dirs.middle, "realm", "pr", "--rfc", "x", "--status", "--refresh");
    expect([r.code, r.stderr]).toEqual([0, ""]);
    expect(r.stdout).toContain("Followed by the daemons: auto-merge off (dependents are told when they are unblocked)\n");
    expect(r.stdout).toContain("  middle: unblocked (provider:feat/x merged)\n");
    expect(r.stdout).toMatch(/ unblocked middle: provider:feat\/x merged: middle:feat\/x is unblocked and may merge\n/);
    expect(w.onOriginMain("middle")).toBe(before);
    expect(w.record().decisions.map((d) => d.key)).toEqual(["unblocked middle"]);
    // Again: nothing new is decided.
    expect(w.sb.blue(w.dirs.middle, "realm", "pr", "--rfc", "x", "--status", "--refresh").code).toBe(0);
    expect(w.record().decisions.map((d) => d.key)).toEqual(["unblocked middle"]);
    // The daemon's fetch turns the record into a notification for middle.
    for (const args of [["--refresh", "--title", "t"], ["--status", "--auto-merge"]]) {
      const bad = w.sb.blue(w.dirs.middle, "realm", "pr", "--rfc", "x", ...args);
      expect([bad.code, bad.stderr.split("\n")[0]]).toEqual([64, args[0] === "--refresh" ? "error: --refresh goes with --status" : "error: --status takes no --title, --body-file, --draft, --dry-run, --resume or --auto-merge"]);
    }
    const st = w.sb.blue(w.dirs.middle, "realm", "status", "--refresh");
    expect(st.stdout).toContain("Coordinated change x: unblocked: provider:feat/x merged: middle:feat/x is unblocked and may merge\n");
  }, 120_000);

  test("provider closed (its branch deleted unmerged) → middle blocked, not merged, and notified", () => {
    const w = chain(0);
    expect(w.sb.blue(w.dirs.middle, "realm", "pr", "--rfc", "x", "--title", "feat: x", "--auto-merge").code).toBe(0);
    w.sb.git(w.dirs.provider, "push", "-q", "origin", "--delete", "feat/x");
    const before = w.onOriginMain("middle");
    const st = w.sb.blue(w.dirs.middle, "realm", "status", "--refresh");
    expect(st.code).toBe(0);
    expect(st.stderr + st.stdout).toContain("Coordinated change x: BLOCKED: provider:feat/x, which middle:feat/x depends on, was closed without merging: middle:feat/x must not merge as it is");
    expect(w.onOriginMain("middle")).toBe(before);
    const doc = PrFollowDoc.parse(JSON.parse(w.sb.blue(w.dirs.middle, "realm", "pr", "--rfc", "x", "--status", "--json").stdout));
    expect(doc.follow!.repos.map((r) => [r.repo, r.state])).toEqual([["provider", "closed"], ["middle", "blocked"], ["consumer", "waiting"]]);
    expect(w.record().decisions.map((d) => d.key)).toEqual(["blocked middle by provider"]);
    const logs = w.sb.blue(w.dirs.middle, "daemon", "logs").stdout;
    expect(logs).toContain("rc x: decided blocked middle: provider:feat/x, which middle:feat/x depends on, was closed without merging");
  }, 120_000);

  test("two daemons (two BLUE_HOMEs) following one set: one merge, one record of it", async () => {
    const w = chain(1);
    const b = new Sandbox("machine-b");
    sandboxes.push(b);
    b.env.BLUE_REALM_FETCH_SECONDS = "1";
    expect(w.sb.blue(w.dirs.middle, "realm", "pr", "--rfc", "x", "--title", "feat: x", "--auto-merge").code).toBe(0);
    // The same user's second machine: it opts in there too (a daemon merges only what its own user opted in to).
    expect(b.blue(w.dirs.middle, "realm", "pr", "--rfc", "x", "--title", "feat: x", "--auto-merge").code).toBe(0);
    expect(w.sb.blue(w.dirs.consumer, "realm", "status").code).toBe(0);
    expect(b.blue(w.dirs.consumer, "realm", "status").code).toBe(0);
    w.mergeProvider();
    await until("consumer merged on its origin", () => w.merged("consumer"));
    // Both daemons go on looking for a few more rounds.
    await Bun.sleep(3000);
    expect([w.mergeCommits("middle"), w.mergeCommits("consumer")]).toEqual([1, 1]);
    const keys = w.record().decisions.map((d) => d.key);
    expect(keys).toEqual(["merge middle", "merge consumer"]);
    const logA = w.sb.blue(w.dirs.middle, "daemon", "logs").stdout;
    const logB = b.blue(w.dirs.middle, "daemon", "logs").stdout;
    const decided = (log: string) => log.split("\n").filter((l) => l.includes("rc x: decided merge")).length;
    expect(decided(logA) + decided(logB)).toBe(2);
    // Each machine shows the merges, whichever daemon did them.
    for (const sb of [w.sb, b]) expect(sb.blue(w.dirs.consumer, "realm", "status").stdout).toContain("Coordinated change x: merged by blue:");
  }, 120_000);
});
