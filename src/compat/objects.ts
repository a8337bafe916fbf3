// Object keywords: properties under open, closed and partially open content models, required,
// additionalProperties, patternProperties, propertyNames and the dependency keywords.

import { isObject, matchElements, sameJson, type JsonObject } from "./canonical.ts";
import { at, malformed, report, reportWith, show, type Ctx, type KeywordRule, type Located, type SchemaNode, type Verdicts } from "./context.ts";
import { verdictsOf } from "./rules.ts";
import { modelOf, movedVerdicts, reportModelChange, type ContentModel } from "./content-model.ts";
import { acceptsEverything } from "./keywords.ts";
import { deref } from "./refs.ts";
import { childPointer } from "../realm/pointer.ts";
import { compilePattern, PatternError } from "../realm/pattern.ts";

/** Whether a patternProperties pattern matches the key, by RE2 (realm/pattern.ts); its PatternError when it
 *  cannot be evaluated. Never RegExp: patterns are untrusted, and a backtracking match can take hours. */
function matchesPattern(pattern: string, key: string): boolean | PatternError {
  try {
    return compilePattern(pattern).test(key);
  } catch (e) {
    if (e instanceof PatternError) return e;
    throw e;
  }
}

/** A key matched by patternProperties keeps that schema on both sides, so only its own schema comes or goes.
 *  When no pattern matches but one cannot be evaluated, which model applies is unknown: that pattern's error. */
function keyModel(node: SchemaNode, key: string): ContentModel | PatternError {
  const patterns = node.schema.patternProperties;
  const verdicts = isObject(patterns) ? Object.keys(patterns).map((p) => matchesPattern(p, key)) : [];
  if (verdicts.includes(true)) return "open";
  const unknown = verdicts.find((v) => v instanceof PatternError);
  if (unknown) return unknown;
  return modelOf(node.schema.additionalProperties, childPointer(node.at, "additionalProperties"));
}

/** A property that came or went, judged against the other side's model; failing closed (breaking both ways)
 *  when a pattern that would decide the model cannot be evaluated. */
function reportPropertyChange(ctx: Ctx, change: "added" | "removed", model: ContentModel | PatternError, own: Located, pointer: string, what: string): void {
  if (model instanceof PatternError) return report(ctx, "pattern-unsupported", pointer, `${what}: ${model.message}; taken as breaking`);
  // `b: {}` where any value of `b` was (or is) allowed changes no value's validity.
  if (model === "open" && acceptsEverything(deref(change === "added" ? ctx.newRoot : ctx.oldRoot, own).schema)) {
    return report(ctx, `property-${change}-unconstrained`, pointer, `${what}, accepting any value where any value was already accepted`);
  }
  reportModelChange(ctx, "property", change, model, own, pointer, what);
}

/** "optional, default=[]": what a reader of the change wants to know about a new property. */
function describeProperty(node: SchemaNode, schema: unknown, key: string): string {
  const required = Array.isArray(node.schema.required) && node.schema.required.includes(key);
  const fallback = isObject(schema) && Object.hasOwn(schema, "default") ? `, default=${show(schema.default)}` : "";
  return `${required ? "required" : "optional"}${fallback}`;
}

function compareProperties(ctx: Ctx, o: SchemaNode, n: SchemaNode): void {
  if (malformed(ctx, o, n, "properties", isObject)) return;
  const before = (o.schema.properties ?? {}) as JsonObject;
  const after = (n.schema.properties ?? {}) as JsonObject;
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  for (const key of keys) {
    const oldAt = at(o, "properties", key);
    const newAt = at(n, "properties", key);
    const had = Object.hasOwn(before, key);
    const has = Object.hasOwn(after, key);
    if (had && has) ctx.walk(ctx, { schema: before[key], at: oldAt }, { schema: after[key], at: newAt });
    else if (has) reportPropertyChange(ctx, "added", keyModel(o, key), { schema: after[key], at: newAt }, newAt, `property '${key}' added (${describeProperty(n, after[key], key)})`);
    else reportPropertyChange(ctx, "removed", keyModel(n, key), { schema: before[key], at: oldAt }, newAt, `property '${key}' removed`);
  }
}

const isStringList = (v: unknown) => Array.isArray(v) && v.every((x) => typeof x === "string");

function compareRequired(ctx: Ctx, o: SchemaNode, n: SchemaNode): void {
  if (malformed(ctx, o, n, "required", isStringList)) return;
  const before = (o.schema.required ?? []) as string[];
  const after = (n.schema.required ?? []) as string[];
  const { removed, added } = matchElements(before, after);
  for (const i of removed) report(ctx, "required-removed", at(n, "required", i), `'${before[i]}' is no longer required`);
  for (const i of added) report(ctx, "required-added", at(n, "required", i), `'${after[i]}' is now required`);
}

const isSchema = (v: unknown) => typeof v === "boolean" || isObject(v);

function compareAdditionalProperties(ctx: Ctx, o: SchemaNode, n: SchemaNode): void {
  if (malformed(ctx, o, n, "additionalProperties", isSchema)) return;
  const a = o.schema.additionalProperties;
  const b = n.schema.additionalProperties;
  const p = at(n, "additionalProperties");
  if (a !== false && b === false) return report(ctx, "additional-properties-removed", p, "undeclared properties are no longer allowed");
  if (a === false && b !== false) return report(ctx, "additional-properties-added", p, "undeclared properties are now allowed");
  if (a === false && b === false) return;
  const openBefore = acceptsEverything(a);
  const openAfter = acceptsEverything(b);
  if (openBefore && !openAfter) return report(ctx, "additional-properties-narrowed", p, "undeclared properties must now match a schema");
  if (!openBefore && openAfter) return report(ctx, "additional-properties-widened", p, "undeclared properties may now hold any value");
  if (!openBefore) ctx.walk(ctx, { schema: a, at: at(o, "additionalProperties") }, { schema: b, at: p });
}

function comparePatternProperties(ctx: Ctx, o: SchemaNode, n: SchemaNode): void {
  if (malformed(ctx, o, n, "patternProperties", isObject)) return;
  const before = (o.schema.patternProperties ?? {}) as JsonObject;
  const after = (n.schema.patternProperties ?? {}) as JsonObject;
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  // A pattern that comes or goes moves its keys from or to additionalProperties; `true`/`false` stand in for open and closed.
  const asSchema = (model: ContentModel, where: string): Located => (typeof model === "string" ? { schema: model === "open", at: where } : model);
  for (const key of keys) {
    const oldAt = at(o, "patternProperties", key);
    const newAt = at(n, "patternProperties", key);
    const had = Object.hasOwn(before, key);
    const has = Object.hasOwn(after, key);
    if (had && has) {
      ctx.walk(ctx, { schema: before[key], at: oldAt }, { schema: after[key], at: newAt });
    } else if (has) {
      const from = asSchema(modelOf(o.schema.additionalProperties, at(o, "additionalProperties")), at(o, "additionalProperties"));
      const moved = movedVerdicts(ctx, from, { schema: after[key], at: newAt });
      reportWith(ctx, "pattern-property-added", newAt, `patternProperties '${key}' added`, alsoApplied(o, n, key, after[key], moved, "narrows"));
    } else {
      const to = asSchema(modelOf(n.schema.additionalProperties, at(n, "additionalProperties")), at(n, "additionalProperties"));
      const moved = movedVerdicts(ctx, { schema: before[key], at: oldAt }, to);
      reportWith(ctx, "pattern-property-removed", newAt, `patternProperties '${key}' removed`, alsoApplied(o, n, key, before[key], moved, "widens"));
    }
  }
}

/**
 * A pattern applies beside `properties` and beside other patterns, not instead of them: keys declared on either
 * side that it matches, and keys another pattern also matches, gain (or lose) its schema as one more
 * constraint. So besides moving undeclared keys from or to additionalProperties, adding a pattern narrows and
 * removing one widens, unless its schema accepts everything. A pattern that cannot be evaluated is taken to match.
 */
function alsoApplied(o: SchemaNode, n: SchemaNode, pattern: string, schema: unknown, moved: Verdicts, effect: "narrows" | "widens"): Verdicts {
  if (acceptsEverything(schema)) return moved;
  const declared = [...Object.keys(isObject(o.schema.properties) ? o.schema.properties : {}), ...Object.keys(isObject(n.schema.properties) ? n.schema.properties : {})];
  const others = (s: SchemaNode) => Object.keys(isObject(s.schema.patternProperties) ? s.schema.patternProperties : {}).filter((p) => p !== pattern);
  const overlaps = declared.some((k) => matchesPattern(pattern, k) !== false) || (others(o).length > 0 && others(n).length > 0);
  if (!overlaps) return moved;
  const extra = verdictsOf(effect);
  const worst = (x: Verdicts["backwards"], y: Verdicts["backwards"]) => (x === "breaking" || y === "breaking" ? "breaking" : "compatible");
  return { backwards: worst(moved.backwards, extra.backwards), forwards: worst(moved.forwards, extra.forwards) };
}

function comparePropertyNames(ctx: Ctx, o: SchemaNode, n: SchemaNode): void {
  ctx.walk(ctx, { schema: o.schema.propertyNames, at: at(o, "propertyNames") }, { schema: n.schema.propertyNames, at: at(n, "propertyNames") });
}

/** dependentRequired, dependentSchemas and draft 7's dependencies (whose entries are lists or schemas). */
function compareDependencies(ctx: Ctx, o: SchemaNode, n: SchemaNode): void {
  for (const keyword of ["dependentRequired", "dependentSchemas", "dependencies"]) {
    if (malformed(ctx, o, n, keyword, isObject)) continue;
    const before = (o.schema[keyword] ?? {}) as JsonObject;
    const after = (n.schema[keyword] ?? {}) as JsonObject;
    const triggers = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    for (const trigger of triggers) compareDependency(ctx, o, n, keyword, trigger, before[trigger], after[trigger]);
  }
}

function compareDependency(ctx: Ctx, o: SchemaNode, n: SchemaNode, keyword: string, trigger: string, a: unknown, b: unknown): void {
  const list = (v: unknown) => (keyword === "dependentRequired" || Array.isArray(v) ? v : undefined);
  const schema = (v: unknown) => (keyword !== "dependentRequired" && !Array.isArray(v) ? v : undefined);
  const [listA, listB] = [list(a), list(b)];
  if ((listA !== undefined && !isStringList(listA)) || (listB !== undefined && !isStringList(listB))) {
    if (!sameJson(a, b)) report(ctx, "unknown-change", at(n, keyword, trigger), `'${keyword}' entry '${trigger}' cannot be read, and it changed`);
    return;
  }
  if (listA !== undefined || listB !== undefined) {
    const before = (listA ?? []) as string[];
    const after = (listB ?? []) as string[];
    const { removed, added } = matchElements(before, after);
    for (const i of removed) report(ctx, "dependent-required-removed", at(n, keyword, trigger, i), `'${before[i]}' no longer required with '${trigger}'`);
    for (const i of added) report(ctx, "dependent-required-added", at(n, keyword, trigger, i), `'${after[i]}' now required with '${trigger}'`);
  }
  const [schemaA, schemaB] = [schema(a), schema(b)];
  const p = at(n, keyword, trigger);
  if (schemaA !== undefined && schemaB !== undefined) ctx.walk(ctx, { schema: schemaA, at: at(o, keyword, trigger) }, { schema: schemaB, at: p });
  else if (schemaB !== undefined) report(ctx, "dependent-schema-added", p, `schema dependency on '${trigger}' added`);
  else if (schemaA !== undefined) report(ctx, "dependent-schema-removed", p, `schema dependency on '${trigger}' removed`);
}

export const OBJECT_RULES: readonly KeywordRule[] = [
  { keywords: ["properties"], compare: compareProperties },
  { keywords: ["required"], compare: compareRequired },
  { keywords: ["additionalProperties"], compare: compareAdditionalProperties },
  { keywords: ["patternProperties"], compare: comparePatternProperties },
  { keywords: ["propertyNames"], compare: comparePropertyNames },
  { keywords: ["dependentRequired", "dependentSchemas", "dependencies"], compare: compareDependencies },
];
