// Keywords whose subschema is not simply "more values in, more values out": `if` (a value's branch depends on
// it) and `contains` with `minContains` / `maxContains` (an upper count turns widening into narrowing). Where
// the effect is monotone they are compared like any subschema; elsewhere a change, seen through references, is
// an unknown change with its pointer: breaking both ways, never silence.

import { at, report, type Ctx, type KeywordRule, type Located, type SchemaNode } from "./context.ts";
import { resolvedText } from "./refs.ts";

const located = (s: SchemaNode, key: string): Located => ({ schema: s.schema[key], at: at(s, key) });

/** Whether two subschemas read the same once references are followed. */
function sameThrough(ctx: Ctx, a: Located, b: Located): boolean {
  return resolvedText(ctx.oldRoot, a) === resolvedText(ctx.newRoot, b);
}

/**
 * A value must match `then` when it matches `if`, and `else` when it does not. With `if` unchanged, both
 * branches are monotone (a wider `then` accepts more). A changed `if` moves values between branches: unknown.
 * Without `if`, `then` and `else` are ignored, so adding the whole conditional narrows and removing it widens.
 */
function compareConditional(ctx: Ctx, o: SchemaNode, n: SchemaNode): void {
  const had = o.schema.if !== undefined;
  const has = n.schema.if !== undefined;
  const branches = (s: SchemaNode) => s.schema.then !== undefined || s.schema.else !== undefined;
  if (!had && !has) return;
  if (!had || !has) {
    // An `if` without branches constrains nothing.
    if (had ? branches(o) : branches(n)) report(ctx, had ? "conditional-removed" : "conditional-added", at(n, "if"), had ? "if/then/else removed" : "if/then/else added");
    return;
  }
  if (!sameThrough(ctx, located(o, "if"), located(n, "if"))) {
    if (branches(o) || branches(n)) report(ctx, "unknown-change", at(n, "if"), "'if' changed, which moves values between 'then' and 'else'; the checker does not model that");
    return;
  }
  for (const key of ["then", "else"]) ctx.walk(ctx, located(o, key), located(n, key));
}

/**
 * `contains` with at least `minContains` (default 1) and, without `maxContains`, no upper count is monotone in
 * its schema; the counts are limits like any other. An upper count, or a schema and a count changing together,
 * is an unknown change.
 */
function compareContains(ctx: Ctx, o: SchemaNode, n: SchemaNode): void {
  const a = o.schema.contains;
  const b = n.schema.contains;
  if (a === undefined && b === undefined) return;
  if (a === undefined || b === undefined) {
    // Without contains the counts are ignored; with it, minContains 0 accepts every array (still a narrowing, or equal).
    return report(ctx, a === undefined ? "contains-added" : "contains-removed", at(n, "contains"), a === undefined ? "contains added" : "contains removed");
  }
  const upper = o.schema.maxContains !== undefined || n.schema.maxContains !== undefined;
  const sameCounts = o.schema.minContains === n.schema.minContains && o.schema.maxContains === n.schema.maxContains;
  if (sameThrough(ctx, located(o, "contains"), located(n, "contains"))) return compareCounts(ctx, o, n);
  if (upper || !sameCounts) return report(ctx, "unknown-change", at(n, "contains"), "'contains' changed beside a count the checker does not model with it");
  ctx.walk(ctx, located(o, "contains"), located(n, "contains"));
}

function compareCounts(ctx: Ctx, o: SchemaNode, n: SchemaNode): void {
  for (const [keyword, id, fallback] of [["minContains", "min-contains", 1], ["maxContains", "max-contains", undefined]] as const) {
    const x = o.schema[keyword];
    const y = n.schema[keyword];
    if (x === y) continue;
    if ((x !== undefined && typeof x !== "number") || (y !== undefined && typeof y !== "number")) {
      report(ctx, "unknown-change", at(n, keyword), `'${keyword}' has a value the checker cannot read, and it changed`);
      continue;
    }
    const [before, after] = [x ?? fallback, y ?? fallback];
    if (before === after) continue;
    const p = at(n, keyword);
    if (before === undefined) report(ctx, `${id}-added`, p, `${keyword} ${y} added`);
    else if (after === undefined) report(ctx, `${id}-removed`, p, `${keyword} ${x} removed`);
    else report(ctx, `${id}-${after > before ? "increased" : "decreased"}`, p, `${keyword} changed from ${before} to ${after}`);
  }
}

export const CONDITIONAL_RULES: readonly KeywordRule[] = [
  { keywords: ["if", "then", "else"], compare: compareConditional },
  { keywords: ["contains", "minContains", "maxContains"], compare: compareContains },
];
