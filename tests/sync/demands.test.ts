// The findings that demand a major bump in the sync plan (issue 19): shown before anything is published, with
// witnesses only where the plan is shown, and never a waived finding.
import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { loadRealm } from "../../src/realm/load.ts";
import { demandLines } from "../../src/sync/demands.ts";
import { planContractUpdate, planSync } from "../../src/sync/update.ts";

const NOW = new Date("2026-01-24T15:00:00Z");
const WAIVER = { rule: "required-removed", pointer: "/required/0", from: "1.4.0", until: "2026-01-24", reason: "ok for now", recorded_by: "eric@example.com", recorded_at: "2026-01-20T00:00:00Z" };

function world() {
  const model = loadRealm(join(import.meta.dir, "..", "fixtures", "realms", "good")).model;
  const d = model.domains.get("s3-access")!;
  const c = d.contracts.get("s3-permissions")!;
  const { required: _, ...optionalRead } = c.schema as Record<string, unknown>;
  const extracted = { domain: "s3-access", contract: "s3-permissions", value: structuredClone(c.value), schema: { ...optionalRead, "x-rule": { max: 3 } } };
  const plan = () => planSync({ realm: "letemcook", repo: "aperture", model, extracted: [extracted], pending: [], now: NOW, taken: new Set() }).branches[0]!;
  return { model, d, c, extracted, plan };
}

describe("the findings that demand a major bump", () => {
  test("each breaking finding, its directions and a verified witness where one exists; the PR body repeats them", () => {
    const { plan } = world();
    const b = plan();
    const u = b.updates[0]!;
    expect([u.to, u.bump]).toEqual(["2.0.0", "major"]);
    expect(u.demands.map((d) => [d.rule, d.pointer, d.breaks])).toEqual([
      ["required-removed", "/required/0", ["backwards"]],
      ["unknown-change", "/x-rule", ["backwards", "forwards"]],
    ]);
    expect(u.demands[0]!.witness).toEqual({ found: true, value: expect.anything(), valid_under: "2.0.0", rejected_by: "1.4.0" });
    expect(b.pr.body).toContain("Why a major version:\n```\n2.0.0 (major, demanded by 2 findings):\n  - required-removed at /required/0, breaking backwards — 'read' is no longer required\n");
  });

  test("a waived finding demands nothing: the major bump is the unmodelled keyword's alone", () => {
    const { d, plan } = world();
    d.waivers.set("s3-permissions", { contract: "s3-permissions", waivers: [WAIVER] });
    const u = plan().updates[0]!;
    expect(u.to).toBe("2.0.0");
    expect(u.demands.map((x) => x.rule)).toEqual(["unknown-change"]);
    expect(demandLines(u.to, u.bump, u.demands)[0]).toBe("2.0.0 (major: unknown-change at /x-rule, breaking both ways — keyword 'x-rule' changed, and the checker does not model it)");
  });

  test("without the witness flag (sync's pre-pass) the demands are there and nothing is searched", () => {
    const { c, extracted } = world();
    const u = planContractUpdate("s3-access", c, extracted)!;
    expect(u.demands).toHaveLength(2);
    expect(u.demands.every((x) => x.witness === undefined)).toBe(true);
  });

  test("a minor version demands nothing and prints nothing", () => {
    const { c, extracted } = world();
    const value = structuredClone(c.value) as { write: string[] };
    value.write.push("training-metrics/experiments/*");
    const u = planContractUpdate("s3-access", c, { ...extracted, value, schema: c.schema }, undefined, true)!;
    expect([u.bump, u.demands]).toEqual(["minor", []]);
    expect(demandLines("1.5.0", "minor", [])).toEqual([]);
  });
});
