import { describe, expect, test } from "bun:test";
import { planFollow, type RepoFacts } from "../../src/follow/plan.ts";
import type { FollowSet } from "../../src/follow/record.ts";

const repo = (name: string, position: number, blocked_by: string[]) => ({ repo: name, position, remote_url: `file:///r/${name}.git`, branch: "feat/x", base: "main", forge: "none", pr: null, blocked_by, head: "h" });
const chain = (auto_merge: boolean, decisions: FollowSet["decisions"] = []): FollowSet => ({
  realm: "rc",
  rfc: "x",
  branch: "feat/x",
  auto_merge,
  opted_in_by: auto_merge ? "dev@example.com" : null,
  repos: [repo("provider", 1, []), repo("middle", 2, ["provider"]), repo("consumer", 3, ["middle"])],
  decisions,
});
const facts = (states: Record<string, RepoFacts["state"]>, extra: Partial<RepoFacts> = {}) =>
  new Map(Object.entries(states).map(([r, state]) => [r, { state, checks: null, missing_reviews: [], stale_approvals: [], ...extra } as RepoFacts]));
const taken = (d: { key: string; repo: string; action: FollowSet["decisions"][number]["action"] }) => ({ ...d, reason: "", by: "m", at: "2026-11-30T10:00:00Z" });

describe("following a coordinated change", () => {
  test("nothing to decide while the provider is open", () => {
    const p = planFollow(chain(true), facts({ provider: "open", middle: "open", consumer: "open" }));
    expect(p.decisions).toEqual([]);
    expect(p.repos.map((r) => r.state)).toEqual(["ready", "waiting", "waiting"]);
  });

  test("provider merged, auto-merge on: merges the next dependent only, in merge order", () => {
    const p = planFollow(chain(true), facts({ provider: "merged", middle: "open", consumer: "open" }));
    expect(p.decisions.map((d) => d.key)).toEqual(["merge middle"]);
    expect(p.repos.find((r) => r.repo === "consumer")!.state).toBe("waiting");
  });

  test("provider merged, opted in on another machine only: this one leaves the merge to it and notes nothing", () => {
    const p = planFollow(chain(true), facts({ provider: "merged", middle: "open", consumer: "open" }), () => false);
    expect(p.decisions).toEqual([]);
    expect(p.repos[1]!.note).toBe("ready: merged by a machine whose user opted in (blue realm pr --auto-merge there)");
  });

  test("provider merged, no opt-in: the dependent is told it is unblocked, never merged", () => {
    const p = planFollow(chain(false), facts({ provider: "merged", middle: "open", consumer: "open" }));
    expect(p.decisions.map((d) => [d.action, d.repo])).toEqual([["unblocked", "middle"]]);
    expect(p.decisions[0]!.reason).toBe("provider:feat/x merged: middle:feat/x is unblocked and may merge");
  });

  test("a decision in the record is never taken again (another machine took it)", () => {
    const set = chain(true, [taken({ key: "merge middle", repo: "middle", action: "merge" })]);
    expect(planFollow(set, facts({ provider: "merged", middle: "open", consumer: "open" })).decisions).toEqual([]);
    const notes = chain(false, [taken({ key: "unblocked middle", repo: "middle", action: "unblocked" })]);
    expect(planFollow(notes, facts({ provider: "merged", middle: "open", consumer: "open" })).decisions).toEqual([]);
  });

  test("a required review missing or failing checks: not merged, told why; pending checks: waits", () => {
    const missing = planFollow(chain(true), facts({ provider: "merged", middle: "open", consumer: "open" }, { missing_reviews: ["a required review"] }));
    expect(missing.decisions.map((d) => [d.action, d.reason])).toEqual([["cannot_merge", "provider:feat/x merged, but middle:feat/x cannot merge: a required review"]]);
    const failing = planFollow(chain(true), facts({ provider: "merged", middle: "open", consumer: "open" }, { checks: "failure" }));
    expect(failing.decisions.map((d) => d.action)).toEqual(["cannot_merge"]);
    const pending = planFollow(chain(true), facts({ provider: "merged", middle: "open", consumer: "open" }, { checks: "pending" }));
    expect(pending.decisions).toEqual([]);
    expect(pending.repos[1]!.note).toBe("merges once its checks pass");
  });

  test("provider closed without merging: the dependent is blocked, not merged, and stays blocked", () => {
    const p = planFollow(chain(true), facts({ provider: "closed", middle: "open", consumer: "open" }));
    expect(p.decisions.map((d) => [d.action, d.key])).toEqual([["blocked", "blocked middle by provider"]]);
    expect(p.repos.map((r) => r.state)).toEqual(["closed", "blocked", "waiting"]);
    const after = planFollow(chain(true, [taken({ key: "blocked middle by provider", repo: "middle", action: "blocked" })]), facts({ provider: "closed", middle: "open", consumer: "open" }));
    expect(after.decisions).toEqual([]);
    expect(after.repos[1]!.note).toBe("blocked: provider:feat/x closed without merging");
  });

  test("a stale approval is flagged once", () => {
    const p = planFollow(chain(false), facts({ provider: "open", middle: "open", consumer: "open" }, { stale_approvals: ["ann"] }));
    expect(p.decisions.map((d) => d.key)).toEqual(["stale_approval provider ann", "stale_approval middle ann", "stale_approval consumer ann"]);
  });
});

describe("a merge that failed for a reason that may pass (issue 20)", () => {
  const failed = (n: number, _at: string) => taken({ key: `merge_failed middle ${n}`, repo: "middle", action: "merge_failed" });
  const merged = facts({ provider: "merged", middle: "open", consumer: "open" });
  test("is tried again under a key of its own, a minute after the failure at the earliest", () => {
    const set = chain(true, [taken({ key: "merge middle", repo: "middle", action: "merge" }), failed(1, "")]);
    expect(planFollow(set, merged, () => true, new Date("2026-11-30T10:00:30Z")).decisions).toEqual([]);
    expect(planFollow(set, merged, () => true, new Date("2026-11-30T10:01:00Z")).decisions.map((d) => d.key)).toEqual(["merge middle retry 1"]);
  });

  test("after three failed merges the dependent is told it cannot merge, and nothing is tried again", () => {
    const set = chain(true, [taken({ key: "merge middle", repo: "middle", action: "merge" }), failed(1, ""), failed(2, ""), failed(3, "")]);
    const p = planFollow(set, merged, () => true, new Date("2026-11-30T11:00:00Z"));
    expect(p.decisions.map((d) => [d.action, d.key])).toEqual([["cannot_merge", "cannot_merge middle after 3 failed merges"]]);
  });
});
