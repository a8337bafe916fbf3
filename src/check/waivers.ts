// Scoped waivers with expiry (issue 19): a breaking compatibility finding that a realm approver let through,
// recorded in domains/{domain}/waivers/{contract}.yaml. A waiver matches a finding of the same contract, rule
// and pointer in a comparison that spans the change it was recorded for (old version at or before its `from`,
// new version after it); until the end of its `until` day (UTC) the finding is waived: not an error, and it
// demands no major bump. After that it fails as before, and the check says the waiver expired. Pure: the clock
// is passed in.
import semver from "semver";
import { z } from "zod";
import { isBreaking, requiredBump, type Bump, type Requirement, type SchemaFinding, type ValueChange } from "../compat/index.ts";
import { Waiver } from "../realm/schema.ts";

const DAY_MS = 86_400_000;

/** A waiver as a check lists it: applied to a finding of this run, matching none, or expired. */
export const ListedWaiver = Waiver.extend({
  contract: z.string(),
  domain: z.string(),
  status: z.enum(["applied", "unused", "expired"]),
});
export type ListedWaiver = z.infer<typeof ListedWaiver>;

/** What a finding carries when a waiver matched it (expired: it counts again). */
export const FindingWaiver = z.object({ until: z.string(), reason: z.string(), recorded_by: z.string(), from: z.string(), expired: z.boolean() });
export type FindingWaiver = z.infer<typeof FindingWaiver>;

/** The first moment a waiver no longer holds: the end of its `until` day, UTC. */
export function expiresAt(w: Pick<Waiver, "until">): Date {
  return new Date(Date.parse(`${w.until}T00:00:00Z`) + DAY_MS);
}

export function isExpired(w: Pick<Waiver, "until">, now: Date): boolean {
  return now.getTime() >= expiresAt(w).getTime();
}

/** Whether comparing `from` with `to` spans the change away from the waiver's version. */
export function inScope(w: Pick<Waiver, "from">, from: string, to: string): boolean {
  if (!semver.valid(from) || !semver.valid(to)) return false;
  return semver.lte(from, w.from) && semver.gt(to, w.from);
}

export type WaiverScope = { waivers: readonly Waiver[]; now: Date };

export type Waived = {
  /** Breaking findings a waiver in force lets through. */
  waived: Map<SchemaFinding, Waiver>;
  /** Breaking findings whose only matching waivers have expired: they count again. */
  expired: Map<SchemaFinding, Waiver>;
  /** The bump the change needs with the waived findings counted as compatible schema changes. */
  bump: Bump;
};

/** Match one comparison's breaking findings against its contract's waivers. A waiver in force wins over an expired one. */
export function applyWaivers(
  findings: readonly SchemaFinding[],
  values: readonly ValueChange[],
  req: Requirement,
  o: WaiverScope & { from: string; to: string },
): Waived {
  const waived = new Map<SchemaFinding, Waiver>();
  const expired = new Map<SchemaFinding, Waiver>();
  for (const f of findings) {
    if (!isBreaking(f, req)) continue;
    const matching = o.waivers.filter((w) => w.rule === f.rule && w.pointer === f.pointer && inScope(w, o.from, o.to));
    const live = matching.find((w) => !isExpired(w, o.now));
    if (live) waived.set(f, live);
    else if (matching.length) expired.set(f, matching[matching.length - 1]!);
  }
  const counted = findings.map((f) => (waived.has(f) ? { ...f, backwards: "compatible" as const, forwards: "compatible" as const } : f));
  return { waived, expired, bump: requiredBump(counted, values, req) };
}

/** Every waiver of the contracts a check looked at, with what it did in this run (applied: matched a finding). */
export function listWaivers(
  contracts: readonly { domain: string; contract: string; waivers: readonly Waiver[] }[],
  applied: ReadonlySet<Waiver>,
  now: Date,
): ListedWaiver[] {
  return contracts.flatMap(({ domain, contract, waivers }) =>
    waivers.map((w) => ({ ...w, contract, domain, status: isExpired(w, now) ? ("expired" as const) : applied.has(w) ? ("applied" as const) : ("unused" as const) })),
  );
}
