import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { checkCompatibility, checkContract, checkImports, checkSchemaDrift, CheckReport, declaredBump, reportFromProblems } from "../../src/check/findings.ts";
import { loadRealm } from "../../src/realm/load.ts";
import type { ContractFile } from "../../src/realm/schema.ts";

const contract = (over: Partial<ContractFile>): ContractFile => ({
  name: "c",
  version: "1.1.0",
  owner: "a",
  compatibility: { backwards: true, forwards: false },
  schema: { type: "object" },
  value: {},
  evolution: [],
  ...over,
});
const noLocate = () => undefined;
const rules = (c: ContractFile) => checkContract("d", c, noLocate).map((f) => f.rule);

describe("contract checks", () => {
  test("a schema that is not valid JSON Schema is reported, not thrown", () => {
    expect(rules(contract({ schema: { type: "objekt" } }))).toEqual(["schema-invalid"]);
  });

  test("draft 2020-12 by default, draft-07 when the schema declares it", () => {
    const tuple2020 = { type: "array", prefixItems: [{ type: "string" }], items: false };
    expect(rules(contract({ schema: tuple2020, value: ["a", "b"] }))).toEqual(["value-invalid"]);
    const tuple07 = { $schema: "http://json-schema.org/draft-07/schema#", type: "array", items: [{ type: "string" }], additionalItems: false };
    expect(rules(contract({ schema: tuple07, value: ["a"] }))).toEqual([]);
    expect(rules(contract({ schema: tuple07, value: ["a", "b"] }))).toEqual(["value-invalid"]);
  });

  test("formats are enforced", () => {
    expect(rules(contract({ schema: { type: "string", format: "email" }, value: "not-an-email" }))).toEqual(["value-invalid"]);
  });

  test("evolution must ascend and end at the version", () => {
    const evo = (vs: string[]) => vs.map((version) => ({ version, changes: [], compatible: true }));
    expect(rules(contract({ evolution: evo(["1.0.0", "1.1.0"]) }))).toEqual([]);
    expect(rules(contract({ evolution: evo(["1.1.0", "1.0.0"]) }))).toEqual(["evolution-order", "evolution-tail"]);
    expect(rules(contract({ evolution: evo(["1.0.0"]) }))).toEqual(["evolution-tail"]);
  });

  test("a pattern RE2 cannot run is refused in a new or edited contract, named by its place in the schema", () => {
    const c = contract({ schema: { type: "array", items: { type: "string", pattern: "^(a)\\1$" } }, value: ["aa"] });
    const locate = (_file: string, path: readonly (string | number)[]) => (path.join("/") === "schema/items/pattern" ? { line: 12, col: 7 } : undefined);
    const findings = checkContract("d", c, locate);
    expect(findings.map((f) => [f.rule, f.severity, f.file, f.line, f.col, f.pointer])).toEqual([["pattern-unsupported", "error", "domains/d/contracts/c.yaml", 12, 7, "/schema/items/pattern"]]);
    expect(findings[0]!.message).toBe("cannot evaluate pattern '^(a)\\1$': a backreference (\\1) is not supported (blue matches patterns with RE2, in linear time, which has no backreferences or lookaround)");
  });

  test("in a contract as published, it is a warning and the value is not judged (it fails closed, never valid in silence)", () => {
    const c = contract({ schema: { type: "object", patternProperties: { "^(?!x)": { type: "string" } } }, value: { a: 1 } });
    const findings = checkContract("d", c, noLocate, undefined, true);
    expect(findings.map((f) => [f.rule, f.severity, f.pointer])).toEqual([["pattern-unsupported", "warning", "/schema/patternProperties/^(?!x)"]]);
    expect(findings[0]!.message).toEndWith("; the value is not checked against its schema");
  });

  test("an invalid pattern is still a schema that does not compile", () => {
    expect(rules(contract({ schema: { type: "string", pattern: "(" }, value: "a" }))).toEqual(["schema-invalid"]);
  });

  test("compatibility: a pattern that cannot be evaluated is a warning, and its change needs a major bump", () => {
    const schema = { type: "object", patternProperties: { "^(?=x)": {} }, additionalProperties: false };
    const from = { version: "1.0.0", schema, value: {} };
    const to = { version: "1.1.0", schema: { ...schema, properties: { a: {} } }, value: {} };
    const r = checkCompatibility("d", contract({ version: "1.1.0" }), from, to, noLocate);
    expect(r.findings.map((f) => [f.rule, f.severity])).toEqual([["pattern-unsupported", "warning"], ["bump-too-small", "error"]]);
    expect(r.result).toBe("BREAKING (major bump required)");
  });

  test("the declared bump is read from the two versions", () => {
    expect([declaredBump("1.4.0", "1.4.0"), declaredBump("1.4.0", "1.4.1"), declaredBump("1.4.0", "1.5.0"), declaredBump("1.4.0", "2.0.0")]).toEqual(["none", "patch", "minor", "major"]);
  });
});

describe("exporter: schema drift", () => {
  test("a schema_file as the contract's schema has no finding", () => {
    expect(checkSchemaDrift("d", contract({}), "config/schema.json", { type: "object" })).toEqual([]);
  });

  test("each difference is a schema-mismatch error at its pointer, worded as sync words it", () => {
    const c = contract({ schema: { type: "object", properties: { n: { type: "integer", maximum: 5 } } } });
    const wider = { type: "object", properties: { n: { type: "integer", maximum: 9 } }, required: ["n"] };
    expect(checkSchemaDrift("d", c, "config/schema.json", wider)).toEqual([
      { rule: "schema-mismatch", severity: "error", mode: "exporter", contract: "c", domain: "d", file: "config/schema.json", pointer: "/properties/n/maximum", message: "code differs from contract 1.1.0: schema /properties/n/maximum: maximum changed from 5 to 9 (breaking)" },
      { rule: "schema-mismatch", severity: "error", mode: "exporter", contract: "c", domain: "d", file: "config/schema.json", pointer: "/required/0", message: "code differs from contract 1.1.0: schema /required/0: 'n' is now required" },
    ]);
  });
});

describe("compatibility results", () => {
  const schema = { type: "object", required: ["read"], properties: { read: { type: "array" } } };
  const open = { type: "object", properties: { read: { type: "array" } } };
  const side = (version: string, s: unknown) => ({ version, schema: s, value: {} });
  const at = (from: string, to: string, s: unknown) => checkCompatibility("d", contract({ version: to }), side(from, schema), side(to, s), noLocate);

  test("a breaking change with a major bump is a warning, never passed in silence; its result says the bump is enough", () => {
    const r = at("1.4.0", "2.0.0", open);
    expect(r.findings.map((f) => [f.rule, f.severity])).toEqual([["required-removed", "warning"]]);
    expect(r.result).toBe("BREAKING (major version bump OK)");
  });

  test("with a smaller bump each breaking change is an error, and so is the bump", () => {
    const r = at("1.4.0", "1.5.0", open);
    expect(r.findings.map((f) => [f.rule, f.severity])).toEqual([["required-removed", "error"], ["bump-too-small", "error"]]);
    expect(r.result).toBe("BREAKING (major bump required)");
  });

  test("a compatible change with too small a bump does not say its bump is OK", () => {
    const r = at("1.4.0", "1.4.1", { ...schema, properties: { ...schema.properties, write: { type: "array" } } });
    expect(r.findings.map((f) => f.severity)).toEqual(["info", "error"]);
    expect(r.result).toBe("COMPATIBLE (minor bump required)");
  });
});

describe("importer checks", () => {
  const load = () => loadRealm(join(import.meta.dir, "..", "fixtures", "realms", "good"));
  const repo = "fungal-image-analysis";
  const widen = `'blue realm import s3-permissions --range ">=1.0.0 <3.0.0"'`;

  test("a binding at the latest version passes with the RFC's words", () => {
    const { findings, checked } = checkImports(load(), repo);
    expect(findings).toEqual([]);
    expect(checked.find((c) => c.contract === "s3-permissions")?.detail).toBe("binding at 1.4.0 (current)");
  });

  test("a version proposed past the range is a warning naming it, its branch and the import command", () => {
    const proposed = [
      { domain: "s3-access", contract: "s3-permissions", version: "1.5.0", branch: "sync/aperture/1" },
      { domain: "s3-access", contract: "s3-permissions", version: "2.0.0", branch: "sync/aperture/2" },
      { domain: "s3-access", contract: "s3-permissions", version: "1.4.0", branch: "sync/aperture/old" },
    ];
    const { findings } = checkImports(load(), repo, proposed);
    expect(findings.map((f) => [f.rule, f.severity, f.message])).toEqual([
      ["version-outside-range", "warning", `2.0.0 (proposed in sync/aperture/2) is outside your import range >=1.0.0, <2.0.0: update your code for it, then run ${widen}`],
    ]);
  });

  test("a published version past the range is a warning; a range nothing published reaches yet is an error", () => {
    const past = load();
    past.model.domains.get("s3-access")!.contracts.get("s3-permissions")!.version = "2.0.0";
    expect(checkImports(past, repo).findings.map((f) => [f.rule, f.severity, f.message])).toEqual([
      ["version-outside-range", "warning", `2.0.0 is published and outside your import range >=1.0.0, <2.0.0: update your code for it, then run ${widen}`],
    ]);
    const ahead = load();
    ahead.model.domains.get("s3-access")!.bindings.get(repo)!.imports[0]!.version = "^2.0.0";
    expect(checkImports(ahead, repo).findings.map((f) => [f.rule, f.severity])).toEqual([["import-unsatisfied", "error"]]);
  });
});

describe("a realm that does not load, as a report", () => {
  test("each problem is a realm-invalid finding at its place, in the domain and contract its file names", () => {
    const report = reportFromProblems("letemcook", "aperture", "importer", [
      { file: "domains/s3-access/contracts/s3-permissions.yaml", line: 4, col: 10, field: "version", message: "must be a semantic version like 1.4.0", severity: "error" },
      { file: "domains/s3-access/bindings/aperture.yaml", line: 2, col: 1, field: "", message: "unknown field 'rol'", severity: "warning" },
      { file: "realm.yaml", line: 0, col: 0, field: "", message: "cannot be read", severity: "error" },
    ], "realm 'letemcook' has 2 errors");
    expect(CheckReport.parse(report)).toEqual(report);
    expect(report.findings.map((f) => [f.rule, f.severity, f.mode, f.domain, f.contract, f.file, f.line ?? null, f.col ?? null, f.message])).toEqual([
      ["realm-invalid", "error", "importer", "s3-access", "s3-permissions", "domains/s3-access/contracts/s3-permissions.yaml", 4, 10, "version: must be a semantic version like 1.4.0"],
      ["realm-invalid", "warning", "importer", "s3-access", "", "domains/s3-access/bindings/aperture.yaml", 2, 1, "unknown field 'rol'"],
      ["realm-invalid", "error", "importer", "", "", "realm.yaml", null, null, "cannot be read"],
    ]);
    expect(report.summary).toEqual({ errors: 2, warnings: 1 });
  });

  test("an error without problems is one finding with its message", () => {
    const report = reportFromProblems("r", null, "contract", [], "realm.yaml asks for blue 9.0.0");
    expect(report.findings.map((f) => [f.rule, f.file ?? null, f.message])).toEqual([["realm-invalid", null, "realm.yaml asks for blue 9.0.0"]]);
  });
});
