// Draft-07 spellings (judged by ajv's draft-07 validator, as validate.ts picks it from `$schema`): array `items`
// with `additionalItems`, `dependencies`, `definitions`, `$id` anchors, and 2019+ keywords draft-07 ignores.

import { changes, d7, narrows, same, widens, type Case } from "./case.ts";

const str = { type: "string" };
const int = { type: "integer" };
const num = { type: "number" };

export const DRAFT7_CASES: Case[] = [
  narrows("d7 maximum → exclusiveMaximum", d7({ ...num, maximum: 3 }), d7({ ...num, exclusiveMaximum: 3 })),
  same("d7 integer exclusiveMinimum ↔ minimum", d7({ ...int, exclusiveMinimum: 1 }), d7({ ...int, minimum: 2 })),
  widens("d7 exclusiveMinimum lowered", d7({ ...num, exclusiveMinimum: 1 }), d7({ ...num, exclusiveMinimum: 0 })),
  narrows("d7 tuple item added over open additionalItems", d7({ type: "array", items: [str] }), d7({ type: "array", items: [str, int] })),
  widens("d7 tuple item added over closed additionalItems", d7({ type: "array", items: [str], additionalItems: false }), d7({ type: "array", items: [str, int], additionalItems: false })),
  narrows("d7 additionalItems closed", d7({ type: "array", items: [str] }), d7({ type: "array", items: [str], additionalItems: false })),
  widens("d7 additionalItems widened", d7({ type: "array", items: [str], additionalItems: int }), d7({ type: "array", items: [str], additionalItems: num }), ["", 0.5]),
  same("d7 additionalItems without a tuple is ignored", d7({ type: "array", items: str }), d7({ type: "array", items: str, additionalItems: false })),
  narrows("d7 tuple → list schema", d7({ type: "array", items: [str] }), d7({ type: "array", items: str })),
  narrows("d7 dependencies list added", d7({ type: "object" }), d7({ type: "object", dependencies: { a: ["b"] } })),
  widens("d7 dependencies schema widened", d7({ dependencies: { a: { required: ["b", "c"] } } }), d7({ dependencies: { a: { required: ["b"] } } })),
  same("dependencies (list) ↔ dependentRequired", { dependencies: { a: ["b"] } }, { dependentRequired: { a: ["b"] } }),
  same("dependencies (schema) ↔ dependentSchemas", { dependencies: { a: { required: ["c"] } } }, { dependentSchemas: { a: { required: ["c"] } } }),
  narrows("d7 definitions target narrowed", d7({ definitions: { s: str }, items: { $ref: "#/definitions/s" } }), d7({ definitions: { s: { ...str, minLength: 1 } }, items: { $ref: "#/definitions/s" } })),
  changes(
    "d7 $id anchor target changed",
    d7({ definitions: { s: { $id: "#S", ...str } }, properties: { a: { $ref: "#S" } } }),
    d7({ definitions: { s: { $id: "#S", ...int } }, properties: { a: { $ref: "#S" } } }),
    { backwards: { a: 1 }, forwards: { a: "" } },
  ),
  narrows("d7 contains added", d7({ type: "array" }), d7({ type: "array", contains: str })),
  same("d7 ignores unevaluatedProperties", d7({ properties: { a: str } }), d7({ properties: { a: str }, unevaluatedProperties: false })),
  same("d7 ignores dependentRequired", d7({ type: "object" }), d7({ type: "object", dependentRequired: { a: ["b"] } })),
  same("d7 ignores prefixItems", d7({ type: "array" }), d7({ type: "array", prefixItems: [str] })),
  narrows("d7 if/then added", d7({ type: "string" }), d7({ type: "string", if: { minLength: 2 }, then: { pattern: "^a" } })),
  narrows("d7 propertyNames added", d7({ type: "object" }), d7({ type: "object", propertyNames: { pattern: "^[a-z]+$" } })),
  widens("d7 anyOf member added", d7({ anyOf: [str] }), d7({ anyOf: [str, { type: "boolean" }] })),
  changes("d7 oneOf member overlapping added", d7({ oneOf: [int, str] }), d7({ oneOf: [int, str, num] })),
  same("d7 const ↔ enum", d7({ const: 1 }), d7({ enum: [1] })),
  narrows("d7 format added", d7(str), d7({ ...str, format: "date-time" })),
  widens("d7 multipleOf removed", d7({ ...num, multipleOf: 0.5 }), d7(num)),
  widens("d7 closed model gains a property", d7({ properties: { a: str }, additionalProperties: false }), d7({ properties: { a: str, b: str }, additionalProperties: false })),
];
