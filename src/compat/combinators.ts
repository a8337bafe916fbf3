// allOf / anyOf / oneOf (members matched by deep equality), not (verdicts swap inside it) and `$ref`
// beside other keywords (a reference alone is followed by the walk before keywords are compared).

import { matchElements } from "./canonical.ts";
import { at, malformed, negatedCtx, report, reportWith, show, subCtx, type Ctx, type KeywordRule, type Located, type SchemaNode } from "./context.ts";
import { pairwiseDisjoint } from "./disjoint.ts";
import { validationKeys, validationPart } from "./keywords.ts";
import { verdictsOf } from "./rules.ts";
import { resolveRef } from "./refs.ts";

const COMBINATORS = ["allOf", "anyOf", "oneOf"] as const;

/**
 * `{type: string}` → `{anyOf: [{type: string}, {type: null}]}` is one member added, not every keyword
 * removed and a sum type added: when one side is nothing but a combinator, the other side's keywords are
 * read as that combinator's only member. The lifted member keeps the node's own pointer.
 */
export function liftIntoCombinator(o: SchemaNode, n: SchemaNode): [SchemaNode, SchemaNode] {
  const only = (s: SchemaNode, kw: string) => Array.isArray(s.schema[kw]) && validationKeys(s.schema).length === 1;
  const liftable = (s: SchemaNode, kw: string) => s.schema[kw] === undefined && validationKeys(s.schema).length > 0;
  const wrap = (s: SchemaNode, kw: string): SchemaNode => {
    const kept = Object.fromEntries(Object.entries(s.schema).filter(([k]) => !validationKeys(s.schema).includes(k)));
    return { schema: { ...kept, [kw]: [validationPart(s.schema)] }, at: s.at, lifted: kw };
  };
  for (const kw of COMBINATORS) {
    if (only(n, kw) && liftable(o, kw)) return [wrap(o, kw), n];
    if (only(o, kw) && liftable(n, kw)) return [o, wrap(n, kw)];
  }
  return [o, n];
}

const memberAt = (s: SchemaNode, kw: string, i: number) => (s.lifted === kw ? s.at : at(s, kw, i));

function compareMembers(ctx: Ctx, o: SchemaNode, n: SchemaNode, kw: (typeof COMBINATORS)[number]): void {
  if (malformed(ctx, o, n, kw, Array.isArray)) return;
  const before = o.schema[kw] as unknown[] | undefined;
  const after = n.schema[kw] as unknown[] | undefined;
  // An absent allOf is an empty one; an absent anyOf/oneOf is no constraint at all, not an empty sum.
  if (kw !== "allOf" && (before === undefined || after === undefined)) {
    if (after !== undefined) report(ctx, "sum-type-added", at(n, kw), `${kw} added`);
    else if (before !== undefined) report(ctx, "sum-type-removed", at(n, kw), `${kw} removed`);
    return;
  }
  const match = matchElements(before ?? [], after ?? []);
  const { pairs } = match;
  let { removed, added } = match;
  // allOf and anyOf are monotone in every member: members edited in place (as many removed as added) are
  // compared pairwise, in order, rather than reported as one removed and one added.
  if (kw !== "oneOf" && removed.length > 0 && removed.length === added.length) {
    pairs.push(...removed.map((i, k): [number, number] => [i, added[k]!]));
    [removed, added] = [[], []];
  }
  const members = (s: SchemaNode, list: readonly unknown[] | undefined) => (list ?? []).map((m, i) => ({ schema: m, at: memberAt(s, kw, i) }));
  const oldMembers = members(o, before);
  const newMembers = members(n, after);
  // Equal members may still reach different definitions through `$ref`.
  if (kw !== "oneOf") for (const [i, j] of pairs) ctx.walk(ctx, oldMembers[i]!, newMembers[j]!);
  else compareOneOfPairs(ctx, pairs.map(([i, j]) => [oldMembers[i]!, newMembers[j]!]), () => pairwiseDisjoint(ctx.oldRoot, oldMembers) && pairwiseDisjoint(ctx.newRoot, newMembers));
  const rule = kw === "allOf" ? "all-of-member" : kw === "anyOf" ? "any-of-member" : "one-of-member";
  for (const i of removed) {
    const p = at(n, kw, i);
    const message = `${kw} member ${i} removed: ${show(before![i])}`;
    if (kw !== "oneOf") report(ctx, `${rule}-removed`, p, message);
    else reportWith(ctx, `${rule}-removed`, p, message, verdictsOf(pairwiseDisjoint(ctx.oldRoot, oldMembers) ? "narrows" : "incompatible"));
  }
  for (const j of added) {
    const p = memberAt(n, kw, j);
    const message = `${kw} member ${j} added: ${show(after![j])}`;
    if (kw !== "oneOf") report(ctx, `${rule}-added`, p, message);
    else reportWith(ctx, `${rule}-added`, p, message, verdictsOf(pairwiseDisjoint(ctx.newRoot, newMembers) ? "widens" : "incompatible"));
  }
}

/**
 * A `oneOf` member that changes (through a reference) changes which values match exactly one member: widening
 * a member can make a value match two, narrowing one can make a value match only one. Unless the members are
 * provably disjoint on both sides (then oneOf is anyOf), every change inside is breaking both ways.
 */
function compareOneOfPairs(ctx: Ctx, pairs: [Located, Located][], disjoint: () => boolean): void {
  const sub = subCtx(ctx);
  for (const [a, b] of pairs) ctx.walk(sub, a, b);
  if (sub.findings.length === 0) return;
  const exact = disjoint();
  for (const f of sub.findings) {
    if (exact) reportWith(ctx, f.rule, f.pointer, f.message, f);
    else reportWith(ctx, f.rule, f.pointer, `${f.message} (inside a oneOf whose members may overlap: breaking both ways)`, { backwards: "breaking", forwards: "breaking" });
  }
}

function compareNot(ctx: Ctx, o: SchemaNode, n: SchemaNode): void {
  const a = o.schema.not;
  const b = n.schema.not;
  if (a === undefined && b === undefined) return;
  if (a === undefined) return report(ctx, "not-added", at(n, "not"), "not added");
  if (b === undefined) return report(ctx, "not-removed", at(n, "not"), "not removed");
  ctx.walk(negatedCtx(ctx), { schema: a, at: at(o, "not") }, { schema: b, at: at(n, "not") });
}

function compareRef(ctx: Ctx, o: SchemaNode, n: SchemaNode): void {
  if (malformed(ctx, o, n, "$ref", (v) => typeof v === "string")) return;
  const a = o.schema.$ref as string | undefined;
  const b = n.schema.$ref as string | undefined;
  if (a === undefined && b === undefined) return;
  if (a === undefined) return report(ctx, "ref-added", at(n, "$ref"), `$ref ${b} added`);
  if (b === undefined) return report(ctx, "ref-removed", at(n, "$ref"), `$ref ${a} removed`);
  const from = resolveRef(ctx.oldRoot, a, o.at);
  const to = resolveRef(ctx.newRoot, b, n.at);
  if (from && to) ctx.walk(ctx, from, to);
  // A remote or dangling reference cannot be compared; the same string on both sides is taken as the same schema.
  else if (a !== b || !from !== !to) report(ctx, "unknown-change", at(n, "$ref"), `$ref ${a === b ? a : `${a} → ${b}`} cannot be resolved within both schemas`);
}

export const COMBINATOR_RULES: readonly KeywordRule[] = [
  ...COMBINATORS.map((kw): KeywordRule => ({ keywords: [kw], compare: (ctx, o, n) => compareMembers(ctx, o, n, kw) })),
  { keywords: ["not"], compare: compareNot },
  { keywords: ["$ref"], compare: compareRef },
];
