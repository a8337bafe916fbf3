// Impact per consumer: which importers a new version breaks, from each importer's range, the version it
// resolved and the verdict between that version and the new one.
import { describe, expect, test } from "bun:test";
import { breaksAny, planImpact, versionsNeeded, type Importer, type Version } from "../../src/impact/plan.ts";
import type { ContractFile } from "../../src/realm/schema.ts";

const v1 = { type: "object", required: ["read"], properties: { read: { type: "array", items: { type: "string" } } } };
const v15 = { ...v1, properties: { ...v1.properties, write: { type: "array", items: { type: "string" } } } };
// 2.0.0 drops `required`: values without `read` become valid, which importers of 1.x never had to handle.
const { required: _, ...v2 } = v15;
const contract: ContractFile = {
  name: "s3-permissions",
  version: "1.5.0",
  owner: "aperture",
  compatibility: { backwards: true, forwards: false },
  schema: v15,
  value: { read: ["a"] },
  evolution: [
    { version: "1.0.0", changes: [], compatible: true },
    { version: "1.5.0", changes: [], compatible: true },
  ],
};
const side = (version: string, schema: unknown): Version => ({ version, schema, value: { read: ["a"] } });
const history = new Map([["1.0.0", side("1.0.0", v1)]]);
const impact = (next: Version, importers: Importer[], versions = history) => planImpact({ domain: "s3-access", contract, next, importers, versions });

describe("planImpact", () => {
  test("the issue's line: a breaking 2.0.0 breaks the importer on 1.x and leaves the one on ^2 alone", () => {
    const r = impact(side("2.0.0", v2), [
      { repo: "ml-infra", range: "^2", resolved: null },
      { repo: "fungal-image-analysis", range: ">=1.0.0 <2.0.0", resolved: "1.5.0" },
    ]);
    expect(r.summary).toBe("2.0.0 breaks fungal-image-analysis (imports >=1.0.0 <2.0.0, resolved 1.5.0); ml-infra unaffected (imports ^2)");
    expect(r.importers.map((i) => [i.repo, i.status, i.compared_with])).toEqual([
      ["ml-infra", "unaffected", null],
      ["fungal-image-analysis", "breaks", "1.5.0"],
    ]);
    expect(r.importers[1]!.changes).toEqual(["schema /required/0: 'read' is no longer required (breaking)"]);
    expect(breaksAny(r)).toBe(true);
  });

  test("a compatible version outside a pinned range breaks nobody, and says it is compatible with what was resolved", () => {
    const r = impact(side("1.6.0", v15), [{ repo: "fungal", range: "~1.5.0", resolved: "1.5.0" }]);
    expect(r.importers[0]).toMatchObject({ status: "unaffected", compared_with: "1.5.0", reason: "imports ~1.5.0, resolved 1.5.0; 1.6.0 is compatible with 1.5.0" });
    expect(breaksAny(r)).toBe(false);
  });

  test("an importer that resolved nothing yet is judged against the newest published version its range admits", () => {
    const r = impact(side("2.0.0", v2), [{ repo: "fungal", range: "~1.0.0", resolved: null }]);
    expect(r.importers[0]).toMatchObject({ status: "breaks", compared_with: "1.0.0", reason: "imports ~1.0.0, relies on 1.0.0" });
  });

  test("a resolved version missing from history is unknown, counted as broken (fail closed)", () => {
    const r = impact(side("2.0.0", v2), [{ repo: "fungal", range: "^1", resolved: "1.2.0" }]);
    expect(r.importers[0]).toMatchObject({ status: "unknown", reason: "imports ^1, resolved 1.2.0; 1.2.0 is not in the realm's history" });
    expect(r.summary).toBe("2.0.0 may break fungal (imports ^1, resolved 1.2.0; 1.2.0 is not in the realm's history)");
    expect(breaksAny(r)).toBe(true);
  });

  test("a range nothing published satisfies relies on nothing; no importers is said", () => {
    expect(impact(side("1.6.0", v15), [{ repo: "x", range: "^3", resolved: null }]).importers[0]).toMatchObject({ status: "unaffected", reason: "imports ^3, which no published version satisfies yet" });
    expect(impact(side("2.0.0", v2), []).summary).toBe("2.0.0: no importers");
  });

  test("versionsNeeded names only versions to read from history", () => {
    const importers = [
      { repo: "a", range: "^2", resolved: null },
      { repo: "b", range: "^1", resolved: "1.5.0" },
      { repo: "c", range: "~1.0.0", resolved: null },
      { repo: "d", range: "^1", resolved: "1.2.0" },
    ];
    expect(versionsNeeded(contract, "2.0.0", importers)).toEqual(["1.0.0", "1.2.0"]);
  });
});
