// What a comparison carries through the walk: both whole schemas (for `$ref`), the findings so far, the
// pairs of places already compared, and whether we are inside an odd number of `not`s.

import { childPointer } from "../realm/pointer.ts";
import { sameJson, type JsonObject } from "./canonical.ts";
import { effectOf, verdictsOf, type Verdict } from "./rules.ts";

export type SchemaFinding = { rule: string; pointer: string; message: string; backwards: Verdict; forwards: Verdict };

export type Verdicts = { backwards: Verdict; forwards: Verdict };

/** A schema and where it sits in its document (a pointer; for a part that is absent, where it would be). */
export type Located = { schema: unknown; at: string };

/** A schema object being compared; `lifted` names the combinator it was wrapped into (see combinators.ts). */
export type SchemaNode = { schema: JsonObject; at: string; lifted?: string };

/** One group of keywords and how to compare them between an old and a new schema object. */
export type KeywordRule = { keywords: readonly string[]; compare: (ctx: Ctx, o: SchemaNode, n: SchemaNode) => void };

export type Walk = (ctx: Ctx, old: Located, neu: Located) => void;

export type Ctx = {
  /** Compares two nested schemas; passed in so keyword rules can recurse without importing the walk. */
  walk: Walk;
  oldRoot: unknown;
  newRoot: unknown;
  findings: SchemaFinding[];
  visited: Set<string>;
  /** Inside `not`, narrowing the inner schema widens the outer one: verdicts swap. */
  negated: boolean;
  /** Which validator judges each side (validate.ts picks ajv's draft-07 one by `$schema`). */
  oldDraft7: boolean;
  newDraft7: boolean;
};

export function newCtx(walk: Walk, oldRoot: unknown, newRoot: unknown, drafts: { oldDraft7: boolean; newDraft7: boolean }): Ctx {
  return { walk, oldRoot, newRoot, findings: [], visited: new Set(), negated: false, ...drafts };
}

/** A fresh comparison over the same documents, for rules whose verdict is that of a nested comparison. */
export function subCtx(ctx: Ctx): Ctx {
  return { ...ctx, findings: [], visited: new Set(), negated: false };
}

export function negatedCtx(ctx: Ctx): Ctx {
  return { ...ctx, negated: !ctx.negated };
}

/** Report a finding whose verdicts are the rule's own (as in RULES). */
export function report(ctx: Ctx, rule: string, pointer: string, message: string): void {
  const effect = effectOf(rule);
  if (effect === "depends") throw new Error(`compat: rule '${rule}' needs explicit verdicts`);
  reportWith(ctx, rule, pointer, message, verdictsOf(effect));
}

/** Report a finding with verdicts computed for this case (the "depends" rules). */
export function reportWith(ctx: Ctx, rule: string, pointer: string, message: string, v: Verdicts): void {
  const { backwards, forwards } = ctx.negated ? { backwards: v.forwards, forwards: v.backwards } : v;
  ctx.findings.push({ rule, pointer, message, backwards, forwards });
}

/** Breaking in a direction if any finding is; a nested comparison with no findings is compatible both ways. */
export function combinedVerdicts(findings: readonly SchemaFinding[]): Verdicts {
  const worst = (d: "backwards" | "forwards"): Verdict => (findings.some((f) => f[d] === "breaking") ? "breaking" : "compatible");
  return { backwards: worst("backwards"), forwards: worst("forwards") };
}

/** A keyword's place in the new schema (for something removed, where it was). */
export function at(n: SchemaNode, ...tokens: (string | number)[]): string {
  return tokens.reduce<string>((p, t) => childPointer(p, t), n.at);
}

/**
 * A keyword whose value the checker cannot read (wrong JSON type) is reported as an unknown change when it
 * differs, never thrown on. Returns true when the keyword was malformed on either side.
 */
export function malformed(ctx: Ctx, o: SchemaNode, n: SchemaNode, key: string, ok: (v: unknown) => boolean): boolean {
  const a = o.schema[key];
  const b = n.schema[key];
  if ((a === undefined || ok(a)) && (b === undefined || ok(b))) return false;
  if (!sameJson(a, b)) report(ctx, "unknown-change", at(n, key), `'${key}' has a value the checker cannot read, and it changed`);
  return true;
}

/** A short JSON rendering of a value for messages. */
export function show(v: unknown): string {
  const text = v === undefined ? "(none)" : JSON.stringify(v) ?? String(v);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
