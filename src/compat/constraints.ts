// Keywords that constrain a value without nested schemas: type, enum, const, numeric and length limits,
// multipleOf, pattern, format, uniqueItems; plus annotations and `default`, which never constrain.

import { matchElements, sameJson } from "./canonical.ts";
import { at, malformed, report, show, type Ctx, type KeywordRule, type SchemaNode } from "./context.ts";
import { ANNOTATION_KEYWORDS } from "./keywords.ts";

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

function compareType(ctx: Ctx, o: SchemaNode, n: SchemaNode): void {
  if (malformed(ctx, o, n, "type", (v) => isString(v) || (Array.isArray(v) && v.every(isString)))) return;
  const before = typeSet(o.schema.type);
  const after = typeSet(n.schema.type);
  const narrowed = typeIncluded(after, before);
  const widened = typeIncluded(before, after);
  if (narrowed && widened) return;
  const rule = narrowed ? "type-narrowed" : widened ? "type-widened" : "type-changed";
  const a = o.schema.type;
  const b = n.schema.type;
  const message = a === undefined ? `type ${show(b)} added` : b === undefined ? `type ${show(a)} removed` : `type changed from ${show(a)} to ${show(b)}`;
  report(ctx, rule, at(n, "type"), message);
}

function compareEnum(ctx: Ctx, o: SchemaNode, n: SchemaNode): void {
  if (malformed(ctx, o, n, "enum", Array.isArray)) return;
  const before = o.schema.enum as unknown[] | undefined;
  const after = n.schema.enum as unknown[] | undefined;
  if (before === undefined && after === undefined) return;
  if (before === undefined) return report(ctx, "enum-added", at(n, "enum"), `enum added: ${show(after)}`);
  if (after === undefined) return report(ctx, "enum-removed", at(n, "enum"), `enum removed (was ${show(before)})`);
  const { removed, added } = matchElements(before, after);
  for (const i of removed) report(ctx, "enum-value-removed", at(n, "enum", i), `enum value ${show(before[i])} removed`);
  for (const i of added) report(ctx, "enum-value-added", at(n, "enum", i), `enum value ${show(after[i])} added`);
}

function compareConst(ctx: Ctx, o: SchemaNode, n: SchemaNode): void {
  const had = Object.hasOwn(o.schema, "const");
  const has = Object.hasOwn(n.schema, "const");
  const p = at(n, "const");
  if (had && has) {
    if (!sameJson(o.schema.const, n.schema.const)) report(ctx, "const-changed", p, `const changed from ${show(o.schema.const)} to ${show(n.schema.const)}`);
  } else if (has) report(ctx, "const-added", p, `const added: ${show(n.schema.const)}`);
  else if (had) report(ctx, "const-removed", p, `const removed (was ${show(o.schema.const)})`);
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

function compareBounds(ctx: Ctx, o: SchemaNode, n: SchemaNode): void {
  for (const [keyword, id] of BOUNDS) compareBound(ctx, o, n, keyword, id);
}

/** Floating-point division makes 0.3 / 0.1 = 2.9999999999999996, so "is an integer" allows a little slack. */
function isMultiple(a: number, b: number): boolean {
  const ratio = a / b;
  return Math.abs(ratio - Math.round(ratio)) < 1e-9 * Math.max(1, Math.abs(ratio));
}

function compareMultipleOf(ctx: Ctx, o: SchemaNode, n: SchemaNode): void {
  if (malformed(ctx, o, n, "multipleOf", (v) => isNumber(v) && v > 0)) return;
  const a = o.schema.multipleOf as number | undefined;
  const b = n.schema.multipleOf as number | undefined;
  if (a === b) return;
  const p = at(n, "multipleOf");
  if (a === undefined) return report(ctx, "multiple-of-added", p, `multipleOf ${b} added`);
  if (b === undefined) return report(ctx, "multiple-of-removed", p, `multipleOf ${a} removed`);
  const rule = isMultiple(b, a) ? "multiple-of-narrowed" : isMultiple(a, b) ? "multiple-of-widened" : "multiple-of-changed";
  report(ctx, rule, p, `multipleOf changed from ${a} to ${b}`);
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
  { keywords: ["type"], compare: compareType },
  { keywords: ["enum"], compare: compareEnum },
  { keywords: ["const"], compare: compareConst },
  { keywords: BOUNDS.map(([k]) => k), compare: compareBounds },
  { keywords: ["multipleOf"], compare: compareMultipleOf },
  { keywords: ["pattern"], compare: (ctx, o, n) => compareStringRule(ctx, o, n, "pattern") },
  { keywords: ["format"], compare: (ctx, o, n) => compareStringRule(ctx, o, n, "format") },
  { keywords: ["uniqueItems"], compare: compareUniqueItems },
];
