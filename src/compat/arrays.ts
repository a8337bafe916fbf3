// Array keywords with subschemas: tuples (`prefixItems`, or draft 7's array form of `items`) and the schema
// for the positions after them (`items`, or draft 7's `additionalItems`).

import { isObject, sameJson } from "./canonical.ts";
import { at, report, type Ctx, type KeywordRule, type SchemaNode } from "./context.ts";
import { modelOf, reportModelChange } from "./content-model.ts";

type ArrayShape = { tupleKey: string; tuple: readonly unknown[]; restKey: string; rest: unknown };

/** Both drafts' spellings as one shape; undefined when the keywords hold values no draft allows. */
function shapeOf(schema: Record<string, unknown>): ArrayShape | undefined {
  const { items, prefixItems, additionalItems } = schema;
  const isSchema = (v: unknown) => v === undefined || typeof v === "boolean" || isObject(v);
  if (Array.isArray(items)) return isSchema(additionalItems) ? { tupleKey: "items", tuple: items, restKey: "additionalItems", rest: additionalItems } : undefined;
  if (!isSchema(items) || (prefixItems !== undefined && !Array.isArray(prefixItems))) return undefined;
  // Without a tuple, draft 7 ignores additionalItems; it is not compared.
  return { tupleKey: "prefixItems", tuple: (prefixItems ?? []) as unknown[], restKey: "items", rest: items };
}

function compareItems(ctx: Ctx, o: SchemaNode, n: SchemaNode): void {
  const before = shapeOf(o.schema);
  const after = shapeOf(n.schema);
  if (!before || !after) {
    const changed = ["items", "prefixItems", "additionalItems"].filter((k) => !sameJson(o.schema[k], n.schema[k]));
    for (const k of changed) report(ctx, "unknown-change", at(n, k), `'${k}' has a value the checker cannot read, and it changed`);
    return;
  }
  const length = Math.max(before.tuple.length, after.tuple.length);
  for (let i = 0; i < length; i++) {
    const oldItem = { schema: before.tuple[i], at: at(o, before.tupleKey, i) };
    const newItem = { schema: after.tuple[i], at: at(n, after.tupleKey, i) };
    if (i < before.tuple.length && i < after.tuple.length) ctx.walk(ctx, oldItem, newItem);
    else if (i < after.tuple.length) reportModelChange(ctx, "item", "added", modelOf(before.rest, at(o, before.restKey)), newItem, newItem.at, `tuple item ${i} added`);
    else reportModelChange(ctx, "item", "removed", modelOf(after.rest, at(n, after.restKey)), oldItem, newItem.at, `tuple item ${i} removed`);
  }
  ctx.walk(ctx, { schema: before.rest, at: at(o, before.restKey) }, { schema: after.rest, at: at(n, after.restKey) });
}

export const ARRAY_RULES: readonly KeywordRule[] = [{ keywords: ["items", "prefixItems", "additionalItems"], compare: compareItems }];
