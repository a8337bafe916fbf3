// Numeric limits read together, as the validator applies them: `maximum` and `exclusiveMaximum` are one upper
// bound (the tighter wins; on integers `exclusiveMaximum: 10` is `maximum: 9`), likewise the lower bound; and
// `multipleOf` judged as ajv judges it: x is a multiple of m when x / m === parseInt(x / m) in floating point,
// which fails for quotients of 1e21 and more (parseInt reads "1e+21" as 1).

import { isObject, type JsonObject } from "./canonical.ts";
import { at, malformed, report, type Ctx, type SchemaNode } from "./context.ts";

const isNumber = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);

/** A limit, and the keyword that set it. */
type Bound = { value: number; exclusive: boolean; keyword: string } | undefined;

/** Only integers are allowed (type integer, alone or with non-numeric types). */
function integersOnly(s: JsonObject): boolean {
  const types = typeof s.type === "string" ? [s.type] : Array.isArray(s.type) ? s.type : [];
  return types.includes("integer") && !types.includes("number");
}

/** The tighter of an inclusive and an exclusive limit; on integers, as an inclusive integer. */
function effective(s: JsonObject, side: "upper" | "lower"): Bound {
  const up = side === "upper";
  const incl = s[up ? "maximum" : "minimum"];
  const excl = s[up ? "exclusiveMaximum" : "exclusiveMinimum"];
  const tighter = (x: number, y: number) => (up ? x < y : x > y);
  let bound: Bound;
  if (isNumber(incl)) bound = { value: incl, exclusive: false, keyword: up ? "maximum" : "minimum" };
  if (isNumber(excl) && (!bound || !tighter(bound.value, excl))) bound = { value: excl, exclusive: true, keyword: up ? "exclusiveMaximum" : "exclusiveMinimum" };
  if (bound && integersOnly(s)) {
    const v = bound.value;
    const value = up ? (bound.exclusive ? Math.ceil(v) - 1 : Math.floor(v)) : bound.exclusive ? Math.floor(v) + 1 : Math.ceil(v);
    return { value, exclusive: false, keyword: bound.keyword };
  }
  return bound;
}

const sameBound = (a: Bound, b: Bound) => a?.value === b?.value && a?.exclusive === b?.exclusive;

/** -1: b admits fewer values than a (narrower); 1: more; 0: the same. Undefined is no bound. */
function compareBound(a: Bound, b: Bound, up: boolean): number {
  if (sameBound(a, b)) return 0;
  if (!a) return -1;
  if (!b) return 1;
  if (a.value === b.value) return b.exclusive ? -1 : 1;
  return (b.value > a.value) === up ? 1 : -1;
}

/**
 * One finding per side of the range whose effective limit moved, named after the keyword the new schema uses
 * (or the old one's, when the limit was removed). Draft 4's boolean exclusives are left to constraints.ts.
 */
export function compareRange(ctx: Ctx, o: SchemaNode, n: SchemaNode): void {
  for (const [side, incl, excl, id, exId] of [
    ["upper", "maximum", "exclusiveMaximum", "maximum", "exclusive-maximum"],
    ["lower", "minimum", "exclusiveMinimum", "minimum", "exclusive-minimum"],
  ] as const) {
    if (malformed(ctx, o, n, incl, isNumber) || malformed(ctx, o, n, excl, isNumber)) continue;
    const a = effective(o.schema, side);
    const b = effective(n.schema, side);
    const up = side === "upper";
    const moved = compareBound(a, b, up);
    if (moved === 0) continue;
    const keyword = (b ?? a)!.keyword;
    const rule = keyword === incl ? id : exId;
    const change = !a ? "added" : !b ? "removed" : moved > 0 === up ? "increased" : "decreased";
    const text = (x: Bound) => (x ? `${x.exclusive ? (up ? "<" : ">") : up ? "≤" : "≥"} ${x.value}` : "none");
    // One keyword on both sides (or on one): worded as before, with the values written in the schemas.
    const raw = (s: SchemaNode) => s.schema[keyword];
    const message = !a ? `${keyword} ${raw(n)} added` : !b ? `${keyword} ${raw(o)} removed` : a.keyword === b.keyword ? `${keyword} changed from ${raw(o)} to ${raw(n)}` : `${up ? "upper" : "lower"} limit changed from ${text(a)} to ${text(b)}`;
    report(ctx, `${rule}-${change}`, at(n, keyword), message);
  }
}

/** The largest magnitude a side allows, if both limits are set. */
function magnitude(s: JsonObject): number | undefined {
  const up = effective(s, "upper");
  const low = effective(s, "lower");
  return up && low ? Math.max(Math.abs(up.value), Math.abs(low.value)) : undefined;
}

/** b is an exact multiple of a, both read as the binary fractions they are (0.3 is not 3 × 0.1 in binary). */
function exactMultiple(b: number, a: number): boolean {
  const [ma, ea] = binary(a);
  const [mb, eb] = binary(b);
  const e = Math.min(ea, eb);
  const A = ma << BigInt(ea - e);
  const B = mb << BigInt(eb - e);
  return B % A === 0n;
}

/** A positive finite double as mantissa × 2^exponent, both integers. */
function binary(x: number): [bigint, number] {
  let e = 0;
  while (!Number.isInteger(x)) (x *= 2), e--;
  return [BigInt(x), e];
}

/** Every value the `within` side allows has a quotient by m below 1e21, where ajv's test is exact. */
function quotientsSafe(within: JsonObject, m: number): boolean {
  const max = magnitude(within);
  return max !== undefined && max / m < 1e20;
}

export function compareMultipleOf(ctx: Ctx, o: SchemaNode, n: SchemaNode): void {
  if (malformed(ctx, o, n, "multipleOf", (v) => isNumber(v) && v > 0)) return;
  const a = o.schema.multipleOf as number | undefined;
  const b = n.schema.multipleOf as number | undefined;
  if (a === b) return;
  const p = at(n, "multipleOf");
  if (a === undefined) return report(ctx, "multiple-of-added", p, `multipleOf ${b} added`);
  if (b === undefined) return report(ctx, "multiple-of-removed", p, `multipleOf ${a} removed`);
  const rule = exactMultiple(b, a) && quotientsSafe(n.schema, a) ? "multiple-of-narrowed" : exactMultiple(a, b) && quotientsSafe(o.schema, b) ? "multiple-of-widened" : "multiple-of-changed";
  report(ctx, rule, p, `multipleOf changed from ${a} to ${b}`);
}

export const hasBooleanExclusives = (s: JsonObject) => isObject(s) && (typeof s.exclusiveMaximum === "boolean" || typeof s.exclusiveMinimum === "boolean");
