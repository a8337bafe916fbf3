// The walk over two schemas side by side: follow references, stop at pairs of places already compared (so
// recursive schemas end), handle `true`/`false`/missing schemas, then let each keyword group compare.

import { isObject, sameJson, sameWithoutRefs } from "./canonical.ts";
import { at, report, type Ctx, type KeywordRule, type Located, type SchemaNode } from "./context.ts";
import { ARRAY_RULES } from "./arrays.ts";
import { COMBINATOR_RULES, liftIntoCombinator } from "./combinators.ts";
import { CONSTRAINT_RULES } from "./constraints.ts";
import { OBJECT_RULES } from "./objects.ts";
import { CONDITIONAL_RULES } from "./conditionals.ts";
import { normalizePair } from "./normalize.ts";
import { deref, resolvedText } from "./refs.ts";

const KEYWORD_RULES: readonly KeywordRule[] = [...CONSTRAINT_RULES, ...ARRAY_RULES, ...OBJECT_RULES, ...COMBINATOR_RULES, ...CONDITIONAL_RULES];

/** Keywords some rule reads; definitions tables are reached only through `$ref`. */
const KNOWN = new Set([...KEYWORD_RULES.flatMap((r) => r.keywords), "$defs", "definitions"]);

/** A missing schema and `true` accept everything, like `{}`. */
const normalize = (schema: unknown): unknown => (schema === undefined || schema === true ? {} : schema);

export function compareNode(ctx: Ctx, old: Located, neu: Located): void {
  if (old.schema === undefined && neu.schema === undefined) return; // a slot neither side uses
  const o = deref(ctx.oldRoot, old);
  const n = deref(ctx.newRoot, neu);
  // An absent side has no place of its own: keyed by its location, a recursive schema compared against
  // nothing would reach a new pair at every level and never stop.
  const place = (l: Located) => (l.schema === undefined ? "(absent)" : l.at);
  const pair = `${ctx.negated ? "!" : ""}${place(o)}\0${place(n)}`;
  if (ctx.visited.has(pair)) return;
  ctx.visited.add(pair);
  const a = normalize(o.schema);
  const b = normalize(n.schema);
  if (a === false || b === false) {
    if (a !== b) report(ctx, a === false ? "false-schema-removed" : "false-schema-added", n.at, a === false ? "schema was false and now accepts values" : "schema became false");
    return;
  }
  // Equal subtrees without references cannot differ anywhere below; this keeps large schemas fast.
  if (sameWithoutRefs(a, b)) return;
  if (!isObject(a) || !isObject(b)) {
    if (!sameJson(a, b)) report(ctx, "unknown-change", n.at, "a schema the checker cannot read changed");
    return;
  }
  const roots = { old: ctx.oldRoot, new: ctx.newRoot, oldDraft7: ctx.oldDraft7, newDraft7: ctx.newDraft7 };
  const [on, nn] = normalizePair({ schema: a, at: o.at }, { schema: b, at: n.at }, roots);
  if (unevaluatedChanged(ctx, on, nn) || dynamicRefChanged(ctx, on, nn)) return;
  const [os, ns] = liftIntoCombinator(on, nn);
  for (const rule of KEYWORD_RULES) rule.compare(ctx, os, ns);
  compareUnknown(ctx, os, ns);
}

/**
 * `unevaluatedProperties` / `unevaluatedItems` that normalisation could not read as plain keywords depend on
 * everything beside them (allOf members, references, if/then/else): any change to the schema object that holds
 * them, seen through its references, is an unknown change at its place. Returns true when it reported one.
 */
function unevaluatedChanged(ctx: Ctx, o: SchemaNode, n: SchemaNode): boolean {
  const uses = (s: SchemaNode) => "unevaluatedProperties" in s.schema || "unevaluatedItems" in s.schema;
  if (!uses(o) && !uses(n)) return false;
  if (resolvedText(ctx.oldRoot, o) === resolvedText(ctx.newRoot, n)) return true;
  report(ctx, "unknown-change", n.at, "a schema with unevaluatedProperties or unevaluatedItems changed, which the checker does not model exactly");
  return true;
}

/**
 * `$dynamicRef` / `$recursiveRef` resolve at validation time to a place the walk cannot follow: when the
 * document changed anywhere, a schema object that uses one is an unknown change at its place.
 */
function dynamicRefChanged(ctx: Ctx, o: SchemaNode, n: SchemaNode): boolean {
  const uses = (s: SchemaNode) => "$dynamicRef" in s.schema || "$recursiveRef" in s.schema;
  if (!uses(o) && !uses(n)) return false;
  if (sameJson(ctx.oldRoot, ctx.newRoot)) return true;
  report(ctx, "unknown-change", n.at, "a schema with $dynamicRef or $recursiveRef, which the checker does not follow, is in a document that changed");
  return true;
}

/** Keywords no rule reads are compared as JSON seen through their references: any difference is breaking both
 *  ways, and nothing throws. */
function compareUnknown(ctx: Ctx, o: SchemaNode, n: SchemaNode): void {
  const keys = [...new Set([...Object.keys(o.schema), ...Object.keys(n.schema)])].filter((k) => !KNOWN.has(k)).sort();
  for (const key of keys) {
    if (sameJson(o.schema[key], n.schema[key]) && sameWithoutRefs(o.schema[key], n.schema[key])) continue;
    if (resolvedText(ctx.oldRoot, { schema: o.schema[key], at: at(o, key) }) !== resolvedText(ctx.newRoot, { schema: n.schema[key], at: at(n, key) })) {
      report(ctx, "unknown-change", at(n, key), `keyword '${key}' changed, and the checker does not model it`);
    }
  }
}
