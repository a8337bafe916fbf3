// When an open sync branch may merge (realm governance, DESIGN.md §5): a compatible change once every
// importer has acknowledged it or the grace period has passed; a breaking change once every importer has
// acknowledged it and, with `require_approval`, a realm approver has approved it; an acknowledgement built on
// another repo's branch once that branch has merged; a waiver (issue 19), since it lets a breaking finding
// through, with the approval a breaking change needs. Pure: the clock and the approvals are passed in.
import semver from "semver";
import { z } from "zod";
import type { RealmModel } from "../realm/load.ts";
import type { PendingSync } from "./pending.ts";

export const MergeVerdict = z.object({
  branch: z.string(),
  repo: z.string(),
  due: z.boolean(),
  /** Why it may merge now. */
  reason: z.enum(["acknowledged", "grace_period", "approved", "no_importers", "acknowledgement", "base_merged"]).nullable(),
  waiting_for: z.array(z.string()),
  pr: z.string().nullable(),
});
export type MergeVerdict = z.infer<typeof MergeVerdict>;

const DAY_MS = 86_400_000;

function governanceFor(model: RealmModel, domain: string) {
  const realm = model.realm?.governance;
  const d = model.domains.get(domain)?.governance;
  return {
    require_approval: d?.breaking_changes?.require_approval ?? realm?.breaking_changes.require_approval ?? true,
    grace_period_days: d?.breaking_changes?.grace_period_days ?? realm?.breaking_changes.grace_period_days ?? 14,
    approvers: (d?.approvers ?? realm?.approvers ?? []).map((a) => a.toLowerCase()),
  };
}

/** Whether `importer` has acknowledged `version` of the contract: on main, or on any of its own open sync branches. */
export function acknowledged(model: RealmModel, pending: readonly PendingSync[], domain: string, contract: string, importer: string, version: string): boolean {
  const onMain = model.domains.get(domain)?.bindings.get(importer)?.imports.find((i) => i.contract === contract)?.resolved_version;
  if (onMain && semver.gte(onMain, version)) return true;
  return pending.some((p) => p.repo === importer && !p.obsolete && p.acks.some((a) => a.domain === domain && a.contract === contract && a.repo === importer && semver.gte(a.resolved_version, version)));
}

export function evaluate(
  p: PendingSync,
  ctx: { model: RealmModel; pending: readonly PendingSync[]; now: Date; approvals?: string[]; pr?: string | null },
): MergeVerdict {
  const verdict = (due: boolean, reason: MergeVerdict["reason"], waiting: string[]): MergeVerdict => ({ branch: p.branch, repo: p.repo, due, reason, waiting_for: waiting, pr: ctx.pr ?? null });
  if (p.obsolete) return verdict(false, null, [`nothing: ${p.base?.branch} was rebuilt or closed since, so this acknowledgement no longer counts (${p.repo} syncs again)`]);
  if (p.base && !p.base_merged) return verdict(false, null, [`${p.base.branch} to merge first`]);
  if (p.conflicts.length > 0) return verdict(false, null, [`${p.repo} to sync again: the branch conflicts with main in ${p.conflicts.join(", ")}`]);
  const waivers = p.waivers ?? [];
  if (p.updates.length === 0 && waivers.length === 0) return verdict(true, p.base ? "base_merged" : "acknowledgement", []);

  const waiting: string[] = [];
  let byGrace = false;
  let importers = 0;
  let approved = false;
  const approvals = new Set((ctx.approvals ?? p.approvals).map((a) => a.toLowerCase()));
  const stale = (p.stale_approvals ?? []).filter((a) => !approvals.has(a));
  const staleNote = stale.length ? ` (stale: ${stale.join(", ")} approved before the branch changed, so approve again)` : "";
  for (const w of waivers) {
    const gov = governanceFor(ctx.model, w.domain);
    if (!gov.require_approval) continue;
    if (gov.approvers.some((a) => approvals.has(a))) approved = true;
    else waiting.push(`an approval of the waiver of ${w.rule} at ${w.pointer || "(root)"} in ${w.contract} by a realm approver (${gov.approvers.join(", ") || "none listed in realm.yaml"})${staleNote}`);
  }
  for (const u of p.updates) {
    const gov = governanceFor(ctx.model, u.domain);
    const d = ctx.model.domains.get(u.domain);
    const missing = [...(d?.bindings.values() ?? [])]
      .filter((b) => b.repo !== p.repo && b.imports.some((i) => i.contract === u.contract))
      .map((b) => b.repo)
      .filter((r) => (importers++, !acknowledged(ctx.model, ctx.pending, u.domain, u.contract, r, u.version)));
    if (missing.length > 0) {
      const graceEnds = new Date(Date.parse(p.synced_at) + gov.grace_period_days * DAY_MS);
      if (u.compatible && ctx.now >= graceEnds) byGrace = true;
      else {
        const grace = u.compatible ? ` (or the grace period, until ${graceEnds.toISOString().slice(0, 10)})` : "";
        waiting.push(`${missing.join(", ")} to acknowledge ${u.contract} ${u.version}${grace}`);
      }
    }
    if (!u.compatible && gov.require_approval) {
      const ok = gov.approvers.some((a) => approvals.has(a));
      if (ok) approved = true;
      else waiting.push(`an approval of the breaking change to ${u.contract} by a realm approver (${gov.approvers.join(", ") || "none listed in realm.yaml"})${staleNote}`);
    }
  }
  if (waiting.length > 0) return verdict(false, null, waiting);
  return verdict(true, byGrace ? "grace_period" : approved ? "approved" : importers === 0 ? "no_importers" : "acknowledged", []);
}
