// The issue-19 rules in their plainest form: what the engine does not model is `unknown-change` (breaking both
// ways, with its pointer), and the classes that once read as COMPATIBLE are breaking where a value proves it.
// The differential test (differential/) checks the same against ajv on many more pairs.

import { describe, expect, test } from "bun:test";
import { compareSchemas, type SchemaFinding } from "../../src/compat/index.ts";

const brief = (findings: SchemaFinding[]) => findings.map(({ rule, pointer, backwards, forwards }) => ({ rule, pointer, backwards, forwards }));
const B = "breaking" as const;
const C = "compatible" as const;
const str = { type: "string" };

describe("what the engine does not model is unknown-change, never silence", () => {
  test("a schema object with $dynamicRef in a document that changed elsewhere", () => {
    const old = { $defs: { t: { $dynamicAnchor: "t", ...str } }, properties: { a: { $dynamicRef: "#t" } } };
    const neu = { $defs: { t: { $dynamicAnchor: "t", type: "integer" } }, properties: { a: { $dynamicRef: "#t" } } };
    expect(brief(compareSchemas(old, neu))).toContainEqual({ rule: "unknown-change", pointer: "/properties/a", backwards: B, forwards: B });
    expect(compareSchemas(old, structuredClone(old))).toEqual([]);
  });

  test("a move between draft-07 and 2020-12", () => {
    const findings = compareSchemas({ $schema: "http://json-schema.org/draft-07/schema#", ...str }, { $schema: "https://json-schema.org/draft/2020-12/schema", ...str });
    expect(brief(findings)).toContainEqual({ rule: "unknown-change", pointer: "/$schema", backwards: B, forwards: B });
  });

  test("unevaluatedProperties beside allOf: a change anywhere in the object is unknown-change at its place", () => {
    const old = { properties: { x: { allOf: [{ properties: { a: str } }], unevaluatedProperties: false } } };
    const neu = { properties: { x: { allOf: [{ properties: { a: str, b: str } }], unevaluatedProperties: false } } };
    expect(brief(compareSchemas(old, neu))).toEqual([{ rule: "unknown-change", pointer: "/properties/x", backwards: B, forwards: B }]);
  });

  test("a changed if (seen through its reference) is unknown-change at /if", () => {
    const old = { $defs: { T: str }, if: { $ref: "#/$defs/T" }, then: { minLength: 2 } };
    const neu = { $defs: { T: { type: "integer" } }, if: { $ref: "#/$defs/T" }, then: { minLength: 2 } };
    expect(brief(compareSchemas(old, neu))).toEqual([{ rule: "unknown-change", pointer: "/if", backwards: B, forwards: B }]);
  });
});

describe("classes that once read as compatible", () => {
  test("a pattern added that also matches a declared property narrows it (forwards breaks)", () => {
    const old = { properties: { a: str }, additionalProperties: false };
    const findings = compareSchemas(old, { ...old, patternProperties: { "^a": { type: "integer" } } });
    expect(brief(findings)).toEqual([{ rule: "pattern-property-added", pointer: "/patternProperties/^a", backwards: B, forwards: B }]);
  });

  test("a oneOf member widened through $ref is breaking both ways when members may overlap", () => {
    const old = { $defs: { A: { type: "integer" } }, oneOf: [{ $ref: "#/$defs/A" }, str] };
    const neu = { $defs: { A: { type: ["integer", "string"] } }, oneOf: [{ $ref: "#/$defs/A" }, str] };
    expect(brief(compareSchemas(old, neu))).toEqual([{ rule: "type-widened", pointer: "/$defs/A/type", backwards: B, forwards: B }]);
  });

  test("an $anchor reference follows its target; a nested $id changes what #/$defs/t names", () => {
    const anchored = (type: string) => ({ $defs: { t: { $anchor: "T", type } }, properties: { a: { $ref: "#T" } } });
    expect(brief(compareSchemas(anchored("string"), anchored("integer")))).toEqual([{ rule: "type-changed", pointer: "/$defs/t/type", backwards: B, forwards: B }]);
    const nested = (type: string) => ({ $id: "https://example.com/root.json", $defs: { t: str }, properties: { x: { $id: "sub.json", $defs: { t: { type } }, properties: { a: { $ref: "#/$defs/t" } } } } });
    expect(brief(compareSchemas(nested("string"), nested("integer")))).toEqual([{ rule: "type-changed", pointer: "/properties/x/$defs/t/type", backwards: B, forwards: B }]);
  });

  test("equivalent spellings are no change: const ↔ enum, exclusiveMaximum ↔ maximum on integers, dependencies ↔ dependentRequired", () => {
    expect(compareSchemas({ const: "a" }, { enum: ["a"] })).toEqual([]);
    expect(compareSchemas({ type: "integer", exclusiveMaximum: 10 }, { type: "integer", maximum: 9 })).toEqual([]);
    expect(compareSchemas({ dependencies: { a: ["b"] } }, { dependentRequired: { a: ["b"] } })).toEqual([]);
    expect(brief(compareSchemas({ type: "string" }, { type: "string", format: "made-up" }))).toEqual([]);
    expect(brief(compareSchemas({ type: "object" }, { type: "object", properties: { b: {} } }))).toEqual([{ rule: "property-added-unconstrained", pointer: "/properties/b", backwards: C, forwards: C }]);
  });
});
