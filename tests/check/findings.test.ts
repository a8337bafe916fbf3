import { describe, expect, test } from "bun:test";
import { checkContract, declaredBump } from "../../src/check/findings.ts";
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

  test("the declared bump is read from the two versions", () => {
    expect([declaredBump("1.4.0", "1.4.0"), declaredBump("1.4.0", "1.4.1"), declaredBump("1.4.0", "1.5.0"), declaredBump("1.4.0", "2.0.0")]).toEqual(["none", "patch", "minor", "major"]);
  });
});
