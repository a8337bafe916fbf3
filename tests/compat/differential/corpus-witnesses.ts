// The classes of issue 19 where the engine once said COMPATIBLE although a value proves the direction breaking,
// each with that value (checked by ajv in the test before the engine is asked).

import { changes, narrows, pair, widens, type Case } from "./case.ts";

const str = { type: "string" };
const int = { type: "integer" };
const closedA = { type: "object", properties: { a: str }, additionalProperties: false };
const patternedA = { ...closedA, patternProperties: { "^a": int } };

export const WITNESS_CASES: Case[] = [
  changes("patternProperties added that also matches a declared property", closedA, patternedA, { forwards: { a: "" }, backwards: { ab: 1 } }),
  changes("patternProperties removed that also matched a declared property", patternedA, closedA, { backwards: { a: "" }, forwards: { ab: 1 } }),
  changes(
    "pattern removed beside a declared open property under a closed model",
    { type: "object", properties: { a: {} }, patternProperties: { "^a": int }, additionalProperties: false },
    { type: "object", properties: { a: {} }, additionalProperties: false },
    { backwards: { a: "x" }, forwards: { ab: 1 } },
  ),
  narrows(
    "pattern replaced by a declared property",
    { type: "object", patternProperties: { "^a": str }, additionalProperties: false },
    { type: "object", properties: { a: str }, additionalProperties: false },
    { ab: "" },
  ),
  widens(
    "property added under an unchanged unevaluatedProperties: false",
    { type: "object", properties: { a: str }, unevaluatedProperties: false },
    { type: "object", properties: { a: str, b: str }, unevaluatedProperties: false },
    { b: "" },
  ),
  widens(
    "property added in an allOf member under an unchanged unevaluatedProperties: false",
    { allOf: [{ properties: { a: str } }], unevaluatedProperties: false },
    { allOf: [{ properties: { a: str, b: str } }], unevaluatedProperties: false },
    { b: "" },
  ),
  widens("prefixItems item added under an unchanged unevaluatedItems: false", { prefixItems: [str], unevaluatedItems: false }, { prefixItems: [str, str], unevaluatedItems: false }, ["", ""]),
  widens(
    "prefixItems item added in an allOf member under an unchanged unevaluatedItems: false",
    { allOf: [{ prefixItems: [str] }], unevaluatedItems: false },
    { allOf: [{ prefixItems: [str, str] }], unevaluatedItems: false },
    ["", ""],
  ),
  narrows(
    "oneOf member widened through $ref so that a value matches two members",
    { $defs: { A: int }, oneOf: [{ $ref: "#/$defs/A" }, str] },
    { $defs: { A: { type: ["integer", "string"] } }, oneOf: [{ $ref: "#/$defs/A" }, str] },
    "",
  ),
  widens(
    "$ref inside if changes",
    { $defs: { T: str }, if: { $ref: "#/$defs/T" }, then: { minLength: 2 } },
    { $defs: { T: int }, if: { $ref: "#/$defs/T" }, then: { minLength: 2 } },
    "a",
  ),
  narrows("$ref inside then changes", { $defs: { L: { minLength: 2 } }, if: str, then: { $ref: "#/$defs/L" } }, { $defs: { L: { minLength: 3 } }, if: str, then: { $ref: "#/$defs/L" } }, "ab"),
  widens("$ref inside else changes", { $defs: { E: { minimum: 5 } }, if: str, else: { $ref: "#/$defs/E" } }, { $defs: { E: { minimum: 3 } }, if: str, else: { $ref: "#/$defs/E" } }, 4),
  changes("$ref inside contains changes", { $defs: { C: str }, contains: { $ref: "#/$defs/C" } }, { $defs: { C: int }, contains: { $ref: "#/$defs/C" } }, { backwards: [1], forwards: [""] }),
  changes(
    "$ref inside unevaluatedProperties changes",
    { $defs: { U: str }, unevaluatedProperties: { $ref: "#/$defs/U" } },
    { $defs: { U: int }, unevaluatedProperties: { $ref: "#/$defs/U" } },
    { backwards: { z: 1 }, forwards: { z: "" } },
  ),
  changes(
    "$anchor reference whose target changes",
    { $defs: { t: { $anchor: "T", ...str } }, properties: { a: { $ref: "#T" } } },
    { $defs: { t: { $anchor: "T", ...int } }, properties: { a: { $ref: "#T" } } },
    { backwards: { a: 1 }, forwards: { a: "" } },
  ),
  changes(
    "#/$defs/t resolved against the enclosing $id, not the root",
    { $id: "https://example.com/root.json", $defs: { t: str }, properties: { x: { $id: "sub.json", $defs: { t: str }, properties: { a: { $ref: "#/$defs/t" } } } } },
    { $id: "https://example.com/root.json", $defs: { t: str }, properties: { x: { $id: "sub.json", $defs: { t: int }, properties: { a: { $ref: "#/$defs/t" } } } } },
    { backwards: { x: { a: 1 } }, forwards: { x: { a: "" } } },
  ),
  changes("multipleOf 0.1 → 0.3 (ajv rejects 0.3 under 0.1)", { type: "number", multipleOf: 0.1 }, { type: "number", multipleOf: 0.3 }, { backwards: 0.3, forwards: 0.1 }),
  changes("multipleOf 1 → 2 (ajv rejects quotients past 1e21)", { type: "number", multipleOf: 1 }, { type: "number", multipleOf: 2 }, { backwards: 1.5e21, forwards: 1 }),
  pair("multipleOf 0.1 → 0.2 within bounds", { type: "number", multipleOf: 0.1, minimum: 0, maximum: 100 }, { type: "number", multipleOf: 0.2, minimum: 0, maximum: 100 }, "c", "x"),
];
