// The RFC's "Initial Setup" and the admin commands, run through the compiled binary on real git repos.
import { describe, expect, test } from "bun:test";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { loadRealm } from "../../src/realm/load.ts";
import { BIN, initialSetup, Sandbox, stackTrace } from "./sandbox.ts";

const yamlAt = (path: string) => parse(readFileSync(path, "utf8"));

describe("Initial Setup, as the RFC runs it", () => {
  const { sb, aperture, fungal, steps } = initialSetup();
  const home = sb.env.BLUE_HOME!;
  const remote = sb.defaultRemote("letemcook");

  test("every step succeeds and says what it did", () => {
    expect(steps.map((s) => s.code)).toEqual([0, 0, 0, 0]);
    expect(steps.map((s) => s.stderr)).toEqual(["", "", "", ""]);
    expect(steps[0]!.stdout).toBe(
      `✓ Created realm repo: ${remote}\n✓ Cloned to ${home}/realms/letemcook/\n✓ Created realm.yaml\n✓ Pushed to ${remote}\n`,
    );
    expect(steps[1]!.stdout).toBe(
      [
        "✓ Created repos/aperture.yaml in realm",
        "✓ Created .blue/config.yaml locally",
        "✓ Added .blue/cache.db to .gitignore",
        `✓ Pushed to ${remote}`,
        `⚠ the realm's remote ${remote} is a path on this machine: other machines cannot clone it (move it with 'blue realm admin remote set <git-url>')`,
        ".blue/config.yaml and .gitignore belong in the repo: commit them, and a teammate's clone needs no set-up beyond 'blue realm status':",
        "  git add .blue/config.yaml .gitignore && git commit -m 'blue: join realm letemcook as aperture'",
        "",
      ].join("\n"),
    );
    expect(steps[2]!.stdout).toBe(
      [
        "✓ Created domains/s3-access/domain.yaml",
        "✓ Created domains/s3-access/contracts/s3-permissions.yaml",
        "✓ Created domains/s3-access/bindings/aperture.yaml (provider)",
        "✓ Created domains/s3-access/bindings/fungal-image-analysis.yaml (consumer, has not joined yet)",
        `✓ Pushed to ${remote}`,
        "",
      ].join("\n"),
    );
    expect(steps[3]!.stdout).toContain("✓ Created repos/fungal-image-analysis.yaml in realm\n✓ Detected import: s3-permissions in domain s3-access\n");
  });

  test("each step is one commit, pushed to the realm remote", () => {
    const log = sb.git(sb.root, "--git-dir", remote, "log", "--format=%s", "main");
    expect(log.split("\n")).toEqual([
      "blue: fungal-image-analysis joins the realm",
      "blue: create domain s3-access (aperture, fungal-image-analysis)",
      "blue: aperture joins the realm",
      "blue: create realm letemcook",
    ]);
  });

  test("a fresh clone of the remote is a valid realm with the RFC's layout and fields", () => {
    const fresh = sb.path("fresh-clone");
    sb.git(sb.root, "clone", "-q", remote, fresh);
    const { model, problems } = loadRealm(fresh);
    expect(problems).toEqual([]);
    expect(model.realm?.name).toBe("letemcook");
    expect(model.realm?.governance).toEqual({
      admission: "approval",
      approvers: ["test@example.com"],
      breaking_changes: { require_approval: true, grace_period_days: 14 },
    });
    expect([...model.repos.keys()]).toEqual(["aperture", "fungal-image-analysis"]);
    expect(model.pending).toEqual([]);
    const repo = yamlAt(join(fresh, "repos/aperture.yaml"));
    expect(repo).toMatchObject({ name: "aperture", path: aperture, maintainers: ["test@example.com"] });
    expect(repo.joined_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(yamlAt(join(fresh, "domains/s3-access/domain.yaml"))).toMatchObject({ name: "s3-access", members: ["aperture", "fungal-image-analysis"] });
    expect(yamlAt(join(fresh, "domains/s3-access/contracts/s3-permissions.yaml"))).toMatchObject({
      name: "s3-permissions",
      version: "1.0.0",
      owner: "aperture",
      compatibility: { backwards: true, forwards: false },
      schema: { type: "object" },
      value: {},
    });
    expect(yamlAt(join(fresh, "domains/s3-access/bindings/aperture.yaml"))).toEqual({
      repo: "aperture",
      role: "provider",
      exports: [{ contract: "s3-permissions", source_files: [] }],
    });
    expect(yamlAt(join(fresh, "domains/s3-access/bindings/fungal-image-analysis.yaml"))).toEqual({
      repo: "fungal-image-analysis",
      role: "consumer",
      imports: [{ contract: "s3-permissions", version: ">=1.0.0 <2.0.0", status: "pending" }],
    });
  });

  test("each member repo has .blue/config.yaml and ignores .blue/cache.db", () => {
    expect(yamlAt(join(fungal, ".blue/config.yaml"))).toEqual({ realm: { name: "letemcook", url: remote }, repo: "fungal-image-analysis" });
    for (const f of [".blue/cache.db", ".blue/cache.db-wal", ".blue/cache.db-shm"]) expect(sb.exec("git", ["check-ignore", "-q", f], fungal).code).toBe(0);
    expect(sb.exec("git", ["check-ignore", "-q", ".blue/config.yaml"], fungal).code).toBe(1);
    // Without --commit, join commits nothing in the repo.
    for (const dir of [aperture, fungal]) {
      expect(sb.git(dir, "log", "--format=%s")).toBe("initial");
      expect(sb.git(dir, "status", "--porcelain", "--untracked-files=all")).toBe("?? .blue/config.yaml\n?? .gitignore");
    }
  });

  test("refuses a domain that closes a cycle, printing the path and the suggestions, and changes nothing", () => {
    const clone = sb.realmClone("letemcook");
    const before = sb.git(clone, "rev-parse", "HEAD");
    const r = sb.blue(aperture, "realm", "admin", "domain", "create", "feedback-loop", "--repos", "fungal-image-analysis,aperture");
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(
      [
        "error: Adding this domain creates a cycle:",
        "  aperture → (s3-access) → fungal-image-analysis → (feedback-loop) → aperture",
        "Consider:",
        "  - Merging domains into a single coordination context",
        "  - Restructuring the dependency direction",
        "  - Using a hub-and-spoke pattern",
        "",
      ].join("\n"),
    );
    expect(sb.git(clone, "rev-parse", "HEAD")).toBe(before);
    expect(sb.git(clone, "status", "--porcelain")).toBe("");
    expect(existsSync(join(clone, "domains/feedback-loop"))).toBe(false);
  });

  test("leave is refused while the repo owns a contract others import, naming them", () => {
    const r = sb.blue(aperture, "realm", "admin", "leave");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("error: 'aperture' still owns contracts that other repos import: s3-permissions (domain s3-access) imported by fungal-image-analysis");
    expect(existsSync(join(aperture, ".blue/config.yaml"))).toBe(true);
  });
});

describe("leave", () => {
  test("removes the repo's file, bindings and memberships; then the owner can leave too", () => {
    const { sb, aperture, fungal } = initialSetup();
    const clone = sb.realmClone("letemcook");
    const r = sb.blue(fungal, "realm", "admin", "leave");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("✓ Removed repos/fungal-image-analysis.yaml from realm\n✓ Removed domains/s3-access/bindings/fungal-image-analysis.yaml from realm\n✓ Left domain s3-access\n✓ Removed .blue/config.yaml locally\n");
    expect(existsSync(join(fungal, ".blue/config.yaml"))).toBe(false);
    expect(existsSync(join(clone, "repos/fungal-image-analysis.yaml"))).toBe(false);
    expect(yamlAt(join(clone, "domains/s3-access/domain.yaml")).members).toEqual(["aperture"]);
    expect(loadRealm(clone).problems).toEqual([]);

    const last = sb.blue(aperture, "realm", "admin", "leave");
    expect(last.code).toBe(0);
    expect(last.stdout).toContain("✓ Removed domain s3-access (no members left)");
    expect(existsSync(join(clone, "domains/s3-access"))).toBe(false);
    expect(loadRealm(clone).problems).toEqual([]);
    expect(sb.git(sb.root, "--git-dir", sb.defaultRemote("letemcook"), "log", "-1", "--format=%s", "main")).toBe("blue: aperture leaves the realm");
  });
});

describe("join", () => {
  test("--commit commits .blue/config.yaml and .gitignore, and nothing else", () => {
    const sb = new Sandbox();
    const app = sb.repo("app");
    writeFileSync(join(app, ".gitignore"), "node_modules/\n");
    sb.git(app, "add", ".gitignore");
    sb.git(app, "commit", "-q", "-m", "ignore");
    writeFileSync(join(app, "staged.txt"), "staged\n");
    sb.git(app, "add", "staged.txt");
    writeFileSync(join(app, "README.md"), "# app, edited\n");
    expect(sb.blue(sb.root, "realm", "admin", "init", "--name", "r").code).toBe(0);
    const r = sb.blue(app, "realm", "admin", "join", "r", "--commit");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const sha = sb.git(app, "rev-parse", "--short", "HEAD");
    expect(r.stdout).toEndWith(`✓ Committed .blue/config.yaml and .gitignore (${sha} blue: join realm r as app)\n`);
    expect(r.stdout).not.toContain("git add");
    expect(sb.git(app, "log", "-1", "--format=%s")).toBe("blue: join realm r as app");
    expect(sb.git(app, "show", "--name-only", "--format=", "HEAD")).toBe(".blue/config.yaml\n.gitignore");
    expect(sb.git(app, "show", "HEAD:.gitignore")).toBe("node_modules/\n.blue/cache.db*");
    // What the user had staged or changed stays as it was, out of the commit.
    expect(sb.git(app, "diff", "--cached", "--name-only")).toBe("staged.txt");
    expect(sb.git(app, "diff", "--name-only")).toBe("README.md");
  });

  test("--commit that git refuses (a failing pre-commit hook): the join stands, exit 1 with the command to commit by hand", () => {
    const sb = new Sandbox();
    const app = sb.repo("app");
    writeFileSync(join(app, ".git", "hooks", "pre-commit"), "#!/bin/sh\necho 'lint failed' >&2\nexit 1\n", { mode: 0o755 });
    expect(sb.blue(sb.root, "realm", "admin", "init", "--name", "r").code).toBe(0);
    const r = sb.blue(app, "realm", "admin", "join", "r", "--commit");
    expect(r.code).toBe(1);
    expect(stackTrace(r)).toBe(false);
    expect(r.stdout).toContain("✓ Created .blue/config.yaml locally\n");
    expect(r.stderr).toBe(
      "error: joined, but the commit in this repo failed: git commit failed: lint failed\nCommit the files yourself: git add .blue/config.yaml .gitignore && git commit -m 'blue: join realm r as app'\n",
    );
    expect(sb.git(app, "log", "--format=%s")).toBe("initial");
  });

  test("a teammate's fresh clone of a member repo needs only 'blue realm status'; join --url there is a no-op", () => {
    const { sb, aperture, fungal } = initialSetup();
    const remote = sb.defaultRemote("letemcook");
    // aperture committed its config (join --commit); fungal commits it by hand, as join printed.
    for (const dir of [aperture, fungal]) {
      sb.git(dir, "add", ".blue/config.yaml", ".gitignore");
      sb.git(dir, "commit", "-q", "-m", "blue: join realm letemcook");
    }
    const realmHead = () => sb.git(sb.root, "--git-dir", remote, "rev-parse", "main");
    const before = realmHead();

    const mate = new Sandbox("teammate");
    try {
      const theirs = mate.path("aperture");
      mate.git(mate.root, "clone", "-q", aperture, theirs);
      const status = mate.blue(theirs, "realm", "status");
      expect(status.stderr).toBe("");
      expect(status.code).toBe(0);
      expect(status.stdout).toStartWith("aperture (in realm: letemcook)\n\nDomains:\n  s3-access (provider)\n");
      expect(existsSync(join(mate.realmClone("letemcook"), "realm.yaml"))).toBe(true);

      const again = mate.blue(theirs, "realm", "admin", "join", "letemcook", "--url", remote);
      expect(again.stderr).toBe("");
      expect(again.code).toBe(0);
      expect(again.stdout).toBe(
        [
          `✓ aperture is already a member of letemcook; the realm is cloned at ${mate.realmClone("letemcook")}/`,
          `⚠ the realm's remote ${remote} is a path on this machine: other machines cannot clone it (move it with 'blue realm admin remote set <git-url>')`,
          "",
        ].join("\n"),
      );
      expect(mate.git(theirs, "status", "--porcelain")).toBe("");
    } finally {
      mate.shutDaemon();
    }

    // Another machine that has not cloned the realm yet: join --url (a file:// URL) clones it, and changes nothing else.
    const laptop = new Sandbox("laptop");
    const theirs = laptop.path("fungal-image-analysis");
    laptop.git(laptop.root, "clone", "-q", fungal, theirs);
    const r = laptop.blue(theirs, "realm", "admin", "join", "letemcook", "--url", `file://${remote}`);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        `✓ fungal-image-analysis is already a member of letemcook; cloned the realm to ${laptop.realmClone("letemcook")}/`,
        `⚠ the realm's remote file://${remote} is a path on this machine: other machines cannot clone it (move it with 'blue realm admin remote set <git-url>')`,
        "",
      ].join("\n"),
    );
    expect(laptop.git(laptop.realmClone("letemcook"), "remote", "get-url", "origin")).toBe(`file://${remote}`);
    expect(laptop.git(theirs, "status", "--porcelain")).toBe("");
    expect(realmHead()).toBe(before);
  });

  test("no warning when the realm's remote is a URL with a host", () => {
    const sb = new Sandbox();
    const app = sb.repo("app");
    // An ssh host that is this machine: the "ssh" command runs git's request locally.
    const ssh = sb.path("fake-ssh");
    writeFileSync(ssh, '#!/bin/sh\nfor last; do :; done\nexec sh -c "$last"\n', { mode: 0o755 });
    const env = { GIT_SSH_COMMAND: ssh };
    const bare = sb.path("srv", "r.git");
    sb.git(sb.root, "init", "-q", "--bare", bare);
    const url = `ssh://git.example.com${bare}`;
    expect(sb.exec(BIN, ["realm", "admin", "init", "--name", "r", "--remote", url], sb.root, env).code).toBe(0);
    const r = sb.exec(BIN, ["realm", "admin", "join", "r"], app, env);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`✓ Pushed to ${url}\n`);
    expect(r.stdout).not.toContain("⚠");
  });

  test("--url joins a realm from another machine, and --repo names the repo", () => {
    const { sb } = initialSetup();
    const other = new Sandbox("laptop");
    const ml = other.repo("ml-infra-checkout");
    const r = other.blue(ml, "realm", "admin", "join", "letemcook", "--url", sb.defaultRemote("letemcook"), "--repo", "ml-infra");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("✓ Created repos/ml-infra.yaml in realm");
    expect(yamlAt(join(ml, ".blue/config.yaml")).repo).toBe("ml-infra");
    expect(sb.git(sb.root, "--git-dir", sb.defaultRemote("letemcook"), "show", "main:repos/ml-infra.yaml")).toContain("name: ml-infra");
  });

  test("two machines joining at the same moment both land", async () => {
    const { sb } = initialSetup();
    const remote = sb.defaultRemote("letemcook");
    const machines = [new Sandbox("m1"), new Sandbox("m2"), new Sandbox("m3")];
    const runs = machines.map((m, i) => {
      const dir = m.repo(`worker-${i}`);
      return Bun.spawn([join(import.meta.dir, "../../dist/blue"), "realm", "admin", "join", "letemcook", "--url", remote], { cwd: dir, env: m.env, stdout: "pipe", stderr: "pipe" });
    });
    const codes = await Promise.all(runs.map((p) => p.exited));
    const errors = await Promise.all(runs.map((p) => new Response(p.stderr).text()));
    expect(errors).toEqual(["", "", ""]);
    expect(codes).toEqual([0, 0, 0]);
    const files = sb.git(sb.root, "--git-dir", remote, "ls-tree", "--name-only", "main", "repos/");
    expect(files.split("\n")).toEqual(["repos/aperture.yaml", "repos/fungal-image-analysis.yaml", "repos/worker-0.yaml", "repos/worker-1.yaml", "repos/worker-2.yaml"]);
  });
});
