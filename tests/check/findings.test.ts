import { describe, expect, test } from "bun:test";
import { checkCompatibility, checkContract, checkSchemaDrift, declaredBump } from "../../src/check/findings.ts";
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
