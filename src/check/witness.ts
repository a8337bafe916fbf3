// The witness shown under a breaking compatibility finding (issue 19): a value one version accepts and the other
// rejects, searched by the engine's pure witness module and judged by ajv with check's own configuration, so a
// witness shown is one `blue realm check` itself would accept or reject.
import type { Witness } from "./witness-model.ts";
import { isBreaking, type Requirement, type SchemaFinding } from "../compat/index.ts";
import { findWitness } from "../compat/witness.ts";
import { ajvAccepts } from "./validate.ts";

export { Witness } from "./witness-model.ts";

/** Breaking findings searched per comparison; past it a finding says so (a big change stays a fast check). */
export const WITNESSES_PER_COMPARISON = 20;

type Version = { version: string; schema: unknown };

/** Schemas larger than this (JSON text, either side) are not searched: ajv compiles a schema in time that grows
 *  with it (~0.5-1 ms a property here: ~1.6 s for both versions of the 2,000-property benchmark schema), which
 *  would make a check of a big breaking change slower by seconds for the sake of an explanation. */
export const WITNESS_SCHEMA_BYTES = 32 * 1024;

/** Witnesses for the breaking findings of one comparison, by finding; non-breaking findings get none. */
export function witnessesFor(from: Version, to: Version, req: Requirement, findings: readonly SchemaFinding[], now?: () => number): Map<SchemaFinding, Witness> {
  const out = new Map<SchemaFinding, Witness>();
  let searched = 0;
  let tooBig: string | undefined;
  for (const f of findings) {
    if (!isBreaking(f, req)) continue;
    tooBig ??= sizeRefusal(from, to);
    if (tooBig) {
      out.set(f, { found: false, reason: tooBig });
      continue;
    }
    if (searched++ >= WITNESSES_PER_COMPARISON) {
      out.set(f, { found: false, reason: `not searched: only the first ${WITNESSES_PER_COMPARISON} breaking findings of a comparison are` });
      continue;
    }
    out.set(f, witnessFor(from, to, req, f, now));
  }
  return out;
}

/** The first direction the contract requires and the finding breaks that yields a witness; else why none. */
export function witnessFor(from: Version, to: Version, req: Requirement, f: SchemaFinding, now?: () => number): Witness {
  let reason = "no direction the contract requires breaks";
  for (const d of ["backwards", "forwards"] as const) {
    if (!req[d] || f[d] !== "breaking") continue;
    let w: ReturnType<typeof findWitness>;
    try {
      w = findWitness(from.schema, to.schema, f, d, { accepts: ajvAccepts, ...(now ? { now } : {}) });
    } catch (e) {
      // An explanation must never cost the check its verdict: a search that fails says so instead.
      return { found: false, reason: `the search failed: ${(e as Error).message}` };
    }
    if (w.found) {
      const [valid, rejected] = w.validUnder === "new" ? [to, from] : [from, to];
      return { found: true, value: w.value, valid_under: valid.version, rejected_by: rejected.version };
    }
    reason = w.reason;
  }
  return { found: false, reason };
}

/** Why the schemas are too big to search ("" when they are not). */
function sizeRefusal(from: Version, to: Version): string {
  const bytes = Math.max(JSON.stringify(from.schema ?? null).length, JSON.stringify(to.schema ?? null).length);
  return bytes > WITNESS_SCHEMA_BYTES ? `not searched: the schema is ${Math.round(bytes / 1024)} KB, over the ${WITNESS_SCHEMA_BYTES / 1024} KB that witnesses are searched for (ajv's compile time grows with it)` : "";
}
