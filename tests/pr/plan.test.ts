import { describe, expect, test } from "bun:test";
import type { Edge } from "../../src/realm/graph.ts";
import { inducedEdges, nextToMerge, planPrs, type PrPlanInput } from "../../src/pr/plan.ts";

const edge = (from: string, to: string, domain = "d"): Edge => ({ from, to, domain });
const target = (repo: string, forge = "forgejo") => ({ repo, root: `/src/${repo}`, branch: "feat/x", base: "main", remote_url: `https://git.example/${repo}.git`, forge });

function plan(repos: string[], edges: Edge[], extra: Partial<PrPlanInput> = {}) {
  return planPrs({ realm: "r", rfc: "x", branch: "feat/x", title: "feat: x", body: "", draft: false, targets: repos.map((r) => target(r)), edges, prs: new Map(), ...extra });
}

describe("merge order of a coordinated change", () => {
  test("a provider → middle → consumer chain merges in that order, whatever the names say", () => {
    const p = plan(["zeta-consumer", "alpha-middle", "middle-provider"], [edge("middle-provider", "alpha-middle"), edge("alpha-middle", "zeta-consumer")]);
    expect(p.order).toEqual(["middle-provider", "alpha-middle", "zeta-consumer"]);
    expect(p.repos.map((r) => r.blocked_by)).toEqual([[], ["middle-provider"], ["alpha-middle"]]);
    expect(p.repos.map((r) => r.blocks)).toEqual([["alpha-middle"], ["zeta-consumer"], []]);
  });

  test("two independent providers come first, by name, then their consumer blocked by both", () => {
    const p = plan(["consumer", "b-provider", "a-provider"], [edge("b-provider", "consumer"), edge("a-provider", "consumer")]);
    expect(p.order).toEqual(["a-provider", "b-provider", "consumer"]);
    expect(p.repos[2]!.blocked_by).toEqual(["a-provider", "b-provider"]);
    expect(p.repos[1]!.blocked_by).toEqual([]);
  });

  test("repos with no edge between them are ordered by name", () => {
    expect(plan(["c", "a", "b"], []).order).toEqual(["a", "b", "c"]);
  });

  test("a provider still precedes a consumer when the repo between them is not part of the change", () => {
    expect(inducedEdges([edge("p", "m"), edge("m", "c")], new Set(["p", "c"]))).toEqual([{ from: "p", to: "c", domain: "" }]);
    expect(plan(["c", "p"], [edge("p", "m"), edge("m", "c")]).order).toEqual(["p", "c"]);
  });

  test("edges of repos outside the change do not leak in", () => {
    const p = plan(["a", "b"], [edge("outside", "a"), edge("b", "outside2")]);
    expect(p.order).toEqual(["a", "b"]);
    expect(p.repos.every((r) => r.blocked_by.length === 0)).toBe(true);
  });
});

describe("PR text", () => {
  test("once numbers are known, each body names its place and the PRs before it", () => {
    const p = plan(["fungal", "aperture"], [edge("aperture", "fungal")], {
      prs: new Map([["aperture", { number: 45, url: "u1" }], ["fungal", { number: 23, url: "u2" }]]),
      body: "Adds training metrics v2.\n",
    });
    expect(p.order_line).toBe("Merge order: aperture#45 → fungal#23");
    const fungal = p.repos[1]!;
    expect(fungal.pr_action).toBe("update");
    expect(fungal.body).toStartWith("Adds training metrics v2.\n\n---\n");
    expect(fungal.body).toContain("**This PR: merge second — blocked by aperture#45.**");
    expect(fungal.body).toContain("1. aperture#45\n2. fungal#23 (this PR) — after aperture#45\n");
    expect(p.repos[0]!.body).toContain("**This PR: merge first — blocks fungal#23.**");
  });

  test("before the PRs exist the plan uses placeholders and says it will open them", () => {
    const p = plan(["fungal", "aperture"], [edge("aperture", "fungal")]);
    expect(p.order_line).toBe("Merge order: aperture#? → fungal#?");
    expect(p.repos.map((r) => r.pr_action)).toEqual(["open", "open"]);
    expect(p.repos[1]!.body).toContain("merge second — blocked by aperture#?");
  });

  test("with no forge, branch names stand in for numbers and no PR is planned", () => {
    const p = planPrs({ realm: "r", rfc: "x", branch: "feat/x", title: "t", body: "", draft: false, targets: [target("a", "none"), target("b", "none")], edges: [edge("a", "b")], prs: new Map() });
    expect(p.order_line).toBe("Merge order: a:feat/x → b:feat/x");
    expect(p.repos.map((r) => r.pr_action)).toEqual(["none", "none"]);
  });
});

describe("next to merge", () => {
  test("is the first unmerged repo whose blockers are all merged", () => {
    const r = (repo: string, merged: boolean, blocked_by: string[] = []) => ({ repo, merged, blocked_by, pr_state: null });
    expect(nextToMerge([r("a", true), r("b", false, ["a"]), r("c", false, ["b"])])).toBe("b");
    expect(nextToMerge([r("a", true), r("b", true, ["a"])])).toBeNull();
    expect(nextToMerge([{ repo: "a", merged: false, blocked_by: [], pr_state: { state: "merged", draft: false, checks: null, approvals: 1 } }, r("b", false, ["a"])])).toBe("b");
  });
});
