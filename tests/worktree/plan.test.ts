import { describe, expect, test } from "bun:test";
import { loadRealm } from "../../src/realm/load.ts";
import { FRESH, locateRepos, planWorktrees, RfcName, selectRepos, type RepoFacts, type RepoTarget } from "../../src/worktree/plan.ts";

const { model } = loadRealm(`${import.meta.dir}/../fixtures/realms/good`);

const clean: RepoFacts = { ...FRESH, head: "abc", head_branch: "main" };
const at = (repo: string, source: RepoTarget["source"] = "path"): RepoTarget => ({ repo, root: `/src/${repo}`, source, url: null, missing: null });
const planOne = (facts: Partial<RepoFacts>, action: "create" | "remove" = "create", force = false) =>
  planWorktrees({ realm: "r", rfc: "x", action, force, targets: [at("a")] }, new Map([["a", { ...clean, ...facts }]])).repos[0]!;

describe("which repos take part", () => {
  test("the members of the current repo's domains, by name", () => {
    expect(selectRepos(model, "aperture", {})).toEqual(["aperture", "fungal-image-analysis"]);
  });
  test("--domain must be one of the current repo's; --repos must be realm repos", () => {
    expect(() => selectRepos(model, "aperture", { domain: "nope" })).toThrow("unknown domain 'nope'");
    expect(() => selectRepos(model, "aperture", { repos: ["ghost"] })).toThrow("'ghost' is not a repo of this realm");
    expect(selectRepos(model, "aperture", { repos: ["fungal-image-analysis"] })).toEqual(["fungal-image-analysis"]);
  });
});

describe("where each repo is", () => {
  const env = (gitRepos: string[]) => ({ checkouts: "/home/.blue/checkouts", isGitRepo: (d: string) => gitRepos.includes(d) });
  test("the current repo is its own root; others come from their path, an earlier clone, or their url", () => {
    const repos = ["aperture", "fungal-image-analysis"];
    const aperturePath = model.repos.get("aperture")!.path!;
    const fromFungal = { repo: "fungal-image-analysis", root: "/work/fungal" };
    expect(locateRepos(model, repos, fromFungal, env([aperturePath]))).toMatchObject([
      { repo: "aperture", source: "path", root: aperturePath },
      { repo: "fungal-image-analysis", source: "current", root: "/work/fungal" },
    ]);
    const fromAperture = { repo: "aperture", root: "/work/aperture" };
    expect(locateRepos(model, repos, fromAperture, env([]))[1]).toMatchObject({ source: "clone", root: "/home/.blue/checkouts/fungal-image-analysis", url: "git@github.com:cultivarium/fungal-image-analysis.git" });
    expect(locateRepos(model, repos, fromAperture, env(["/home/.blue/checkouts/fungal-image-analysis"]))[1]).toMatchObject({ source: "checkout", url: null });
    // aperture's path is on another machine and it has no url: seen from fungal, it is missing.
    expect(locateRepos(model, repos, fromFungal, env([]))[0]).toMatchObject({ source: "missing", missing: `its path ${aperturePath} is not a git repository on this machine, and repos/aperture.yaml has no url to clone` });
  });
  test("a repo with neither a path here nor a url is missing, and says why", () => {
    const [t] = locateRepos(model, ["ghost"], { repo: "aperture", root: "/w" }, env([]));
    expect(t).toMatchObject({ source: "missing", missing: "has not joined the realm (no repos/ghost.yaml)" });
  });
});

describe("the plan for one repo", () => {
  test("a clean repo gets the exclude line, the branch from HEAD and the worktree", () => {
    expect(planOne({})).toMatchObject({ state: "create", steps: ["exclude", "branch", "worktree"], base: "HEAD (main)", worktree: "/src/a/.worktrees/feat-x" });
  });
  test("an existing worktree of the branch is reported, not made again", () => {
    expect(planOne({ path_state: "worktree", branch_exists: true, checked_out_at: "/src/a/.worktrees/feat-x", excluded: true })).toMatchObject({ state: "exists", steps: [] });
  });
  test("an existing branch gets only a worktree; one pushed by a teammate is the start point", () => {
    expect(planOne({ branch_exists: true, excluded: true })).toMatchObject({ state: "create", steps: ["worktree"] });
    expect(planOne({ remote_branch: true })).toMatchObject({ steps: ["exclude", "branch", "worktree"], base: "origin/feat/x" });
  });
  test("refuses a branch checked out elsewhere, naming where", () => {
    expect(planOne({ branch_exists: true, checked_out_at: "/elsewhere" })).toMatchObject({ state: "refused", reason: "feat/x is checked out in another worktree at /elsewhere" });
  });
  test("refuses uncommitted changes to tracked files when the branch would start from HEAD", () => {
    const r = planOne({ dirty: ["src/a.ts", "b", "c", "d"] });
    expect(r.state).toBe("refused");
    expect(r.reason).toBe("uncommitted changes to tracked files (src/a.ts, b, c, … (4 files)): feat/x would start from HEAD without them; commit or stash them first");
    // The branch exists already: its start is decided, so the main checkout's changes are not in the way.
    expect(planOne({ dirty: ["src/a.ts"], branch_exists: true }).state).toBe("create");
  });
  test("refuses a path that is taken by something else", () => {
    expect(planOne({ path_state: "occupied" }).reason).toBe(".worktrees/feat-x exists and is not a worktree of feat/x; move it away first");
    expect(planOne({ path_state: "other-worktree" }).state).toBe("refused");
  });
  test("refuses a repo with no commit, and a missing repo", () => {
    expect(planOne({ head: null }).reason).toBe("has no commit to start feat/x from");
    const missing: RepoTarget = { repo: "m", root: null, source: "missing", url: null, missing: "repos/m.yaml has neither a path nor a url" };
    const p = planWorktrees({ realm: "r", rfc: "x", action: "create", targets: [at("a"), missing] }, new Map([["a", clean]]));
    expect(p.refused).toEqual(["m"]);
    expect(p.repos[1]!.reason).toBe("repos/m.yaml has neither a path nor a url");
  });
  test("a repo to clone is planned as a fresh clone", () => {
    const t: RepoTarget = { repo: "c", root: "/h/checkouts/c", source: "clone", url: "https://x/c.git", missing: null };
    expect(planWorktrees({ realm: "r", rfc: "x", action: "create", targets: [t] }, new Map()).repos[0]).toMatchObject({ state: "create", steps: ["clone", "exclude", "branch", "worktree"] });
  });
});

describe("removal", () => {
  const wt = { path_state: "worktree" as const, branch_exists: true, checked_out_at: "/src/a/.worktrees/feat-x" };
  test("removes the worktree and a branch with nothing unmerged", () => {
    expect(planOne(wt, "remove")).toMatchObject({ state: "remove", steps: ["remove-worktree", "delete-branch"] });
  });
  test("keeps a branch with commits HEAD lacks", () => {
    expect(planOne({ ...wt, unmerged_commits: 2 }, "remove")).toMatchObject({ steps: ["remove-worktree"], notes: ["kept feat/x: 2 commit(s) not in main"] });
  });
  test("refuses a worktree with uncommitted changes unless forced", () => {
    expect(planOne({ ...wt, worktree_dirty: ["f.txt"] }, "remove").state).toBe("refused");
    expect(planOne({ ...wt, worktree_dirty: ["f.txt"] }, "remove", true)).toMatchObject({ state: "remove", notes: ["discards 1 uncommitted change(s)"] });
  });
  test("nothing there is nothing to remove", () => {
    expect(planOne({}, "remove")).toMatchObject({ state: "absent", steps: [] });
  });
});

describe("RFC names", () => {
  test("must be safe as a branch component", () => {
    for (const ok of ["training-metrics-v2", "x", "v1.2"]) expect(RfcName.safeParse(ok).success).toBe(true);
    for (const bad of ["Feat", "a..b", "x.lock", "x.", "-x", "a/b", "a b", "a~1", "a@{"]) expect(RfcName.safeParse(bad).success).toBe(false);
  });
});
