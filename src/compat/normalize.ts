// Before keywords are compared, both schema objects are put in the form the validator of record reads (ajv, as
// src/check/validate.ts configures it), and two spellings of one meaning are made one spelling:
// - keywords the schema's draft does not have are dropped (ajv ignores them: strict mode is off), as are
//   formats ajv-formats does not define (ajv ignores those too);
// - `unevaluatedProperties` / `unevaluatedItems` beside no in-place applicator read exactly as
//   `additionalProperties` / `items` (or nothing, when those are present);
// - when the two sides spell a thing differently: draft 7 `dependencies` ↔ `dependentRequired` +
//   `dependentSchemas`, a `oneOf` of provably disjoint members ↔ `anyOf`, `allOf` members ↔ their parent.
// Every rewrite keeps the set of accepted values exactly; what cannot be rewritten exactly is left as it is.

import { isObject, sameJson, type JsonObject } from "./canonical.ts";
import type { SchemaNode } from "./context.ts";
import { pairwiseDisjoint } from "./disjoint.ts";
import { ANNOTATION_KEYWORDS } from "./keywords.ts";
import { childPointer } from "../realm/pointer.ts";

/** ajv-formats' formats, all of which blue's validator loads; any other `format` is ignored by ajv. */
const KNOWN_FORMATS = new Set(
  "date time date-time iso-time iso-date-time duration uri uri-reference uri-template url email hostname ipv4 ipv6 regex uuid json-pointer json-pointer-uri-fragment relative-json-pointer byte int32 int64 float double password binary".split(" "),
);

/** 2019-09/2020-12 keywords that ajv's draft-07 validator does not know (and so ignores). */
const NOT_IN_DRAFT7 = ["prefixItems", "unevaluatedProperties", "unevaluatedItems", "dependentRequired", "dependentSchemas", "minContains", "maxContains"];
/** Draft-07 keywords that ajv's 2020-12 validator does not know. */
const NOT_IN_2020 = ["additionalItems"];

/** Keywords that apply subschemas to the same instance: they can evaluate properties or items. */
const IN_PLACE = ["allOf", "anyOf", "oneOf", "not", "if", "then", "else", "$ref", "$dynamicRef", "$recursiveRef", "dependentSchemas", "dependencies"];

export const isDraft7 = (root: unknown): boolean => isObject(root) && typeof root.$schema === "string" && /draft-07/.test(root.$schema);

/** Keywords that only constrain instances of one type (ajv applies each only to its type). */
const TYPE_KEYWORDS: Record<string, readonly string[]> = {
  object: ["properties", "patternProperties", "additionalProperties", "required", "dependentRequired", "dependentSchemas", "dependencies", "propertyNames", "minProperties", "maxProperties", "unevaluatedProperties"],
  array: ["items", "prefixItems", "additionalItems", "contains", "minContains", "maxContains", "minItems", "maxItems", "uniqueItems", "unevaluatedItems"],
  string: ["minLength", "maxLength", "pattern"],
  number: ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"],
};

/** With `type` set, the keywords of types it excludes constrain nothing. */
function keywordsOfAbsentTypes(s: JsonObject): string[] {
  const types = typeof s.type === "string" ? [s.type] : Array.isArray(s.type) && s.type.every((t) => typeof t === "string") ? (s.type as string[]) : undefined;
  if (!types) return [];
  const allowed = (t: string) => types.includes(t) || (t === "number" && types.includes("integer"));
  return Object.entries(TYPE_KEYWORDS).flatMap(([t, keys]) => (allowed(t) ? [] : keys));
}

function without(s: JsonObject, keys: readonly string[]): JsonObject {
  return Object.fromEntries(Object.entries(s).filter(([k]) => !keys.includes(k)));
}

/** One side alone: its draft's keywords, known formats, unevaluated* read as plain keywords where exact. */
function prepare(s: JsonObject, draft7: boolean): JsonObject {
  let out = s;
  // A 2020-12 schema with draft-07's array `items` does not compile under ajv; it keeps its draft-07 reading.
  const absent = draft7 ? NOT_IN_DRAFT7 : Array.isArray(out.items) ? [] : NOT_IN_2020;
  const drop = absent.filter((k) => k in out);
  if (typeof out.format === "string" && !KNOWN_FORMATS.has(out.format)) drop.push("format");
  drop.push(...keywordsOfAbsentTypes(out).filter((k) => k in out));
  if (drop.length > 0) out = without(out, drop);
  if (IN_PLACE.some((k) => k in out)) return out;
  if ("unevaluatedProperties" in out) {
    out = "additionalProperties" in out ? without(out, ["unevaluatedProperties"]) : { ...without(out, ["unevaluatedProperties"]), additionalProperties: out.unevaluatedProperties };
  }
  // `contains` also evaluates the items it matches, so it keeps unevaluatedItems from reading as items.
  if ("unevaluatedItems" in out && !("contains" in out)) {
    out = "items" in out ? without(out, ["unevaluatedItems"]) : { ...without(out, ["unevaluatedItems"]), items: out.unevaluatedItems };
  }
  return out;
}

/** dependencies → dependentRequired (list entries) and dependentSchemas (schema entries), when they do not clash. */
function splitDependencies(s: JsonObject): JsonObject {
  const deps = s.dependencies;
  if (!isObject(deps) || "dependentRequired" in s || "dependentSchemas" in s) return s;
  const lists = Object.entries(deps).filter(([, v]) => Array.isArray(v));
  const schemas = Object.entries(deps).filter(([, v]) => !Array.isArray(v));
  return {
    ...without(s, ["dependencies"]),
    ...(lists.length ? { dependentRequired: Object.fromEntries(lists) } : {}),
    ...(schemas.length ? { dependentSchemas: Object.fromEntries(schemas) } : {}),
  };
}

/** Keyword groups whose meaning depends on each other: merged from one place only, or not at all. */
const GROUPS = [
  ["properties", "patternProperties", "additionalProperties", "unevaluatedProperties"],
  ["items", "prefixItems", "additionalItems", "unevaluatedItems", "contains", "minContains", "maxContains"],
  ["if", "then", "else"],
  ["maximum", "exclusiveMaximum", "minimum", "exclusiveMinimum"],
];
const NOT_MERGED = new Set(["$ref", "$id", "$anchor", "$defs", "definitions", "$dynamicRef", "$dynamicAnchor", "$recursiveRef", "$schema"]);

/** allOf members folded into their parent where that is a plain conjunction of disjoint keywords. */
function mergeAllOf(s: JsonObject): JsonObject {
  if (!Array.isArray(s.allOf) || "unevaluatedProperties" in s || "unevaluatedItems" in s) return s;
  let parent: JsonObject = without(s, ["allOf"]);
  const kept: unknown[] = [];
  for (const member of s.allOf) {
    const merged = isObject(member) ? mergeInto(parent, member) : undefined;
    if (merged) parent = merged;
    else kept.push(member);
  }
  return kept.length ? { ...parent, allOf: kept } : parent;
}

function mergeInto(parent: JsonObject, member: JsonObject): JsonObject | undefined {
  const keys = Object.keys(member).filter((k) => !ANNOTATION_KEYWORDS.includes(k) && k !== "default");
  if (keys.some((k) => NOT_MERGED.has(k))) return undefined;
  for (const group of GROUPS) if (keys.some((k) => group.includes(k)) && group.some((k) => k in parent)) return undefined;
  const out: JsonObject = { ...parent };
  for (const k of keys) {
    if (!(k in out) || sameJson(out[k], member[k])) out[k] = member[k];
    else if (k === "required" && Array.isArray(out.required) && Array.isArray(member.required)) out.required = [...new Set([...out.required, ...member.required])];
    else return undefined;
  }
  return out;
}

const has = (s: JsonObject, k: string) => Object.hasOwn(s, k);

/** Both sides in the validator's reading and, where they spell one meaning two ways, in one spelling. */
export function normalizePair(o: SchemaNode, n: SchemaNode, roots: { old: unknown; new: unknown; oldDraft7: boolean; newDraft7: boolean }): [SchemaNode, SchemaNode] {
  let a = prepare(o.schema, roots.oldDraft7);
  let b = prepare(n.schema, roots.newDraft7);
  if (has(a, "dependencies") !== has(b, "dependencies")) [a, b] = [splitDependencies(a), splitDependencies(b)];
  const disjointOneOf = (s: JsonObject, root: unknown, at: string) =>
    Array.isArray(s.oneOf) && !has(s, "anyOf") && pairwiseDisjoint(root, s.oneOf.map((m, i) => ({ schema: m, at: childPointer(childPointer(at, "oneOf"), i) })));
  const asAnyOf = (s: JsonObject) => ({ ...without(s, ["oneOf"]), anyOf: s.oneOf });
  if (has(b, "anyOf") && !has(b, "oneOf") && disjointOneOf(a, roots.old, o.at)) a = asAnyOf(a);
  else if (has(a, "anyOf") && !has(a, "oneOf") && disjointOneOf(b, roots.new, n.at)) b = asAnyOf(b);
  // Merged members are read in their draft like the rest (a dropped keyword must not come back through them).
  if (has(a, "allOf") && !has(b, "allOf")) a = prepare(mergeAllOf(a), roots.oldDraft7);
  else if (has(b, "allOf") && !has(a, "allOf")) b = prepare(mergeAllOf(b), roots.newDraft7);
  return [a === o.schema ? o : { ...o, schema: a }, b === n.schema ? n : { ...n, schema: b }];
}
