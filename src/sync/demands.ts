// Why a sync publishes a major version (issue 19): the findings that demand the bump, each with its rule, pointer,
// message, the directions it breaks that the contract requires, and a witness where one is found, so that
// `sync --dry-run` shows them before anything is published. The engine is stricter than earlier blue versions
// (what it does not model is `unknown-change`, breaking both ways), so a change that once published as a minor can
// now demand a major: this is where the user sees which finding did it.
import { z } from "zod";
import { Witness } from "../check/witness-model.ts";
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
