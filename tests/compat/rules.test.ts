import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { compareSchemas, RULES } from "../../src/compat/index.ts";

// One example per rule id: the old and new schema, and the single finding it must produce. The verdicts
// are written out here (not read from RULES) so the table itself is under test.
type Case = { rule: string; old: unknown; new: unknown; pointer: string; backwards: "compatible" | "breaking"; forwards: "compatible" | "breaking" };

const C = "compatible" as const;
const B = "breaking" as const;
const narrows = { backwards: C, forwards: B };
const widens = { backwards: B, forwards: C };
const neither = { backwards: B, forwards: B };
const neutral = { backwards: C, forwards: C };

const S = { type: "string" };
const obj = (properties: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ type: "object", properties, ...extra });

/** Four examples per numeric limit; an upper limit widens when raised, a lower one narrows. */
function boundCases(keyword: string, id: string, side: "upper" | "lower"): Case[] {
  const up = side === "upper";
  return [
    { rule: `${id}-added`, old: {}, new: { [keyword]: 5 }, pointer: `/${keyword}`, ...narrows },
    { rule: `${id}-removed`, old: { [keyword]: 5 }, new: {}, pointer: `/${keyword}`, ...widens },
    { rule: `${id}-increased`, old: { [keyword]: 5 }, new: { [keyword]: 10 }, pointer: `/${keyword}`, ...(up ? widens : narrows) },
    { rule: `${id}-decreased`, old: { [keyword]: 10 }, new: { [keyword]: 5 }, pointer: `/${keyword}`, ...(up ? narrows : widens) },
  ];
}

const CASES: Case[] = [
  { rule: "annotation-changed", old: { ...S, title: "Path" }, new: { ...S, title: "S3 path" }, pointer: "/title", ...neutral },
  { rule: "default-changed", old: { ...S, default: "a" }, new: { ...S, default: "b" }, pointer: "/default", ...neutral },
  { rule: "unknown-change", old: { "x-owner": "ops" }, new: { "x-owner": "infra" }, pointer: "/x-owner", ...neither },
  { rule: "false-schema-added", old: obj({ a: S }), new: obj({ a: false }), pointer: "/properties/a", ...narrows },
  { rule: "false-schema-removed", old: obj({ a: false }), new: obj({ a: S }), pointer: "/properties/a", ...widens },

  { rule: "type-narrowed", old: { type: ["string", "null"] }, new: { type: "string" }, pointer: "/type", ...narrows },
  { rule: "type-widened", old: { type: "integer" }, new: { type: "number" }, pointer: "/type", ...widens },
  { rule: "type-changed", old: { type: "string" }, new: { type: "integer" }, pointer: "/type", ...neither },

  { rule: "enum-added", old: S, new: { ...S, enum: ["read", "write"] }, pointer: "/enum", ...narrows },
  { rule: "enum-removed", old: { ...S, enum: ["read", "write"] }, new: S, pointer: "/enum", ...widens },
  { rule: "enum-value-added", old: { enum: ["read", "write"] }, new: { enum: ["read", "write", "delete"] }, pointer: "/enum/2", ...widens },
  { rule: "enum-value-removed", old: { enum: ["read", "write", "delete"] }, new: { enum: ["read", "delete"] }, pointer: "/enum/1", ...narrows },
  { rule: "const-added", old: S, new: { ...S, const: "v1" }, pointer: "/const", ...narrows },
  { rule: "const-removed", old: { ...S, const: "v1" }, new: S, pointer: "/const", ...widens },
  { rule: "const-changed", old: { const: "v1" }, new: { const: "v2" }, pointer: "/const", ...neither },

  ...boundCases("maximum", "maximum", "upper"),
  ...boundCases("minimum", "minimum", "lower"),
  ...boundCases("exclusiveMaximum", "exclusive-maximum", "upper"),
  ...boundCases("exclusiveMinimum", "exclusive-minimum", "lower"),
  { rule: "multiple-of-added", old: {}, new: { multipleOf: 2 }, pointer: "/multipleOf", ...narrows },
  { rule: "multiple-of-removed", old: { multipleOf: 2 }, new: {}, pointer: "/multipleOf", ...widens },
  { rule: "multiple-of-narrowed", old: { multipleOf: 2, minimum: 0, maximum: 100 }, new: { multipleOf: 4, minimum: 0, maximum: 100 }, pointer: "/multipleOf", ...narrows },
  { rule: "multiple-of-widened", old: { multipleOf: 4, minimum: 0, maximum: 100 }, new: { multipleOf: 2, minimum: 0, maximum: 100 }, pointer: "/multipleOf", ...widens },
  { rule: "multiple-of-changed", old: { multipleOf: 2 }, new: { multipleOf: 3 }, pointer: "/multipleOf", ...neither },

  ...boundCases("maxLength", "max-length", "upper"),
  ...boundCases("minLength", "min-length", "lower"),
  { rule: "pattern-added", old: S, new: { ...S, pattern: "^[a-z]+$" }, pointer: "/pattern", ...narrows },
  { rule: "pattern-removed", old: { ...S, pattern: "^[a-z]+$" }, new: S, pointer: "/pattern", ...widens },
  { rule: "pattern-changed", old: { pattern: "^[a-z]+$" }, new: { pattern: "^[a-z0-9]+$" }, pointer: "/pattern", ...neither },
  { rule: "format-added", old: S, new: { ...S, format: "uri" }, pointer: "/format", ...narrows },
  { rule: "format-removed", old: { ...S, format: "uri" }, new: S, pointer: "/format", ...widens },
  { rule: "format-changed", old: { format: "uri" }, new: { format: "email" }, pointer: "/format", ...neither },

  ...boundCases("maxItems", "max-items", "upper"),
  ...boundCases("minItems", "min-items", "lower"),
  { rule: "unique-items-added", old: { type: "array" }, new: { type: "array", uniqueItems: true }, pointer: "/uniqueItems", ...narrows },
  { rule: "unique-items-removed", old: { uniqueItems: true }, new: { uniqueItems: false }, pointer: "/uniqueItems", ...widens },
  { rule: "item-added-open-model", old: { prefixItems: [S] }, new: { prefixItems: [S, { type: "integer" }] }, pointer: "/prefixItems/1", ...narrows },
  { rule: "item-added-closed-model", old: { prefixItems: [S], items: false }, new: { prefixItems: [S, S], items: false }, pointer: "/prefixItems/1", ...widens },
  { rule: "item-added-partial-model", old: { prefixItems: [S], items: { type: "integer" } }, new: { prefixItems: [S, { type: "integer", minimum: 0 }], items: { type: "integer" } }, pointer: "/prefixItems/1", ...narrows },
  { rule: "item-removed-open-model", old: { prefixItems: [S, { type: "integer" }] }, new: { prefixItems: [S] }, pointer: "/prefixItems/1", ...widens },
  { rule: "item-removed-closed-model", old: { prefixItems: [S, S], items: false }, new: { prefixItems: [S], items: false }, pointer: "/prefixItems/1", ...narrows },
  { rule: "item-removed-partial-model", old: { prefixItems: [S, { type: "integer", minimum: 0 }], items: { type: "integer" } }, new: { prefixItems: [S], items: { type: "integer" } }, pointer: "/prefixItems/1", ...widens },

  { rule: "property-added-open-model", old: obj({ read: S }), new: obj({ read: S, write: S }), pointer: "/properties/write", ...narrows },
  { rule: "property-added-closed-model", old: obj({ read: S }, { additionalProperties: false }), new: obj({ read: S, write: S }, { additionalProperties: false }), pointer: "/properties/write", ...widens },
  { rule: "property-added-partial-model", old: obj({}, { additionalProperties: S }), new: obj({ code: { type: "string", maxLength: 3 } }, { additionalProperties: S }), pointer: "/properties/code", ...narrows },
  { rule: "property-removed-open-model", old: obj({ read: S, write: S }), new: obj({ read: S }), pointer: "/properties/write", ...widens },
  { rule: "property-removed-closed-model", old: obj({ read: S, write: S }, { additionalProperties: false }), new: obj({ read: S }, { additionalProperties: false }), pointer: "/properties/write", ...narrows },
  { rule: "property-removed-partial-model", old: obj({ code: { type: "string", maxLength: 3 } }, { additionalProperties: S }), new: obj({}, { additionalProperties: S }), pointer: "/properties/code", ...widens },
  { rule: "property-added-unconstrained", old: obj({ read: S }), new: obj({ read: S, note: {} }), pointer: "/properties/note", ...neutral },
  { rule: "property-removed-unconstrained", old: obj({ read: S, note: true }), new: obj({ read: S }), pointer: "/properties/note", ...neutral },
  { rule: "required-added", old: obj({ read: S }), new: obj({ read: S }, { required: ["read"] }), pointer: "/required/0", ...narrows },
  { rule: "required-removed", old: obj({ read: S, write: S }, { required: ["read", "write"] }), new: obj({ read: S, write: S }, { required: ["read"] }), pointer: "/required/1", ...widens },
  { rule: "additional-properties-removed", old: obj({ read: S }), new: obj({ read: S }, { additionalProperties: false }), pointer: "/additionalProperties", ...narrows },
  { rule: "additional-properties-added", old: obj({ read: S }, { additionalProperties: false }), new: obj({ read: S }, { additionalProperties: true }), pointer: "/additionalProperties", ...widens },
  { rule: "additional-properties-narrowed", old: obj({ read: S }, { additionalProperties: true }), new: obj({ read: S }, { additionalProperties: S }), pointer: "/additionalProperties", ...narrows },
  { rule: "additional-properties-widened", old: obj({ read: S }, { additionalProperties: S }), new: obj({ read: S }), pointer: "/additionalProperties", ...widens },
  { rule: "pattern-property-added", old: obj({}), new: obj({}, { patternProperties: { "^x-": S } }), pointer: "/patternProperties/^x-", ...narrows },
  { rule: "pattern-property-removed", old: obj({}, { patternProperties: { "^x-": S }, additionalProperties: false }), new: obj({}, { additionalProperties: false }), pointer: "/patternProperties/^x-", ...narrows },
  { rule: "pattern-unsupported", old: obj({}, { patternProperties: { "^(x)\\1": S }, additionalProperties: false }), new: obj({ xx: S }, { patternProperties: { "^(x)\\1": S }, additionalProperties: false }), pointer: "/properties/xx", ...neither },
  ...boundCases("maxProperties", "max-properties", "upper"),
  ...boundCases("minProperties", "min-properties", "lower"),
  { rule: "dependent-required-added", old: { dependentRequired: { write: ["read"] } }, new: { dependentRequired: { write: ["read", "owner"] } }, pointer: "/dependentRequired/write/1", ...narrows },
  { rule: "dependent-required-removed", old: { dependentRequired: { write: ["read", "owner"] } }, new: { dependentRequired: { write: ["read"] } }, pointer: "/dependentRequired/write/1", ...widens },
  { rule: "dependent-schema-added", old: {}, new: { dependentSchemas: { write: { required: ["read"] } } }, pointer: "/dependentSchemas/write", ...narrows },
  { rule: "dependent-schema-removed", old: { dependentSchemas: { write: { required: ["read"] } } }, new: {}, pointer: "/dependentSchemas/write", ...widens },

  { rule: "all-of-member-added", old: { allOf: [S] }, new: { allOf: [S, { minLength: 1 }] }, pointer: "/allOf/1", ...narrows },
  { rule: "all-of-member-removed", old: { allOf: [S, { minLength: 1 }] }, new: { allOf: [S] }, pointer: "/allOf/1", ...widens },
  { rule: "any-of-member-added", old: { anyOf: [S] }, new: { anyOf: [S, { type: "null" }] }, pointer: "/anyOf/1", ...widens },
  { rule: "any-of-member-removed", old: { anyOf: [S, { type: "null" }] }, new: { anyOf: [S] }, pointer: "/anyOf/1", ...narrows },
  { rule: "one-of-member-added", old: { oneOf: [S, { type: "integer" }] }, new: { oneOf: [S, { type: "integer" }, { type: "null" }] }, pointer: "/oneOf/2", ...widens },
  { rule: "one-of-member-removed", old: { oneOf: [S, { type: "integer" }, { type: "null" }] }, new: { oneOf: [S, { type: "null" }] }, pointer: "/oneOf/1", ...narrows },
  { rule: "sum-type-added", old: S, new: { ...S, anyOf: [{ minLength: 3 }, { const: "" }] }, pointer: "/anyOf", ...narrows },
  { rule: "sum-type-removed", old: { ...S, oneOf: [{ minLength: 3 }, { const: "" }] }, new: S, pointer: "/oneOf", ...widens },
  { rule: "conditional-added", old: S, new: { ...S, if: { minLength: 2 }, then: { pattern: "^a" } }, pointer: "/if", ...narrows },
  { rule: "conditional-removed", old: { ...S, if: { minLength: 2 }, else: { pattern: "^a" } }, new: S, pointer: "/if", ...widens },
  { rule: "contains-added", old: { type: "array" }, new: { type: "array", contains: S }, pointer: "/contains", ...narrows },
  { rule: "contains-removed", old: { type: "array", contains: S }, new: { type: "array" }, pointer: "/contains", ...widens },
  ...boundCases("minContains", "min-contains", "lower").filter((c) => !/-(added|removed)$/.test(c.rule)).map((c) => ({ ...c, old: { contains: S, ...(c.old as object) }, new: { contains: S, ...(c.new as object) } })),
  ...boundCases("maxContains", "max-contains", "upper").map((c) => ({ ...c, old: { contains: S, ...(c.old as object) }, new: { contains: S, ...(c.new as object) } })),
  { rule: "not-added", old: S, new: { ...S, not: { const: "" } }, pointer: "/not", ...narrows },
  { rule: "not-removed", old: { ...S, not: { const: "" } }, new: S, pointer: "/not", ...widens },
  { rule: "ref-added", old: { $defs: { id: { minLength: 1 } }, ...S }, new: { $defs: { id: { minLength: 1 } }, ...S, $ref: "#/$defs/id" }, pointer: "/$ref", ...narrows },
  { rule: "ref-removed", old: { $defs: { id: { minLength: 1 } }, ...S, $ref: "#/$defs/id" }, new: { $defs: { id: { minLength: 1 } }, ...S }, pointer: "/$ref", ...widens },
];

describe("every rule, one example each", () => {
  for (const c of CASES) {
    test(`${c.rule}: ${c.backwards} backwards, ${c.forwards} forwards`, () => {
      const findings = compareSchemas(c.old, c.new).map(({ rule, pointer, backwards, forwards }) => ({ rule, pointer, backwards, forwards }));
      expect(findings).toEqual([{ rule: c.rule, pointer: c.pointer, backwards: c.backwards, forwards: c.forwards }]);
    });
  }

  test("the examples cover every rule in the table, and nothing outside it", () => {
    expect([...new Set(CASES.map((c) => c.rule))].sort()).toEqual(RULES.map((r) => r.id).sort());
  });

  test("rule ids are unique kebab-case", () => {
    const ids = RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z]+(-[a-z]+)*$/);
  });

  test("a fixed-verdict rule's findings carry the table's verdicts (outside `not`)", () => {
    for (const c of CASES) {
      const row = RULES.find((r) => r.id === c.rule)!;
      if (row.backwards !== "depends") expect([c.rule, row.backwards, row.forwards]).toEqual([c.rule, c.backwards, c.forwards]);
    }
  });
});

describe("docs/compatibility.md", () => {
  const doc = readFileSync(join(import.meta.dir, "..", "..", "docs", "compatibility.md"), "utf8");
  const rows = doc
    .split("\n")
    .filter((line) => line.startsWith("| `"))
    .map((line) => line.slice(1, -1).split(" | ").map((cell) => cell.trim()))
    .filter((cells) => cells.length === 5);

  test("lists exactly the rules in RULES, in the same order, with the same verdicts and reasoning", () => {
    const table = rows.map(([id, detects, backwards, forwards, reasoning]) => ({ id: id!.replace(/`/g, ""), detects, backwards, forwards, reasoning }));
    expect(table).toEqual(RULES.map(({ id, detects, backwards, forwards, reasoning }) => ({ id, detects, backwards, forwards, reasoning })));
  });

  test("says that the RFC's directions are the reverse of Confluent's", () => {
    expect(doc).toContain("RFC `backwards` is Registry `FORWARD`");
    expect(doc).toContain("RFC `forwards` is Registry `BACKWARD`");
  });
});
