// Scoped waivers with expiry (issue 19) as pure functions: which finding a waiver matches, in which comparisons,
// until when (an injected clock), and what the check and the bump make of it.
import { describe, expect, test } from "bun:test";
import { checkCompatibility } from "../../src/check/findings.ts";
import { describeWaiver } from "../../src/ui/check-report.ts";
import { applyWaivers, expiresAt, inScope, isExpired, listWaivers } from "../../src/check/waivers.ts";
import { compareVersions } from "../../src/compat/index.ts";
import type { ContractFile, Waiver } from "../../src/realm/schema.ts";

const OLD = { type: "object", required: ["read"], properties: { read: { type: "string" } } };
const NEW = { type: "object", properties: { read: { type: "string" } } };
const REQ = { backwards: true, forwards: false };
const waiver = (over: Partial<Waiver> = {}): Waiver => ({
  rule: "required-removed",
  pointer: "/required/0",
  from: "1.4.0",
  until: "2026-12-31",
  reason: "fungal reads it as optional",
  recorded_by: "eric@example.com",
  recorded_at: "2026-11-30T10:00:00Z",
  ...over,
});
const contract: ContractFile = { name: "s3", version: "1.5.0", owner: "aperture", compatibility: REQ, schema: NEW, value: {}, evolution: [] };
const V14 = { version: "1.4.0", schema: OLD, value: {} };
const V15 = { version: "1.5.0", schema: NEW, value: {} };
const IN_FORCE = new Date("2026-12-31T23:59:59Z");
const EXPIRED = new Date("2027-01-01T00:00:00Z");

describe("expiry", () => {
  test("a waiver holds through the end of its day, UTC, and not a moment longer", () => {
    expect(expiresAt(waiver()).toISOString()).toBe("2027-01-01T00:00:00.000Z");
    expect(isExpired(waiver(), IN_FORCE)).toBe(false);
    expect(isExpired(waiver(), EXPIRED)).toBe(true);
  });
});

describe("scope", () => {
  test("a waiver covers comparisons that span the change away from its version", () => {
    const w = waiver({ from: "1.4.0" });
    expect(inScope(w, "1.4.0", "1.5.0")).toBe(true);
    expect(inScope(w, "1.0.0", "2.3.0")).toBe(true); // --transitive from an earlier version
    expect(inScope(w, "1.5.0", "1.6.0")).toBe(false); // a later change at the same place is not waived
    expect(inScope(w, "1.3.0", "1.4.0")).toBe(false); // nor an earlier one
    expect(inScope(w, "local", "1.5.0")).toBe(false);
  });
});

describe("matching", () => {
  const cmp = compareVersions(V14, V15, REQ);
  const at = (waivers: Waiver[], now: Date, from = "1.4.0", to = "1.5.0") => applyWaivers(cmp.findings, cmp.values, REQ, { waivers, now, from, to });

  test("the same rule and pointer in scope and in force waives the finding, and the bump is minor", () => {
    expect(cmp.bump).toBe("major");
    const r = at([waiver()], IN_FORCE);
    expect([...r.waived.keys()].map((f) => [f.rule, f.pointer])).toEqual([["required-removed", "/required/0"]]);
    expect(r.bump).toBe("minor");
  });

  test("another rule, another pointer or another version waives nothing", () => {
    for (const w of [waiver({ rule: "required-added" }), waiver({ pointer: "/required/1" }), waiver({ from: "1.5.0" })]) {
      const r = at([w], IN_FORCE);
      expect([r.waived.size, r.expired.size, r.bump]).toEqual([0, 0, "major"]);
    }
  });

  test("after expiry the finding counts again, and says which waiver expired", () => {
    const r = at([waiver()], EXPIRED);
    expect([r.waived.size, r.bump]).toEqual([0, "major"]);
    expect([...r.expired.values()][0]!.until).toBe("2026-12-31");
    // A renewed waiver of the same finding wins over the expired one.
    const renewed = at([waiver(), waiver({ until: "2027-06-30" })], EXPIRED);
    expect([renewed.waived.size, renewed.expired.size, renewed.bump]).toEqual([1, 0, "minor"]);
  });

  test("a finding that does not break a required direction needs no waiver", () => {
    const r = applyWaivers(compareVersions(V15, V14, REQ).findings, [], REQ, { waivers: [waiver({ rule: "required-added" })], now: IN_FORCE, from: "1.4.0", to: "1.5.0" });
    expect(r.waived.size).toBe(0);
  });
});

describe("the compatibility check", () => {
  const check = (now: Date, waivers = [waiver()]) => checkCompatibility("d", contract, V14, V15, () => undefined, undefined, { waivers, now });

  test("without a waiver a breaking change with a minor bump is an error", () => {
    const r = checkCompatibility("d", contract, V14, V15, () => undefined);
    expect(r.findings.map((f) => [f.rule, f.severity])).toEqual([["required-removed", "error"], ["bump-too-small", "error"]]);
  });

  test("a waiver in force makes the finding info, carried with its waiver, and the minor bump enough", () => {
    const r = check(IN_FORCE);
    expect(r.findings.map((f) => [f.rule, f.severity])).toEqual([["required-removed", "info"]]);
    expect(r.findings[0]!.waiver).toEqual({ until: "2026-12-31", reason: "fungal reads it as optional", recorded_by: "eric@example.com", from: "1.4.0", expired: false });
    expect(r.findings[0]!.message).toEndWith("(BREAKING for this contract; waived until 2026-12-31: fungal reads it as optional)");
    expect(r.result).toBe("COMPATIBLE (minor version bump OK, 1 breaking change waived)");
    expect(r.applied).toHaveLength(1);
  });

  test("an expired waiver fails the check again and says so", () => {
    const r = check(EXPIRED);
    expect(r.findings.map((f) => [f.rule, f.severity])).toEqual([["required-removed", "error"], ["bump-too-small", "error"]]);
    expect(r.findings[0]!.waiver?.expired).toBe(true);
    expect(r.findings[0]!.message).toEndWith("(BREAKING for this contract; its waiver expired on 2026-12-31)");
    expect(r.result).toBe("BREAKING (major bump required)");
    expect(r.applied).toEqual([]);
  });
});

describe("listing", () => {
  test("every waiver of the contracts checked is listed, applied, unused or expired", () => {
    const applied = waiver();
    const unused = waiver({ pointer: "/properties/x" });
    const old = waiver({ until: "2026-01-01" });
    const list = listWaivers([{ domain: "d", contract: "s3", waivers: [applied, unused, old] }], new Set([applied]), IN_FORCE);
    expect(list.map((w) => w.status)).toEqual(["applied", "unused", "expired"]);
    expect(list.map(describeWaiver)).toEqual([
      "waived: required-removed at /required/0 until 2026-12-31 (fungal reads it as optional)",
      "waived: required-removed at /properties/x until 2026-12-31 (fungal reads it as optional); nothing matched it in this check",
      "waiver expired: required-removed at /required/0 on 2026-01-01 (fungal reads it as optional); the finding counts again",
    ]);
  });
});
