// Keywords that read each other: patterns beside properties and additionalProperties, references reached from
// several places, allOf members that must not be merged, conditions without branches, counts with contains.
// Where a label would need more than a line of reasoning it is "?", and only ajv's witnesses judge the pair.

import { changes, d7, narrows, pair, same, widens, type Case } from "./case.ts";

const str = { type: "string" };
const int = { type: "integer" };
const num = { type: "number" };

export const INTERACTION_CASES: Case[] = [
  widens("pattern schema widened beside an additionalProperties schema", { patternProperties: { "^a": int }, additionalProperties: str }, { patternProperties: { "^a": num }, additionalProperties: str }, { a: 0.5 }),
  widens("declared property removed where a pattern still matches it", { properties: { ab: str }, patternProperties: { "^a": {} } }, { patternProperties: { "^a": {} } }, { ab: 1 }),
  changes(
    "declared property replaced by a pattern of another type",
    { properties: { a: str }, additionalProperties: false },
    { patternProperties: { "^a": int }, additionalProperties: false },
    { backwards: { a: 1 }, forwards: { a: "" } },
  ),
  pair("oneOf members changed inside not", { not: { oneOf: [int, num] } }, { not: { oneOf: [int, str] } }, "?", "?"),
  pair("draft-07 $ref beside a sibling keyword", d7({ definitions: { s: str }, $ref: "#/definitions/s", maxLength: 2 }), d7({ definitions: { s: str }, $ref: "#/definitions/s" }), "?", "?"),
  changes("prefixItems item changed under items: false", { prefixItems: [str], items: false }, { prefixItems: [num], items: false }, { backwards: [1], forwards: [""] }),
  narrows("propertyNames narrowed beside required", { required: ["ab"], propertyNames: { maxLength: 3 } }, { required: ["ab"], propertyNames: { maxLength: 1 } }, { ab: 1 }),
  changes(
    "$anchor inside a nested $id resource",
    { $id: "https://example.com/r.json", $defs: { x: { $id: "x.json", $anchor: "A", ...str } }, items: { $ref: "x.json#A" } },
    { $id: "https://example.com/r.json", $defs: { x: { $id: "x.json", $anchor: "A", ...int } }, items: { $ref: "x.json#A" } },
    { backwards: [1], forwards: [""] },
  ),
  // With no $id, ajv (addUsedSchema off, as validate.ts sets it) cannot resolve "#": the root gets one.
  widens(
    "recursive reference to the root",
    { $id: "https://example.com/tree.json", type: "object", properties: { c: { $ref: "#" }, v: int } },
    { $id: "https://example.com/tree.json", type: "object", properties: { c: { $ref: "#" }, v: num } },
    { c: { v: 0.5 } },
  ),
  same("contains changed with minContains 0", { contains: str, minContains: 0 }, { contains: int, minContains: 0 }),
  same("if without then or else changed", { if: str }, { if: int }),
  narrows("dependentSchemas target narrowed through $ref", { $defs: { D: { required: ["b"] } }, dependentSchemas: { a: { $ref: "#/$defs/D" } } }, { $defs: { D: { required: ["b", "c"] } }, dependentSchemas: { a: { $ref: "#/$defs/D" } } }, { a: 1, b: 1 }),
  widens("an allOf member's additionalProperties does not see the parent's properties", { properties: { a: str }, allOf: [{ additionalProperties: false }] }, { properties: { a: str }, additionalProperties: false }, { a: "" }),
  widens("oneOf → anyOf with overlapping members", { oneOf: [int, num] }, { anyOf: [int, num] }, 1),
  widens("const outside its type (an empty schema) becomes satisfiable", { type: "integer", const: 1.5 }, { const: 2 }, 2),
  same("integer exclusiveMinimum 0.5 ↔ minimum 1", { ...int, exclusiveMinimum: 0.5 }, { ...int, minimum: 1 }),
  widens("property added beside a pattern under unevaluatedProperties: false", { patternProperties: { "^a": {} }, unevaluatedProperties: false }, { properties: { b: {} }, patternProperties: { "^a": {} }, unevaluatedProperties: false }, { b: 1 }),
  changes("a referenced target changes beside a sibling", { $defs: { s: str }, $ref: "#/$defs/s", minLength: 1 }, { $defs: { s: int }, $ref: "#/$defs/s", minLength: 1 }, { backwards: 1, forwards: "a" }),
  narrows("anyOf member narrowed in place", { anyOf: [str, { type: "array", items: num }] }, { anyOf: [str, { type: "array", items: int }] }, [0.5]),
  pair("oneOf member narrowed in place, overlapping members", { oneOf: [num, { minimum: 0 }] }, { oneOf: [int, { minimum: 0 }] }, "?", "?"),
  widens("additionalProperties false removed beside patternProperties", { patternProperties: { "^a": int }, additionalProperties: false }, { patternProperties: { "^a": int } }, { b: 1 }),
  narrows("maxContains lowered", { contains: str, maxContains: 3 }, { contains: str, maxContains: 2 }, ["a", "b", "c"]),
  pair("contains widened beside maxContains", { contains: int, maxContains: 1 }, { contains: num, maxContains: 1 }, "?", "?"),
  same("type list with an enum of one type", { type: ["string", "integer"], enum: ["a", "b"] }, { type: "string", enum: ["a", "b"] }),
  widens("enum widened through a definition", { $defs: { E: { enum: ["a"] } }, properties: { k: { $ref: "#/$defs/E" } } }, { $defs: { E: { enum: ["a", "b"] } }, properties: { k: { $ref: "#/$defs/E" } } }, { k: "b" }),
];
