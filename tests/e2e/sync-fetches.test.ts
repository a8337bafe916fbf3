// How often `blue realm sync` fetches the realm (issue 23), through the compiled binary with a `git` on PATH that
// logs each command before running the real one. A sync first lists the remote's branches (`ls-remote --heads`)
// and fetches only when they differ from the clone's remote-tracking refs (here the provider's push, from the same
// clone, already set them: no fetch at all); each merge's atomic push moves the clone's refs itself, so no fetch
// follows it, and the realm ends as the remote has it. An already-in-sync sync merges nothing into main.
import { afterAll, describe, expect, test } from "bun:test";
import { dailyDevelopment, VALUE } from "./daily.ts";
import { gitLogging } from "./sandbox.ts";

const world = dailyDevelopment();
const { sb, aperture, fungal, clone, writeCode } = world;
afterAll(() => sb.shutDaemon());

const run = gitLogging(sb);
const logged = (cwd: string, ...args: string[]) => run(cwd, args);
const realmFetches = (lines: string[]) => lines.filter((l) => /^fetch -q --prune origin$/.test(l));
const listings = (lines: string[]) => lines.filter((l) => l === "ls-remote origin refs/heads/* refs/blue/closed/*");

describe("blue realm sync fetches the realm once", () => {
  test("an acknowledgement that merges two branches: one listing, no fetch, and main as the realm remote has it", () => {
    writeCode({ ...VALUE, write: [...VALUE.write, "more/*"] });
    expect(sb.blue(aperture, "realm", "sync").code).toBe(0);
    const r = logged(fungal, "realm", "sync");
    expect(r.code).toBe(0);
    expect(r.stdout.match(/Merged sync\//g)?.length).toBe(2);
    expect([listings(r.git).length, realmFetches(r.git).length]).toEqual([1, 0]);
    // The closed-branch records the planner asks about (the provider's branch proposes a version) were in the same
    // listing, the clone's copies the remote's: not fetched either.
    expect(r.git.filter((l) => l.startsWith("fetch") && l.includes("refs/blue/closed/"))).toEqual([]);
    // Each branch's changed files are read once (diff, then show), though settle reads the acknowledgement again
    // after its base merged: the two commits they are read between have not changed.
    expect(r.git.filter((l) => l.startsWith("diff --name-only") && l.endsWith("-- domains"))).toHaveLength(2);
    // Nothing left behind: the clone's main and refs are the realm remote's.
    const remote = sb.git(clone, "ls-remote", "origin", "refs/heads/*").split("\n").filter(Boolean).map((l) => l.split("\t")[1]);
    expect(remote).toEqual(["refs/heads/main"]);
    expect(sb.git(clone, "rev-parse", "HEAD")).toBe(sb.git(clone, "ls-remote", "origin", "refs/heads/main").split("\t")[0]!);
    expect(sb.git(clone, "for-each-ref", "--format=%(refname)", "refs/remotes/origin/sync/")).toBe("");
  });

  test("already in sync: one listing, no fetch, no merge into main", () => {
    const r = logged(aperture, "realm", "sync");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("in sync with the realm");
    expect([listings(r.git).length, realmFetches(r.git).length]).toEqual([1, 0]);
    expect(r.git.filter((l) => l.startsWith("merge "))).toEqual([]);
  });
});
