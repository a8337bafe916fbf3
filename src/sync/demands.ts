// Why a sync publishes a major version (issue 19): the findings that demand the bump, each with its rule, pointer,
// message, the directions it breaks that the contract requires, and a witness where one is found, so that
// `sync --dry-run` shows them before anything is published. The engine is stricter than earlier blue versions
// (what it does not model is `unknown-change`, breaking both ways), so a change that once published as a minor can
// now demand a major: this is where the user sees which finding did it.
import { z } from "zod";
import { isBreaking, type Requirement, type SchemaFinding } from "../compat/index.ts";
import { Witness, witnessesFor } from "../check/witness.ts";
import { describeWitness } from "../ui/check-report.ts";

export const BumpDemand = z.object({
  rule: z.string(),
  pointer: z.string(),
  message: z.string(),
  /** The directions the finding breaks (at least one of them is one the contract requires). */
  breaks: z.array(z.enum(["backwards", "forwards"])),
  witness: Witness.optional(),
});
export type BumpDemand = z.infer<typeof BumpDemand>;

type Version = { version: string; schema: unknown };

/** The findings that demand a major bump of `from` → `to` (waived ones excluded by the caller), with witnesses
 *  when `search` (ajv compiles both schemas for it: only the plan that is shown asks). */
export function bumpDemands(from: Version, to: Version, req: Requirement, findings: readonly SchemaFinding[], search: boolean): BumpDemand[] {
  const breaking = findings.filter((f) => isBreaking(f, req));
  if (breaking.length === 0) return [];
  const witnesses = search ? witnessesFor(from, to, req, breaking) : new Map<SchemaFinding, Witness>();
  return breaking.map((f) => {
    const witness = witnesses.get(f);
    return {
      rule: f.rule,
      pointer: f.pointer,
      message: f.message,
      breaks: (["backwards", "forwards"] as const).filter((d) => f[d] === "breaking"),
      ...(witness ? { witness } : {}),
    };
  });
}

/** `unknown-change at /x-rule, breaking both ways — keyword 'x-rule' changed, and the checker does not model it` */
export function describeDemand(d: BumpDemand): string {
  const ways = d.breaks.length === 2 ? "both ways" : d.breaks.join("");
  return `${d.rule} at ${d.pointer === "" ? "(root)" : d.pointer}, breaking ${ways} — ${d.message}`;
}

/** The lines `sync` prints under a contract update for the version it publishes and what demands it. */
export function demandLines(version: string, bump: string, demands: readonly BumpDemand[]): string[] {
  if (demands.length === 0) return [];
  const witness = (d: BumpDemand) => (d.witness ? [describeWitness(d.witness)] : []);
  if (demands.length === 1) return [`${version} (${bump}: ${describeDemand(demands[0]!)})`, ...witness(demands[0]!).map((w) => `  ${w}`)];
  return [`${version} (${bump}, demanded by ${demands.length} findings):`, ...demands.flatMap((d) => [`  - ${describeDemand(d)}`, ...witness(d).map((w) => `    ${w}`)])];
}
