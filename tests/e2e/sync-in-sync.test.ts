// `blue realm sync` with nothing to do answers from sync/in-sync.ts before the sync machinery loads (issue 23:
// "already in sync" within 2x a `git fetch`), through the compiled binary with a `git` on PATH that logs each
// command. The fast path is seen by its `git status` of the clone; the full path by its `diff --name-only HEAD`.
// It answers exactly as the full path does (BLUE_NO_FAST_SYNC=1), and each kind of change takes the full path.
import { afterAll, describe, expect, test } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { dailyDevelopment, publishSchema, READ_SCHEMA, VALUE } from "./daily.ts";
import { gitLogging } from "./sandbox.ts";

const world = dailyDevelopment();
const { sb, aperture, fungal, clone, writeCode } = world;
afterAll(() => sb.shutDaemon());

const run = gitLogging(sb);
const sync = (cwd: string, env: Record<string, string> = {}) => {
  const r = run(cwd, ["realm", "sync"], env);
  const git = r.git;
  return { ...r, fast: git.includes("status --porcelain --untracked-files=all") && !git.includes("diff --name-only HEAD"), fetches: git.filter((l) => l === "fetch -q --prune origin").length, listings: git.filter((l) => l === "ls-remote origin refs/heads/* refs/blue/closed/*").length };
};
const full = (cwd: string) => sync(cwd, { BLUE_NO_FAST_SYNC: "1" });

// aperture publishes its schema, fungal acknowledges (both merge), and a full sync in each keeps the realm's model for main.
// A second contract aperture provides with no extract (as `domain create` leaves it): nothing to compare, as in the full path.
expect(sb.blue(aperture, "realm", "admin", "domain", "create", "extra", "--repos", "aperture,fungal-image-analysis", "--contract", "extra-c").code).toBe(0);
publishSchema(world);
expect(sb.blue(aperture, "realm", "sync").code).toBe(0);
expect(sb.blue(fungal, "realm", "sync").code).toBe(0);
expect(full(aperture).code).toBe(0);

describe("blue realm sync when already in sync", () => {
  test("answers on the fast path with the full path's output and exit code, from one listing of the remote's branches and no fetch", () => {
    for (const repo of [aperture, fungal]) {
      const slow = full(repo);
      const fast = sync(repo);
      expect(slow.fast).toBe(false);
      expect(fast.fast).toBe(true);
      // The remote's branches are what the clone's remote-tracking refs hold: a fetch would change nothing.
      expect([fast.listings, fast.fetches]).toEqual([1, 0]);
      expect(fast.stdout).toContain("is in sync with the realm");
      expect({ code: fast.code, stdout: fast.stdout }).toEqual({ code: slow.code, stdout: slow.stdout });
    }
  });

  test("a hand edit in the clone takes the full path, which refuses it", () => {
    const file = join(clone, "domains/s3-access/contracts/s3-permissions.yaml");
    const before = readFileSync(file, "utf8");
    writeFileSync(file, `${before}# edited\n`);
    const r = sync(aperture);
    expect(r.fast).toBe(false);
    expect(r.code).toBe(full(aperture).code);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("hand edits");
    writeFileSync(file, before);
    expect(sync(aperture).fast).toBe(true);
  });

  test("a realm that moved takes the full path, which brings main up to it", () => {
    const other = sb.path("other-clone");
    sb.git(sb.root, "clone", "-q", sb.git(clone, "remote", "get-url", "origin"), other);
    writeFileSync(join(other, "NOTES.md"), "moved\n");
    sb.git(other, "add", "NOTES.md");
    sb.git(other, "commit", "-qm", "the realm moves");
    sb.git(other, "push", "-q", "origin", "main");
    const r = sync(aperture);
    expect(r.fast).toBe(false);
    expect(r.code).toBe(0);
    // The listing showed main moved: the fast path fetched, and the full path used that fetch.
    expect([r.listings, r.fetches]).toEqual([1, 1]);
    expect(sb.git(clone, "rev-parse", "HEAD")).toBe(sb.git(other, "rev-parse", "HEAD"));
    // The full path kept the model for the new main: the next in-sync sync is fast again.
    expect(sync(aperture).fast).toBe(true);
  });

  test("a schema changed in the code takes the full path and publishes it", () => {
    const schemaFile = join(aperture, "config/schema.json");
    writeFileSync(schemaFile, JSON.stringify({ ...READ_SCHEMA, description: "what aperture reads and writes" }));
    const r = sync(aperture);
    expect(r.fast).toBe(false);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Contract update: s3-permissions");
    // Back as it was: the schema and no open branch.
    writeFileSync(schemaFile, JSON.stringify(READ_SCHEMA));
    const branch = sb.git(clone, "for-each-ref", "--format=%(refname:lstrip=3)", "refs/remotes/origin/sync/");
    sb.git(clone, "push", "-q", "origin", "--delete", branch);
    expect(sync(aperture).fast).toBe(true);
  });

  test("a value changed in the code takes the full path and publishes it", () => {
    writeCode({ ...VALUE, write: [...VALUE.write, "in-sync/*"] });
    const r = sync(aperture);
    expect(r.fast).toBe(false);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Contract update: s3-permissions");
  });

  test("open sync branches take the full path (fungal has one to acknowledge)", () => {
    const r = sync(fungal);
    expect(r.fast).toBe(false);
    // The provider's push set the clone's remote-tracking ref for its branch: the listing matched, nothing was fetched.
    expect([r.listings, r.fetches]).toEqual([1, 0]);
    // The clone tracked the open branch before the listing: the fast path ran no status of its own (the one status
    // is the full path's, keeping the model for the new main after its merges).
    expect(r.git.filter((l) => l === "status --porcelain --untracked-files=all")).toHaveLength(1);
    expect(r.stdout).toContain("Merged sync/");
    // Its merges moved the realm; the model it kept for the new main lets the provider's next sync answer at once.
    const next = sync(aperture);
    expect([next.fast, next.code]).toEqual([true, 0]);
    expect(next.stdout).toContain("is in sync with the realm");
  });

  test("a branch gone from the remote is fetched away (pruned) before anything is decided", () => {
    const other = sb.path("other-clone-2");
    sb.git(sb.root, "clone", "-q", sb.git(clone, "remote", "get-url", "origin"), other);
    sb.git(other, "push", "-q", "origin", "main:refs/heads/scratch");
    // The listing shows a branch the clone does not track: fetched, then the full path (which finds nothing to do).
    const seen = sync(aperture);
    expect([seen.fast, seen.listings, seen.fetches, seen.code]).toEqual([false, 1, 1, 0]);
    expect(sb.git(clone, "for-each-ref", "--format=%(refname)", "refs/remotes/origin/scratch")).toBe("refs/remotes/origin/scratch");
    expect(sync(aperture).fetches).toBe(0);
    // Deleted elsewhere: the clone still tracks it, so the listing differs again and the fetch prunes it.
    sb.git(other, "push", "-q", "origin", "--delete", "scratch");
    const pruned = sync(aperture);
    expect([pruned.listings, pruned.fetches, pruned.code]).toEqual([1, 1, 0]);
    expect(sb.git(clone, "for-each-ref", "refs/remotes/origin/scratch")).toBe("");
    const quiet = sync(aperture);
    expect([quiet.fast, quiet.listings, quiet.fetches]).toEqual([true, 1, 0]);
  });
});
