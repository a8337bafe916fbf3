// One schema pair per breaking rule of the rule table (src/compat/rules.ts), for the witness tests: each pair
// makes the engine report that rule, breaking in at least one direction.

type S = Record<string, unknown>;
const obj = (properties: S, extra: S = {}): S => ({ type: "object", properties, ...extra });
const str = { type: "string" };
const int = { type: "integer" };

/** [rule, old schema, new schema] */
export const WITNESS_CASES: [string, unknown, unknown][] = [
  ["unknown-change", { type: "array", contains: { const: 1 } }, { type: "array", contains: { const: 2 } }],
  ["false-schema-added", obj({ a: str }), obj({ a: false })],
  ["false-schema-removed", obj({ a: false }), obj({ a: str })],
  ["type-narrowed", { type: ["string", "integer"] }, { type: "string" }],
  ["type-widened", { type: "string" }, { type: ["string", "null"] }],
  ["type-changed", obj({ a: str }), obj({ a: int })],
  ["enum-added", { type: "string" }, { type: "string", enum: ["a", "b"] }],
  ["enum-removed", { type: "string", enum: ["a", "b"] }, { type: "string" }],
  ["enum-value-added", { enum: ["a", "b"] }, { enum: ["a", "b", "c"] }],
  ["enum-value-removed", { enum: ["a", "b", "c"] }, { enum: ["a", "b"] }],
  ["const-added", obj({ kind: str }), obj({ kind: { type: "string", const: "x" } })],
  ["const-removed", { const: "x" }, { type: "string" }],
  ["const-changed", { const: "x" }, { const: "y" }],
  ...bounds("maximum", "maximum", { type: "number" }, 10, 20),
  ...bounds("minimum", "minimum", { type: "number" }, 10, 20),
  ...bounds("exclusive-maximum", "exclusiveMaximum", { type: "number" }, 10, 20),
  ...bounds("exclusive-minimum", "exclusiveMinimum", { type: "number" }, 10, 20),
  ["multiple-of-added", { type: "number" }, { type: "number", multipleOf: 2 }],
  ["multiple-of-removed", { type: "number", multipleOf: 2 }, { type: "number" }],
  ["multiple-of-narrowed", { type: "number", multipleOf: 2 }, { type: "number", multipleOf: 4 }],
  ["multiple-of-widened", { type: "number", multipleOf: 4 }, { type: "number", multipleOf: 2 }],
  ["multiple-of-changed", { type: "integer", multipleOf: 2 }, { type: "integer", multipleOf: 3 }],
  ...bounds("max-length", "maxLength", str, 3, 5),
  ...bounds("min-length", "minLength", str, 3, 5),
  ["pattern-added", obj({ id: str }), obj({ id: { type: "string", pattern: "^[a-z]+-[0-9]{2}$" } })],
  ["pattern-removed", { type: "string", pattern: "^[a-z]+$" }, { type: "string" }],
  ["pattern-changed", { type: "string", pattern: "^[a-z]+$" }, { type: "string", pattern: "^[0-9]+$" }],
  ["format-added", obj({ at: str }), obj({ at: { type: "string", format: "date" } })],
  ["format-removed", { type: "string", format: "email" }, { type: "string" }],
  ["format-changed", { type: "string", format: "email" }, { type: "string", format: "date" }],
  ...bounds("max-items", "maxItems", { type: "array", items: int }, 2, 4),
  ...bounds("min-items", "minItems", { type: "array", items: int }, 2, 4),
  ["unique-items-added", { type: "array", items: int }, { type: "array", items: int, uniqueItems: true }],
  ["unique-items-removed", { type: "array", items: int, uniqueItems: true }, { type: "array", items: int }],
  ["item-added-open-model", { type: "array", prefixItems: [str] }, { type: "array", prefixItems: [str, int] }],
  ["item-added-closed-model", { type: "array", prefixItems: [str], items: false }, { type: "array", prefixItems: [str, int], items: false }],
  ["item-added-partial-model", { type: "array", prefixItems: [str], items: str }, { type: "array", prefixItems: [str, int], items: str }],
  ["item-removed-open-model", { type: "array", prefixItems: [str, int] }, { type: "array", prefixItems: [str] }],
  ["item-removed-closed-model", { type: "array", prefixItems: [str, int], items: false }, { type: "array", prefixItems: [str], items: false }],
  ["item-removed-partial-model", { type: "array", prefixItems: [str, int], items: str }, { type: "array", prefixItems: [str], items: str }],
  ["property-added-open-model", obj({ a: str }), obj({ a: str, b: int })],
  ["property-added-closed-model", obj({ a: str }, { additionalProperties: false }), obj({ a: str, b: int }, { additionalProperties: false })],
  ["property-added-partial-model", obj({ a: str }, { additionalProperties: str }), obj({ a: str, b: int }, { additionalProperties: str })],
  ["property-removed-open-model", obj({ a: str, b: int }), obj({ a: str })],
  ["property-removed-closed-model", obj({ a: str, b: int }, { additionalProperties: false }), obj({ a: str }, { additionalProperties: false })],
  ["property-removed-partial-model", obj({ a: str, b: int }, { additionalProperties: str }), obj({ a: str }, { additionalProperties: str })],
  ["required-added", obj({ a: str, b: int }, { required: ["a"] }), obj({ a: str, b: int }, { required: ["a", "b"] })],
  ["required-removed", obj({ a: str, b: int }, { required: ["a", "b"] }), obj({ a: str, b: int }, { required: ["a"] })],
  ["additional-properties-removed", obj({ a: str }), obj({ a: str }, { additionalProperties: false })],
  ["additional-properties-added", obj({ a: str }, { additionalProperties: false }), obj({ a: str })],
  ["additional-properties-narrowed", obj({ a: str }), obj({ a: str }, { additionalProperties: int })],
  ["additional-properties-widened", obj({ a: str }, { additionalProperties: int }), obj({ a: str })],
  ["pattern-property-added", obj({ a: str }), obj({ a: str }, { patternProperties: { "^x-": int } })],
  ["pattern-property-removed", obj({ a: str }, { patternProperties: { "^x-": int }, additionalProperties: false }), obj({ a: str }, { additionalProperties: false })],
  ...bounds("max-properties", "maxProperties", { type: "object" }, 1, 3),
  ...bounds("min-properties", "minProperties", { type: "object" }, 1, 3),
  ["dependent-required-added", obj({ a: str, b: str }, { dependentRequired: { a: [] } }), obj({ a: str, b: str }, { dependentRequired: { a: ["b"] } })],
  ["dependent-required-removed", obj({ a: str, b: str }, { dependentRequired: { a: ["b"] } }), obj({ a: str, b: str }, { dependentRequired: { a: [] } })],
  ["dependent-schema-added", obj({ a: str, b: str }), obj({ a: str, b: str }, { dependentSchemas: { a: { required: ["b"] } } })],
  ["dependent-schema-removed", obj({ a: str, b: str }, { dependentSchemas: { a: { required: ["b"] } } }), obj({ a: str, b: str })],
  ["all-of-member-added", { allOf: [{ type: "object" }] }, { allOf: [{ type: "object" }, { required: ["a"] }] }],
  ["all-of-member-removed", { allOf: [{ type: "object" }, { required: ["a"] }] }, { allOf: [{ type: "object" }] }],
  ["any-of-member-added", { anyOf: [str, int] }, { anyOf: [str, int, { type: "null" }] }],
  ["any-of-member-removed", { anyOf: [str, int, { type: "null" }] }, { anyOf: [str, int] }],
  ["one-of-member-added", { oneOf: [str, int] }, { oneOf: [str, int, { type: "number" }] }],
  ["one-of-member-removed", { oneOf: [str, int, { type: "null" }] }, { oneOf: [str, int] }],
  ["sum-type-added", { type: "string", minLength: 1 }, { type: "string", minLength: 1, anyOf: [{ maxLength: 2 }, { pattern: "^a" }] }],
  ["sum-type-removed", { type: "string", minLength: 1, anyOf: [{ maxLength: 2 }, { pattern: "^a" }] }, { type: "string", minLength: 1 }],
  ["not-added", str, { type: "string", not: { const: "a" } }],
  ["not-removed", { type: "string", not: { const: "a" } }, str],
  ["ref-added", { $defs: { short: { maxLength: 2 } }, type: "string" }, { $defs: { short: { maxLength: 2 } }, type: "string", $ref: "#/$defs/short" }],
  ["ref-removed", { $defs: { short: { maxLength: 2 } }, type: "string", $ref: "#/$defs/short" }, { $defs: { short: { maxLength: 2 } }, type: "string" }],
];

/** The four rows of a numeric limit: added, removed, raised (lo → hi), lowered (hi → lo). */
function bounds(id: string, keyword: string, base: S, lo: number, hi: number): [string, unknown, unknown][] {
  const at = (v?: number) => obj({ n: v === undefined ? base : { ...base, [keyword]: v } });
  return [
    [`${id}-added`, at(), at(lo)],
    [`${id}-removed`, at(lo), at()],
    [`${id}-increased`, at(lo), at(hi)],
    [`${id}-decreased`, at(hi), at(lo)],
  ];
}
