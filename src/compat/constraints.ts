// Keywords that constrain a value without nested schemas: type, enum, const, numeric and length limits,
// multipleOf, pattern, format, uniqueItems; plus annotations and `default`, which never constrain.

import { canonical, matchElements, sameJson } from "./canonical.ts";
import { at, malformed, report, show, type Ctx, type KeywordRule, type SchemaNode } from "./context.ts";
import { ANNOTATION_KEYWORDS } from "./keywords.ts";
import { compareMultipleOf, compareRange, hasBooleanExclusives } from "./numbers.ts";

const isNumber = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);
const isString = (v: unknown): v is string => typeof v === "string";

function compareAnnotations(ctx: Ctx, o: SchemaNode, n: SchemaNode): void {
  for (const key of ANNOTATION_KEYWORDS) {
    if (!sameJson(o.schema[key], n.schema[key])) report(ctx, "annotation-changed", at(n, key), `${key} changed`);
  }
  if (!sameJson(o.schema.default, n.schema.default)) {
    report(ctx, "default-changed", at(n, "default"), `default changed from ${show(o.schema.default)} to ${show(n.schema.default)}`);
  }
}

const ALL_TYPES = ["array", "boolean", "integer", "null", "number", "object", "string"];

/** An absent `type` allows every type; `integer` values are also `number` values. */
function typeSet(v: unknown): string[] {
  return v === undefined ? ALL_TYPES : typeof v === "string" ? [v] : (v as string[]);
}

function typeIncluded(inner: readonly string[], outer: readonly string[]): boolean {
  return inner.every((t) => outer.includes(t) || (t === "integer" && outer.includes("number")));
}

function typeChange(before: readonly string[], after: readonly string[]): string | undefined {
  const narrowed = typeIncluded(after, before);
  const widened = typeIncluded(before, after);
  return narrowed && widened ? undefined : narrowed ? "type-narrowed" : widened ? "type-widened" : "type-changed";
}

/** The JSON type of a value as `type` names it (an integer-valued number is both integer and number). */
function typeOfValue(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  if (typeof v === "number") return Number.isInteger(v) ? "integer" : "number";
  return typeof v;
}

const hasType = (types: readonly string[], v: unknown) => typeIncluded([typeOfValue(v)], types);

/** The values `enum` and `const` leave, filtered by `type`; undefined when neither is present. */
function allowedValues(s: Record<string, unknown>): unknown[] | undefined {
  const types = typeSet(s.type);
  let values: unknown[] | undefined = Array.isArray(s.enum) ? s.enum : undefined;
  if (Object.hasOwn(s, "const")) values = (values ?? [s.const]).filter((v) => sameJson(v, s.const));
  return values?.filter((v) => hasType(types, v));
}

/**
 * type, enum and const together: with a list of values on both sides, the values each side admits (filtered by
 * its type) are compared as sets, so `const: a` ↔ `enum: [a]` and a type that an enum already implies are no
 * change. A type change whose dropped or added types no listed value has is not one either.
 */
function compareValues(ctx: Ctx, o: SchemaNode, n: SchemaNode): void {
  const isTypeList = (v: unknown) => isString(v) || (Array.isArray(v) && v.every(isString));
  if (malformed(ctx, o, n, "type", isTypeList) || malformed(ctx, o, n, "enum", Array.isArray)) return;
  const before = allowedValues(o.schema);
  const after = allowedValues(n.schema);
  if (before && after) return compareValueSets(ctx, o, n, before, after);
  const rule = typeChange(typeSet(o.schema.type), typeSet(n.schema.type));
  // Values only on one side: the type change matters only where that side's values do not already decide it.
  const decided = (values: unknown[] | undefined, types: string[]) => values !== undefined && values.every((v) => hasType(types, v));
  if (rule && !decided(after, typeSet(o.schema.type)) && !decided(before, typeSet(n.schema.type))) {
    const a = o.schema.type;
    const b = n.schema.type;
    const message = a === undefined ? `type ${show(b)} added` : b === undefined ? `type ${show(a)} removed` : `type changed from ${show(a)} to ${show(b)}`;
    report(ctx, rule, at(n, "type"), message);
  }
  const where = (s: SchemaNode) => (Array.isArray(s.schema.enum) ? "enum" : "const");
  if (after && !before) report(ctx, `${where(n)}-added`, at(n, where(n)), `${where(n)} added: ${show(n.schema[where(n)])}`);
  if (before && !after) report(ctx, `${where(o)}-removed`, at(n, where(o)), `${where(o)} removed (was ${show(o.schema[where(o)])})`);
}

const distinct = (values: unknown[]) => [...new Map(values.map((v) => [canonical(v), v])).values()];

function compareValueSets(ctx: Ctx, o: SchemaNode, n: SchemaNode, before: unknown[], after: unknown[]): void {
  const [was, is] = [distinct(before), distinct(after)];
  const { removed, added } = matchElements(was, is);
  const single = !Array.isArray(o.schema.enum) && !Array.isArray(n.schema.enum);
  if (single && removed.length && added.length) return report(ctx, "const-changed", at(n, "const"), `const changed from ${show(o.schema.const)} to ${show(n.schema.const)}`);
  // A removed value's pointer is its place in the old list (as for every removed list element).
  const place = (s: SchemaNode, v: unknown, base: SchemaNode) => (Array.isArray(s.schema.enum) ? at(base, "enum", s.schema.enum.findIndex((x) => sameJson(x, v))) : at(base, "const"));
  for (const i of removed) report(ctx, "enum-value-removed", place(o, was[i], n), `value ${show(was[i])} no longer allowed`);
  for (const j of added) report(ctx, "enum-value-added", place(n, is[j], n), `value ${show(is[j])} now allowed`);
}

const BOUNDS: readonly [keyword: string, id: string][] = [
  ["maximum", "maximum"],
  ["minimum", "minimum"],
  ["exclusiveMaximum", "exclusive-maximum"],
  ["exclusiveMinimum", "exclusive-minimum"],
  ["maxLength", "max-length"],
  ["minLength", "min-length"],
  ["maxItems", "max-items"],
  ["minItems", "min-items"],
  ["maxProperties", "max-properties"],
  ["minProperties", "min-properties"],
];

/** Draft 4 spells exclusiveness as a boolean beside maximum/minimum: turning it on narrows, off widens. */
function compareExclusiveFlag(ctx: Ctx, o: SchemaNode, n: SchemaNode, keyword: string, id: string): void {
  const before = o.schema[keyword] === true;
  const after = n.schema[keyword] === true;
  if (before === after) return;
  report(ctx, after ? `${id}-added` : `${id}-removed`, at(n, keyword), `${keyword} turned ${after ? "on" : "off"}`);
}

function compareBound(ctx: Ctx, o: SchemaNode, n: SchemaNode, keyword: string, id: string): void {
  const a = o.schema[keyword];
  const b = n.schema[keyword];
  const flags = (v: unknown) => v === undefined || typeof v === "boolean";
  if (keyword.startsWith("exclusive") && (typeof a === "boolean" || typeof b === "boolean") && flags(a) && flags(b)) {
    return compareExclusiveFlag(ctx, o, n, keyword, id);
  }
  if (malformed(ctx, o, n, keyword, isNumber)) return;
  if (a === b) return;
  const p = at(n, keyword);
  if (a === undefined) report(ctx, `${id}-added`, p, `${keyword} ${b} added`);
  else if (b === undefined) report(ctx, `${id}-removed`, p, `${keyword} ${a} removed`);
  else report(ctx, `${id}-${(b as number) > (a as number) ? "increased" : "decreased"}`, p, `${keyword} changed from ${a} to ${b}`);
}

const RANGE = new Set(["maximum", "minimum", "exclusiveMaximum", "exclusiveMinimum"]);

function compareBounds(ctx: Ctx, o: SchemaNode, n: SchemaNode): void {
  // Numeric ranges are read as one limit per side (numbers.ts), except draft 4's boolean exclusives.
  const booleans = hasBooleanExclusives(o.schema) || hasBooleanExclusives(n.schema);
  if (!booleans) compareRange(ctx, o, n);
  for (const [keyword, id] of BOUNDS) if (booleans || !RANGE.has(keyword)) compareBound(ctx, o, n, keyword, id);
}

/** pattern and format: adding one narrows, removing widens, and a different one is not comparable. */
function compareStringRule(ctx: Ctx, o: SchemaNode, n: SchemaNode, keyword: "pattern" | "format"): void {
  if (malformed(ctx, o, n, keyword, isString)) return;
  const a = o.schema[keyword] as string | undefined;
  const b = n.schema[keyword] as string | undefined;
  if (a === b) return;
  const p = at(n, keyword);
  if (a === undefined) report(ctx, `${keyword}-added`, p, `${keyword} ${show(b)} added`);
  else if (b === undefined) report(ctx, `${keyword}-removed`, p, `${keyword} ${show(a)} removed`);
  else report(ctx, `${keyword}-changed`, p, `${keyword} changed from ${show(a)} to ${show(b)}`);
}

function compareUniqueItems(ctx: Ctx, o: SchemaNode, n: SchemaNode): void {
  if (malformed(ctx, o, n, "uniqueItems", (v) => typeof v === "boolean")) return;
  const before = o.schema.uniqueItems === true;
  const after = n.schema.uniqueItems === true;
  if (before === after) return;
  report(ctx, after ? "unique-items-added" : "unique-items-removed", at(n, "uniqueItems"), `uniqueItems turned ${after ? "on" : "off"}`);
}

export const CONSTRAINT_RULES: readonly KeywordRule[] = [
  { keywords: [...ANNOTATION_KEYWORDS, "default"], compare: compareAnnotations },
  { keywords: ["type", "enum", "const"], compare: compareValues },
  { keywords: BOUNDS.map(([k]) => k), compare: compareBounds },
  { keywords: ["multipleOf"], compare: compareMultipleOf },
  { keywords: ["pattern"], compare: (ctx, o, n) => compareStringRule(ctx, o, n, "pattern") },
  { keywords: ["format"], compare: (ctx, o, n) => compareStringRule(ctx, o, n, "format") },
  { keywords: ["uniqueItems"], compare: compareUniqueItems },
];
