// `blue realm worktree` through the compiled binary on three real repos of one domain.
import { afterAll, describe, expect, test } from "bun:test";
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { WorktreeDoc } from "../../src/worktree/plan.ts";
import { Sandbox, stackTrace } from "./sandbox.ts";

const sandboxes: Sandbox[] = [];
afterAll(() => {
  for (const sb of sandboxes) sb.shutDaemon();
}, 60_000);

/** aperture exports a contract that fungal and third import: all three are members of one domain. */
export function threeRepoRealm() {
  const sb = new Sandbox();
  sandboxes.push(sb);
  const [aperture, fungal, third] = ["aperture", "fungal", "third"].map((r) => sb.repo(r)) as [string, string, string];
  const steps = [
    sb.blue(sb.root, "realm", "admin", "init", "--name", "rc"),
    sb.blue(aperture, "realm", "admin", "join", "rc"),
    sb.blue(aperture, "realm", "admin", "domain", "create", "s3", "--repos", "aperture,fungal,third", "--contract", "perms"),
    sb.blue(fungal, "realm", "admin", "join", "rc"),
    sb.blue(third, "realm", "admin", "join", "rc"),
  ];
  for (const s of steps) if (s.code !== 0) throw new Error(s.stderr);
  return { sb, aperture, fungal, third };
}

/** Everything git knows about a repo that the command could change. */
function snapshot(sb: Sandbox, dir: string) {
  const exclude = join(dir, ".git/info/exclude");
  return {
    refs: sb.git(dir, "for-each-ref", "--format=%(refname) %(objectname)"),
    worktrees: sb.git(dir, "worktree", "list", "--porcelain"),
    status: sb.git(dir, "status", "--porcelain", "--untracked-files=all"),
    exclude: existsSync(exclude) ? readFileSync(exclude, "utf8") : null,
  };
}

describe("blue realm worktree", () => {
  const { sb, aperture, fungal, third } = threeRepoRealm();
  const repos = [aperture, fungal, third];
  const wt = (dir: string, rfc: string) => join(dir, ".worktrees", `feat-${rfc}`);

  test("--dry-run prints the plan and changes nothing", () => {
    const before = repos.map((d) => snapshot(sb, d));
    const r = sb.blue(aperture, "realm", "worktree", "--rfc", "metrics-v2", "--dry-run");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`  third: add /.worktrees/ to .git/info/exclude; create branch feat/metrics-v2 from HEAD (main); add worktree ${wt(third, "metrics-v2")}/`);
    expect(repos.map((d) => snapshot(sb, d))).toEqual(before);
  });

  test("creates branch feat/<rfc> and a worktree in every member repo, hidden from git status", () => {
    const r = sb.blue(aperture, "realm", "worktree", "--rfc", "metrics-v2");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        "Creating unified worktree 'feat/metrics-v2':",
        `✓ aperture: ${wt(aperture, "metrics-v2")}/`,
        `✓ fungal: ${wt(fungal, "metrics-v2")}/`,
        `✓ third: ${wt(third, "metrics-v2")}/`,
        "Branch 'feat/metrics-v2' created in all 3 repos.",
        "",
      ].join("\n"),
    );
    for (const dir of repos) {
      expect(sb.git(wt(dir, "metrics-v2"), "symbolic-ref", "--short", "HEAD")).toBe("feat/metrics-v2");
      expect(sb.git(dir, "rev-parse", "feat/metrics-v2")).toBe(sb.git(dir, "rev-parse", "main"));
      expect(sb.git(dir, "status", "--porcelain")).not.toContain(".worktrees");
      expect(readFileSync(join(dir, ".git/info/exclude"), "utf8")).toContain("\n/.worktrees/\n");
    }
  });

  test("sets the active RFC on each repo's session in the daemon", () => {
    const r = sb.blue(fungal, "realm", "status", "--json");
    expect(r.code).toBe(0);
    const working = (JSON.parse(r.stdout).sessions as { repo: string; active_rfc: string | null }[]).filter((s) => s.active_rfc === "metrics-v2").map((s) => s.repo);
    expect(working.sort()).toEqual(["aperture", "fungal", "third"]);
  });

  test("a second run reports what exists and changes nothing", () => {
    const before = repos.map((d) => snapshot(sb, d));
    const r = sb.blue(fungal, "realm", "worktree", "--rfc", "metrics-v2", "--json");
    expect(r.code).toBe(0);
    const doc = WorktreeDoc.parse(JSON.parse(r.stdout));
    expect(doc.repos.map((x) => [x.repo, x.state, x.steps])).toEqual([
      ["aperture", "exists", []],
      ["fungal", "exists", []],
      ["third", "exists", []],
    ]);
    expect(repos.map((d) => snapshot(sb, d))).toEqual(before);
    expect(sb.blue(third, "realm", "worktree", "--rfc", "metrics-v2").stdout).toContain(`✓ third: ${wt(third, "metrics-v2")}/ (exists)\n`);
  });

  test("runs from inside a worktree as from its repo", () => {
    const r = sb.blue(wt(fungal, "metrics-v2"), "realm", "worktree", "--rfc", "metrics-v2", "--repos", "fungal");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`✓ fungal: ${wt(fungal, "metrics-v2")}/ (exists)`);
  });

  test("refuses a branch checked out elsewhere in the third repo; the first two are left exactly as they were", () => {
    sb.git(third, "worktree", "add", "-q", "-b", "feat/busy", sb.path("third-elsewhere"));
    const before = repos.map((d) => snapshot(sb, d));
    const r = sb.blue(aperture, "realm", "worktree", "--rfc", "busy");
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`✗ third: feat/busy is checked out in another worktree at ${sb.path("third-elsewhere")}\n`);
    expect(r.stderr).toBe("error: cannot create the worktrees of 'feat/busy': third refused\nNothing was left half-made; fix what is named above and run the command again.\n");
    expect(repos.map((d) => snapshot(sb, d))).toEqual(before);
  });

  test("refuses uncommitted changes to tracked files where the branch would start from them", () => {
    writeFileSync(join(third, "README.md"), "# third, edited\n");
    const before = repos.map((d) => snapshot(sb, d));
    const r = sb.blue(aperture, "realm", "worktree", "--rfc", "dirty", "--json");
    expect(r.code).toBe(1);
    const doc = WorktreeDoc.parse(JSON.parse(r.stdout));
    expect(doc.refused).toEqual(["third"]);
    expect(doc.repos[2]!.reason).toStartWith("uncommitted changes to tracked files (README.md)");
    expect(doc.applied).toBe(false);
    expect(repos.map((d) => snapshot(sb, d))).toEqual(before);
    sb.git(third, "checkout", "-q", "README.md");
  });

  test("a failure midway stops with the table: the repos before it stay done, its own steps are taken back; the rerun does the rest", () => {
    const hook = join(fungal, ".git/hooks/post-checkout");
    writeFileSync(hook, "#!/bin/sh\necho 'hook says no' >&2\nexit 1\n");
    chmodSync(hook, 0o755);
    const before = snapshot(sb, fungal);
    const r = sb.blue(aperture, "realm", "worktree", "--rfc", "hooked");
    expect(r.code).toBe(1);
    expect(stackTrace(r)).toBe(false);
    expect(r.stdout).toContain("Creating unified worktree 'feat/hooked' stopped part-way:\n");
    expect(r.stdout).toMatch(/✓ aperture\s+done \(excluded, branch created, worktree added\)|✓ aperture\s+done \(branch created, worktree added\)/);
    expect(r.stdout).toContain(`✗ fungal    failed at worktree added: git worktree add ${wt(fungal, "hooked")} failed`);
    expect(r.stdout).toMatch(/third\s+not started/);
    expect(r.stdout).toContain("  rolled back: branch feat/hooked");
    expect(r.stderr).toContain("--resume");
    expect(existsSync(wt(aperture, "hooked"))).toBe(true);
    expect(snapshot(sb, fungal)).toEqual(before);
    expect(existsSync(wt(third, "hooked"))).toBe(false);

    const json = sb.blue(aperture, "realm", "worktree", "--rfc", "hooked", "--json");
    expect(json.code).toBe(1);
    expect(WorktreeDoc.parse(JSON.parse(json.stdout)).operation!.rows.map((x) => [x.repo, x.state])).toEqual([
      ["aperture", "done"],
      ["fungal", "failed"],
      ["third", "not started"],
    ]);

    writeFileSync(hook, "#!/bin/sh\nexit 0\n");
    const again = sb.blue(aperture, "realm", "worktree", "--rfc", "hooked", "--resume", "--json");
    expect(again.code).toBe(0);
    const doc = WorktreeDoc.parse(JSON.parse(again.stdout));
    expect(doc.repos.map((x) => [x.repo, x.state, x.steps])).toEqual([
      ["aperture", "exists", []],
      ["fungal", "create", ["branch", "worktree"]],
      ["third", "create", ["branch", "worktree"]],
    ]);
    expect(doc.operation!.rows.map((x) => [x.repo, x.state])).toEqual([
      ["aperture", "done"],
      ["fungal", "done"],
      ["third", "done"],
    ]);
    for (const dir of repos) expect(sb.git(wt(dir, "hooked"), "symbolic-ref", "--short", "HEAD")).toBe("feat/hooked");
  });

  test("a locked ref in the second repo stops it before its branch; the rerun after the lock is gone completes", () => {
    const lock = join(fungal, ".git/refs/heads/feat/locked.lock");
    mkdirSync(dirname(lock), { recursive: true });
    writeFileSync(lock, "");
    const r = sb.blue(aperture, "realm", "worktree", "--rfc", "locked", "--json");
    expect(r.code).toBe(1);
    const rows = WorktreeDoc.parse(JSON.parse(r.stdout)).operation!.rows;
    expect(rows.map((x) => [x.repo, x.state, x.failed_step])).toEqual([
      ["aperture", "done", null],
      ["fungal", "failed", "branch created"],
      ["third", "not started", null],
    ]);
    expect(rows[1]!.reason).toContain("git branch feat/locked failed");
    rmSync(lock);
    const again = sb.blue(aperture, "realm", "worktree", "--rfc", "locked");
    expect(again.code).toBe(0);
    for (const dir of repos) expect(existsSync(wt(dir, "locked"))).toBe(true);
  });

  test("a worktree whose directory was deleted by hand holds its branch for nobody: the next run makes it again", () => {
    expect(sb.blue(aperture, "realm", "worktree", "--rfc", "gone").code).toBe(0);
    rmSync(wt(fungal, "gone"), { recursive: true, force: true });
    const r = sb.blue(aperture, "realm", "worktree", "--rfc", "gone", "--json");
    expect(r.code).toBe(0);
    expect(WorktreeDoc.parse(JSON.parse(r.stdout)).repos.map((x) => [x.repo, x.state, x.steps])).toEqual([
      ["aperture", "exists", []],
      ["fungal", "create", ["worktree"]],
      ["third", "exists", []],
    ]);
    expect(sb.git(wt(fungal, "gone"), "symbolic-ref", "--short", "HEAD")).toBe("feat/gone");
  });

  test("--resume with no journal for the change: one line, exit 64", () => {
    const r = sb.blue(aperture, "realm", "worktree", "--rfc", "never-started", "--resume");
    expect(r.code).toBe(64);
    expect(r.stderr.split("\n")[0]).toContain("nothing to resume");
    expect(existsSync(wt(aperture, "never-started"))).toBe(false);
  });

  test("bad input is one line and exit 64", () => {
    for (const args of [["--rfc", "Bad/Name"], ["--rfc", "x", "--domain", "nope"], ["--rfc", "x", "--repos", "ghost"], ["--rfc", "x", "--force"]]) {
      const r = sb.blue(aperture, "realm", "worktree", ...args);
      expect(r.code).toBe(64);
      expect(r.stderr).toStartWith("error: ");
      expect(stackTrace(r)).toBe(false);
    }
  });

  test("--remove refuses a worktree with uncommitted changes, then --force removes it; merged branches go, others stay", () => {
    writeFileSync(join(wt(fungal, "metrics-v2"), "work.txt"), "work\n");
    sb.git(wt(fungal, "metrics-v2"), "add", "work.txt");
    sb.git(wt(fungal, "metrics-v2"), "commit", "-q", "-m", "work");
    writeFileSync(join(wt(third, "metrics-v2"), "scratch.txt"), "not committed\n");
    const before = repos.map((d) => snapshot(sb, d));
    const refused = sb.blue(aperture, "realm", "worktree", "--rfc", "metrics-v2", "--remove");
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain(`✗ third: uncommitted changes in ${wt(third, "metrics-v2")} (scratch.txt); commit them, or pass --force to discard them`);
    expect(repos.map((d) => snapshot(sb, d))).toEqual(before);

    const r = sb.blue(aperture, "realm", "worktree", "--rfc", "metrics-v2", "--remove", "--force");
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        "Removing unified worktree 'feat/metrics-v2':",
        `✓ aperture: removed worktree ${wt(aperture, "metrics-v2")}/; deleted branch feat/metrics-v2`,
        `✓ fungal: removed worktree ${wt(fungal, "metrics-v2")}/; kept feat/metrics-v2: 1 commit(s) not in main`,
        `✓ third: removed worktree ${wt(third, "metrics-v2")}/; deleted branch feat/metrics-v2; discards 1 uncommitted change(s)`,
        "",
      ].join("\n"),
    );
    for (const dir of repos) expect(existsSync(wt(dir, "metrics-v2"))).toBe(false);
    expect(sb.git(aperture, "branch", "--list", "feat/metrics-v2")).toBe("");
    expect(sb.git(fungal, "branch", "--list", "feat/metrics-v2")).toContain("feat/metrics-v2");
    const sessions = JSON.parse(sb.blue(fungal, "realm", "status", "--json").stdout).sessions as { active_rfc: string | null }[];
    expect(sessions.filter((s) => s.active_rfc === "metrics-v2")).toEqual([]);
    expect(sb.blue(aperture, "realm", "worktree", "--rfc", "metrics-v2", "--remove").stdout).toContain("✓ aperture: nothing to remove\n");
  });
});

describe("blue realm worktree with a repo that is not on this machine", () => {
  const { sb, aperture, fungal, third } = threeRepoRealm();
  const checkout = join(sb.env.BLUE_HOME!, "checkouts", "fungal");
  // fungal's path is on a teammate's machine; the realm knows its url.
  const clone = sb.realmClone("rc");
  const file = join(clone, "repos/fungal.yaml");
  writeFileSync(file, readFileSync(file, "utf8").replace(/^path: .*$/m, `path: /elsewhere/fungal\nurl: file://${fungal}`));
  sb.git(clone, "commit", "-qam", "fungal moves");
  sb.git(clone, "push", "-q", "origin", "main");

  test("a refusal found before cloning clones nothing", () => {
    writeFileSync(join(third, "README.md"), "edited\n");
    const refused = sb.blue(aperture, "realm", "worktree", "--rfc", "y");
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain("✗ third: uncommitted changes to tracked files (README.md)");
    expect(existsSync(checkout)).toBe(false);
    sb.git(third, "checkout", "-q", "README.md");
  });

  test("clones it under $BLUE_HOME/checkouts from its url and makes the worktree there", () => {
    const r = sb.blue(aperture, "realm", "worktree", "--rfc", "y");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`✓ fungal: ${join(checkout, ".worktrees/feat-y")}/ (cloned into ${checkout})\n`);
    expect(sb.git(join(checkout, ".worktrees/feat-y"), "symbolic-ref", "--short", "HEAD")).toBe("feat/y");
    expect(sb.git(fungal, "branch", "--list", "feat/y")).toBe("");
    // The second run uses the clone.
    expect(sb.blue(aperture, "realm", "worktree", "--rfc", "y").stdout).toContain(`✓ fungal: ${join(checkout, ".worktrees/feat-y")}/ (exists)\n`);
  });
});
