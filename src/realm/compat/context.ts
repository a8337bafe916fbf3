// What a comparison carries through the walk: both whole schemas (for `$ref`), the findings so far, the
// pairs of places already compared, and whether we are inside an odd number of `not`s.

import { effectOf, verdictsOf, type Verdict } from "./rules.ts";

export type SchemaFinding = { rule: string; pointer: string; message: string; backwards: Verdict; forwards: Verdict };

export type Verdicts = { backwards: Verdict; forwards: Verdict };

/** A schema and where it sits in its document (a pointer; for a part that is absent, where it would be). */
export type Located = { schema: unknown; at: string };

export type Ctx = {
  oldRoot: unknown;
  newRoot: unknown;
  findings: SchemaFinding[];
  visited: Set<string>;
  /** Inside `not`, narrowing the inner schema widens the outer one: verdicts swap. */
  negated: boolean;
};

export function newCtx(oldRoot: unknown, newRoot: unknown): Ctx {
  return { oldRoot, newRoot, findings: [], visited: new Set(), negated: false };
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
