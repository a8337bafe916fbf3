// The sync plan and the merge policy as pure functions over the RFC's example realm.
import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { loadRealm } from "../../src/realm/load.ts";
import { evaluate } from "../../src/sync/merge-policy.ts";
import { branchName } from "../../src/sync/plan.ts";
import { planSync } from "../../src/sync/update.ts";
import { toPending, type PendingSync } from "../../src/sync/pending.ts";

const good = () => loadRealm(join(import.meta.dir, "..", "fixtures", "realms", "good")).model;
const NOW = new Date("2026-01-24T15:00:00Z");

function valueOf() {
  return structuredClone(good().domains.get("s3-access")!.contracts.get("s3-permissions")!.value) as { write: string[] } & Record<string, unknown>;
}

function pending(p: Partial<PendingSync>): PendingSync {
  return { branch: "sync/aperture/20260124-150000", repo: "aperture", sha: "a".repeat(40), synced_at: NOW.toISOString(), base: null, base_merged: true, updates: [], acks: [], approvals: [], conflicts: [], obsolete: false, contents: new Map(), ...p };
}
const UPDATE = { domain: "s3-access", contract: "s3-permissions", version: "1.5.0", compatible: true, changes: ["+ x"] };

describe("planSync", () => {
  test("a value added in code is a minor version with an evolution entry, a PR for the importers' maintainers", () => {
    const value = valueOf();
    value.write.push("training-metrics/experiments/*");
    const { branches } = planSync({ realm: "letemcook", repo: "aperture", model: good(), extracted: [{ domain: "s3-access", contract: "s3-permissions", value }], pending: [], now: NOW, taken: new Set() });
    expect(branches).toHaveLength(1);
    const b = branches[0]!;
    expect(b.branch).toBe("sync/aperture/20260124-150000");
    expect(b.start).toBe("origin/main");
    expect(b.updates.map((u) => [u.from, u.to, u.bump, u.compatible, u.changes])).toEqual([["1.4.0", "1.5.0", "minor", true, ["/write: + training-metrics/experiments/*"]]]);
    expect(b.pr.title).toBe("aperture: s3-permissions 1.5.0");
    expect(b.pr.labels).toEqual(["compatible"]);
    expect(b.pr.body).toContain("| s3-access/s3-permissions | 1.4.0 → 1.5.0 | compatible (minor) |");
    expect(b.notify).toEqual(["fungal-image-analysis"]);
    expect(b.files).toEqual(["domains/s3-access/contracts/s3-permissions.yaml"]);
  });

  test("each update says which importers it breaks, in the plan and as a table in the PR body (issue 19)", () => {
    const model = good();
    const c = model.domains.get("s3-access")!.contracts.get("s3-permissions")!;
    const { required: _, ...schema } = c.schema as Record<string, unknown>;
    const extracted = [{ domain: "s3-access", contract: "s3-permissions", value: valueOf(), schema }];
    const [b] = planSync({ realm: "letemcook", repo: "aperture", model, extracted, pending: [], now: NOW, taken: new Set() }).branches;
    const u = b!.updates[0]!;
    expect([u.to, u.compatible]).toEqual(["2.0.0", false]);
    expect(u.impact?.summary).toBe("2.0.0 breaks fungal-image-analysis (imports >=1.0.0, <2.0.0, resolved 1.4.0)");
    expect(u.impact?.importers[0]!.changes).toEqual(["schema /required/0: 'read' is no longer required (breaking)"]);
    expect(b!.pr.body).toContain("Impact of s3-permissions 2.0.0 on its importers: 2.0.0 breaks fungal-image-analysis (imports >=1.0.0, <2.0.0, resolved 1.4.0)\n");
    expect(b!.pr.body).toContain("| fungal-image-analysis | >=1.0.0, <2.0.0 | 1.4.0 | **breaks**: imports >=1.0.0, <2.0.0, resolved 1.4.0 |");
    // A compatible update leaves the importer alone: its range admits it.
    const value = valueOf();
    value.write.push("x/*");
    const [ok] = planSync({ realm: "letemcook", repo: "aperture", model, extracted: [{ domain: "s3-access", contract: "s3-permissions", value }], pending: [], now: NOW, taken: new Set() }).branches;
    expect(ok!.updates[0]!.impact?.summary).toBe("1.5.0: fungal-image-analysis unaffected (imports >=1.0.0, <2.0.0)");
  });

  test("a breaking change a waiver in force matches is a minor version, marked as waived (issue 19)", () => {
    const model = good();
    const d = model.domains.get("s3-access")!;
    const { required: _, ...schema } = d.contracts.get("s3-permissions")!.schema as Record<string, unknown>;
    const w = { rule: "required-removed", pointer: "/required/0", from: "1.4.0", until: "2026-01-24", reason: "ok for now", recorded_by: "eric@example.com", recorded_at: "2026-01-20T00:00:00Z" };
    d.waivers.set("s3-permissions", { contract: "s3-permissions", waivers: [w] });
    const plan = (now: Date) => planSync({ realm: "letemcook", repo: "aperture", model, extracted: [{ domain: "s3-access", contract: "s3-permissions", value: valueOf(), schema }], pending: [], now, taken: new Set() }).branches[0]!;
    const u = plan(NOW).updates[0]!;
    expect([u.to, u.bump, u.compatible]).toEqual(["1.5.0", "minor", true]);
    expect(u.changes).toEqual(["schema /required/0: 'read' is no longer required (breaking) (waived until 2026-01-24: ok for now)"]);
    expect(plan(NOW).pr.labels).toEqual(["compatible"]);
    // The day after its date, the change needs its major bump again.
    expect(plan(new Date("2026-01-25T00:00:00Z")).updates[0]!.to).toBe("2.0.0");
  });

  test("code that matches the contract plans nothing", () => {
    const plan = planSync({ realm: "letemcook", repo: "aperture", model: good(), extracted: [{ domain: "s3-access", contract: "s3-permissions", value: valueOf() }], pending: [], now: NOW, taken: new Set() });
    expect(plan.branches).toEqual([]);
  });

  test("an importer acknowledges a version proposed on the provider's branch, on a branch built on it", () => {
    const p = pending({ updates: [UPDATE] });
    const { branches } = planSync({ realm: "letemcook", repo: "fungal-image-analysis", model: good(), extracted: [], pending: [p], now: NOW, taken: new Set() });
    expect(branches.map((b) => [b.start, b.base, b.acknowledgements.map((a) => [a.from, a.to, a.via])])).toEqual([
      ["origin/sync/aperture/20260124-150000", { branch: p.branch, sha: p.sha }, [["1.4.0", "1.5.0", p.branch]]],
    ]);
  });

  test("nothing is built on a provider's branch recorded closed without merging, and the plan says why in one line", () => {
    const p = pending({ updates: [UPDATE] });
    const plan = planSync({ realm: "letemcook", repo: "fungal-image-analysis", model: good(), extracted: [], pending: [p], now: NOW, taken: new Set(), closed: new Set([p.branch]) });
    expect(plan.branches).toEqual([]);
    expect(plan.ignored).toEqual([`s3-permissions 1.5.0 is not acknowledged: ${p.branch}, which proposed it, was closed without merging`]);
    expect(plan.unsatisfied).toEqual([]);
  });

  test("a proposed version outside the import range is not acknowledged, and says what to do", () => {
    const p = pending({ updates: [{ ...UPDATE, version: "2.0.0", compatible: false }] });
    const plan = planSync({ realm: "letemcook", repo: "fungal-image-analysis", model: good(), extracted: [], pending: [p], now: NOW, taken: new Set() });
    expect(plan.branches).toEqual([]);
    expect(plan.unsatisfied[0]).toContain("s3-permissions 2.0.0 (proposed in sync/aperture/20260124-150000) does not satisfy your import (>=1.0.0, <2.0.0)");
    expect(plan.unsatisfied[0]).toContain(`then widen the range with 'blue realm import s3-permissions --range ">=1.0.0 <3.0.0"'`);
  });

  test("a value invalid under the schema it would be published with is refused, named where it was read", () => {
    const value = valueOf();
    value.write.push("training-metrics/experiments/*");
    const schema = { type: "object", properties: { write: { type: "array", maxItems: 2 } } };
    const from = { file: "config/s3.json", pointer: "/permissions", schema_file: "config/schema.json" };
    const plan = planSync({ realm: "letemcook", repo: "aperture", model: good(), extracted: [{ domain: "s3-access", contract: "s3-permissions", value, schema, from }], pending: [], now: NOW, taken: new Set() });
    expect(plan.refused).toEqual([
      { contract: "s3-permissions", version: "2.0.0", reason: "its value is invalid under config/schema.json", problems: [{ file: "config/s3.json", pointer: "/permissions/write", message: "must NOT have more than 2 items" }] },
    ]);
  });

  test("without a schema_file the contract's schema is the one published, and judges the value", () => {
    const value = { ...valueOf(), read: "everything" };
    const plan = planSync({ realm: "letemcook", repo: "aperture", model: good(), extracted: [{ domain: "s3-access", contract: "s3-permissions", value, from: { file: "config/s3.json", pointer: "" } }], pending: [], now: NOW, taken: new Set() });
    expect(plan.refused.map((r) => [r.reason, r.problems.map((p) => [p.file, p.pointer])])).toEqual([["its value is invalid under domains/s3-access/contracts/s3-permissions.yaml", [["config/s3.json", "/read"]]]]);
  });

  test("a schema_file changed alone is a new version, worded by the compatibility engine's findings", () => {
    const contract = good().domains.get("s3-access")!.contracts.get("s3-permissions")!;
    const schema = { ...contract.schema, required: ["read", "write"] };
    const plan = planSync({ realm: "letemcook", repo: "aperture", model: good(), extracted: [{ domain: "s3-access", contract: "s3-permissions", value: valueOf(), schema }], pending: [], now: NOW, taken: new Set() });
    expect(plan.refused).toEqual([]);
    expect(plan.branches[0]!.updates.map((u) => [u.to, u.bump, u.schema_changed, u.changes])).toEqual([["1.5.0", "minor", true, ["schema /required/1: 'write' is now required"]]]);
  });

  test("branch names are unique within a second", () => {
    const taken = new Set<string>();
    expect([branchName("a", NOW, taken), branchName("a", NOW, taken)]).toEqual(["sync/a/20260124-150000", "sync/a/20260124-150000-2"]);
  });
});

describe("merge policy", () => {
  const model = good();
  test("a compatible change waits for the importer, then merges on its acknowledgement", () => {
    const p = pending({ updates: [UPDATE] });
    const waiting = evaluate(p, { model, pending: [p], now: NOW });
    expect([waiting.due, waiting.waiting_for]).toEqual([false, ["fungal-image-analysis to acknowledge s3-permissions 1.5.0 (or the grace period, until 2026-02-07)"]]);
    const ack = pending({ branch: "sync/fungal-image-analysis/1", repo: "fungal-image-analysis", base: { branch: p.branch, sha: p.sha }, base_merged: false, acks: [{ domain: "s3-access", repo: "fungal-image-analysis", contract: "s3-permissions", resolved_version: "1.5.0" }] });
    expect(evaluate(p, { model, pending: [p, ack], now: NOW })).toMatchObject({ due: true, reason: "acknowledged" });
    expect(evaluate(ack, { model, pending: [p, ack], now: NOW })).toMatchObject({ due: false, waiting_for: [`${p.branch} to merge first`] });
    expect(evaluate({ ...ack, base_merged: true }, { model, pending: [ack], now: NOW })).toMatchObject({ due: true, reason: "base_merged" });
  });

  test("the grace period lets a compatible change merge without acknowledgement, on its last day and not before", () => {
    const p = pending({ updates: [UPDATE] });
    expect(evaluate(p, { model, pending: [p], now: new Date("2026-02-07T14:59:59Z") }).due).toBe(false);
    expect(evaluate(p, { model, pending: [p], now: new Date("2026-02-07T15:00:00Z") })).toMatchObject({ due: true, reason: "grace_period" });
  });

  test("a breaking change needs every acknowledgement and an approver; the grace period does not apply", () => {
    const p = pending({ updates: [{ ...UPDATE, version: "2.0.0", compatible: false }] });
    const late = new Date("2027-01-01T00:00:00Z");
    expect(evaluate(p, { model, pending: [p], now: late }).waiting_for).toEqual([
      "fungal-image-analysis to acknowledge s3-permissions 2.0.0",
      "an approval of the breaking change to s3-permissions by a realm approver (eric@example.com)",
    ]);
    const ack = pending({ branch: "sync/fungal-image-analysis/1", repo: "fungal-image-analysis", acks: [{ domain: "s3-access", repo: "fungal-image-analysis", contract: "s3-permissions", resolved_version: "2.0.0" }] });
    expect(evaluate({ ...p, approvals: ["mallory@example.com"] }, { model, pending: [p, ack], now: NOW }).due).toBe(false);
    expect(evaluate({ ...p, approvals: ["Eric@Example.com"] }, { model, pending: [p, ack], now: NOW })).toMatchObject({ due: true, reason: "approved" });
  });

  test("a branch carries the waivers it adds or changes; one as on main (keys in any order) is not new", () => {
    const model = good();
    const w = { rule: "required-removed", pointer: "/required/0", from: "1.4.0", until: "2026-12-31", reason: "ok", recorded_by: "eric@example.com", recorded_at: "2026-01-20T00:00:00Z" };
    model.domains.get("s3-access")!.waivers.set("s3-permissions", { contract: "s3-permissions", waivers: [w] });
    const { rule, ...rest } = w;
    const files = new Map<string, unknown>([["domains/s3-access/waivers/s3-permissions.yaml", { contract: "s3-permissions", waivers: [{ ...rest, rule }, { ...w, until: "2027-01-31" }] }]]);
    const p = toPending({ branch: "sync/aperture/20260124-150000", sha: "a".repeat(40), commits: [], files }, model, true)!;
    expect(p.waivers).toEqual([{ domain: "s3-access", contract: "s3-permissions", rule: "required-removed", pointer: "/required/0", until: "2027-01-31" }]);
    expect(p.updates).toEqual([]);
  });

  test("a waiver needs the approval a breaking change needs, however long it waits (issue 19)", () => {
    const p = pending({ waivers: [{ domain: "s3-access", contract: "s3-permissions", rule: "required-removed", pointer: "/required/0", until: "2026-12-31" }] });
    const late = new Date("2027-01-01T00:00:00Z");
    expect(evaluate(p, { model, pending: [p], now: late })).toMatchObject({
      due: false,
      waiting_for: ["an approval of the waiver of required-removed at /required/0 in s3-permissions by a realm approver (eric@example.com)"],
    });
    expect(evaluate({ ...p, approvals: ["mallory@example.com"] }, { model, pending: [p], now: NOW }).due).toBe(false);
    expect(evaluate({ ...p, approvals: ["eric@example.com"] }, { model, pending: [p], now: NOW })).toMatchObject({ due: true, reason: "approved" });
  });
});
