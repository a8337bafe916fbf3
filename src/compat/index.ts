// The compatibility engine's entry points: compare two schemas rule by rule, diff two values, and decide
// the version bump a change needs for the directions a contract requires. Pure: no I/O, nothing thrown on
// odd schemas (what the checker cannot read is an `unknown-change`).

import { newCtx, report, type SchemaFinding } from "./context.ts";
import { diffValues, type ValueChange } from "./value.ts";
import { isDraft7 } from "./normalize.ts";
import { compareNode } from "./walk.ts";

export { RULES, type Rule, type Verdict } from "./rules.ts";
export type { SchemaFinding } from "./context.ts";
export { diffValues, type ValueChange } from "./value.ts";

/** The directions a contract's `compatibility` requires (RFC names: backwards = Registry FORWARD). */
export type Requirement = { backwards: boolean; forwards: boolean };
export type Bump = "none" | "patch" | "minor" | "major";

/** Findings in walk order (keyword groups in a fixed order, keys sorted), each place and rule once. */
export function compareSchemas(oldSchema: unknown, newSchema: unknown): SchemaFinding[] {
  const ctx = newCtx(compareNode, oldSchema, newSchema, { oldDraft7: isDraft7(oldSchema), newDraft7: isDraft7(newSchema) });
  compareNode(ctx, { schema: oldSchema, at: "" }, { schema: newSchema, at: "" });
  // The same keywords mean different things to ajv's draft-07 and 2020-12 validators.
  if (ctx.oldDraft7 !== ctx.newDraft7) report(ctx, "unknown-change", "/$schema", "the schema moved between draft-07 and 2020-12, which validate some keywords differently");
  const seen = new Set<string>();
  return ctx.findings.filter((f) => {
    const key = `${f.rule}\0${f.pointer}\0${f.message}\0${f.backwards}\0${f.forwards}`;
    return seen.has(key) ? false : (seen.add(key), true);
  });
}

export function isBreaking(f: SchemaFinding, req: Requirement): boolean {
  return (req.backwards && f.backwards === "breaking") || (req.forwards && f.forwards === "breaking");
}

/** Rules that change no value's validity and no reader's view of the data: a patch at most. */
const COSMETIC_RULES = new Set(["annotation-changed"]);

/**
 * major: a finding breaks a required direction. minor: a schema change that affects validation or
 * defaults, or an element added to the value. patch: anything else (annotations, removed or changed value
 * elements). none: nothing changed.
 */
export function requiredBump(findings: readonly SchemaFinding[], values: readonly ValueChange[], req: Requirement): Bump {
  if (findings.some((f) => isBreaking(f, req))) return "major";
  if (findings.some((f) => !COSMETIC_RULES.has(f.rule)) || values.some((v) => v.kind === "added")) return "minor";
  return findings.length > 0 || values.length > 0 ? "patch" : "none";
}

export function compareVersions(
  a: { schema: unknown; value: unknown },
  b: { schema: unknown; value: unknown },
  req: Requirement,
): { findings: SchemaFinding[]; values: ValueChange[]; bump: Bump; breaking: boolean } {
  const findings = compareSchemas(a.schema, b.schema);
  const values = diffValues(a.value, b.value);
  const bump = requiredBump(findings, values, req);
  return { findings, values, bump, breaking: bump === "major" };
}
