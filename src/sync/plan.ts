// What `blue realm sync` will do, computed from data only (Plans before effects): the contract versions this
// repo's code asks for, the import bindings it can move forward (its acknowledgements), and the sync branches
// that carry them. The plan is what `--dry-run` prints and what the executor carries out.
import semver from "semver";
import { z } from "zod";
import type { RealmModel } from "../realm/load.ts";
import type { PendingSync } from "./pending.ts";
import type { Refusal } from "./publishable.ts";
import { iso } from "../realm/membership.ts";
import { rangeSatisfied, widenCommand } from "../realm/view.ts";
import { normalizeRange, type ContractFile } from "../realm/schema.ts";
import { ContractImpact, impactMarkdown } from "../impact/model.ts";
import type { Version } from "../impact/plan.ts";
import { BumpDemand, demandLines } from "./demands.ts";

export const ContractUpdate = z.object({
  domain: z.string(),
  contract: z.string(),
  file: z.string(),
  from: z.string(),
  to: z.string(),
  bump: z.enum(["patch", "minor", "major"]),
  compatible: z.boolean(),
  changes: z.array(z.string()),
  schema_changed: z.boolean(),
  importers: z.array(z.object({ repo: z.string(), range: z.string() })),
  /** Which importers the new version breaks (issue 19), from their ranges and the versions they resolved. */
  impact: ContractImpact.optional(),
  /** The findings that demand a major bump (not waived), with witnesses: shown before anything is published. */
  demands: z.array(BumpDemand),
  value: z.unknown(),
  schema: z.record(z.string(), z.unknown()),
});
export type ContractUpdate = z.infer<typeof ContractUpdate>;

export const Acknowledgement = z.object({
  domain: z.string(),
  contract: z.string(),
  file: z.string(),
  from: z.string().nullable(),
  to: z.string(),
  /** The provider's sync branch the version is on, when it has not merged yet. */
  via: z.string().nullable(),
});
export type Acknowledgement = z.infer<typeof Acknowledgement>;

export const BranchPlan = z.object({
  branch: z.string(),
  /** The commit-ish the branch starts from: origin/main, this repo's own open sync branch, or the provider's. */
  start: z.string(),
  /** An open sync branch of this repo that gets one more commit (its PR is updated, not opened again). */
  reuse: z.boolean(),
  /** That branch no longer merges into main: it is rebuilt from main under the same name (force-pushed). */
  rebuild: z.boolean(),
  base: z.object({ branch: z.string(), sha: z.string() }).nullable(),
  updates: z.array(ContractUpdate),
  acknowledgements: z.array(Acknowledgement),
  files: z.array(z.string()),
  pr: z.object({ title: z.string(), body: z.string(), labels: z.array(z.string()), reviewers: z.array(z.string()) }),
  notify: z.array(z.string()),
});
export type BranchPlan = z.infer<typeof BranchPlan>;

export type Extracted = {
  domain: string;
  contract: string;
  value: unknown;
  schema?: Record<string, unknown>;
  /** Where the value (its file and the pointer in it) and the schema_file were read: named when sync refuses them. */
  from?: { file: string; pointer: string; schema_file?: string };
};

export type PlanInput = {
  realm: string;
  repo: string;
  model: RealmModel;
  extracted: Extracted[];
  pending: PendingSync[];
  now: Date;
  /** Sync branch names already taken on the remote. */
  taken: Set<string>;
  /** Versions importers rely on, read from history by contract file (impact/run.ts reliedVersions); without it,
   *  an importer on an older version is judged "unknown". */
  versions?: ReadonlyMap<string, ReadonlyMap<string, Version>>;
  /** Providers' sync branches recorded closed without merging (sync/closed.ts): nothing is built on them. */
  closed?: ReadonlySet<string>;
};

function deepEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}
function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)).map(([k, x]) => [k, canonical(x)]));
  return v;
}

export function branchName(repo: string, now: Date, taken: Set<string>): string {
  const stamp = iso(now).replace(/[-:]/g, "").replace("T", "-").slice(0, 15);
  let name = `sync/${repo}/${stamp}`;
  for (let i = 2; taken.has(name); i++) name = `sync/${repo}/${stamp}-${i}`;
  taken.add(name);
  return name;
}

/** Forge reviewers are user names; maintainers written as e-mail addresses are named in the PR body instead. */
function reviewersFor(model: RealmModel, repos: Iterable<string>): string[] {
  const out = new Set<string>();
  for (const r of repos) for (const m of model.repos.get(r)?.maintainers ?? []) out.add(m);
  return [...out].sort();
}

/** What a sync's contracts ask for (sync/update.ts planUpdates; none when the code's values are the contract's). */
export type JudgedUpdates = { updates: ContractUpdate[]; refused: Refusal[] };

/** The plan from the contract updates already judged: this repo's branch for them, its acknowledgements, and what
 *  it proposed already. `refused`: versions sync must not publish (a value invalid under its schema, a schema that
 *  does not compile). */
export function planBranches(input: PlanInput, judged: JudgedUpdates): { branches: BranchPlan[]; unsatisfied: string[]; proposed: string[]; refused: Refusal[]; ignored: string[] } {
  const { model, repo, pending } = input;
  const updates = [...judged.updates];
  const refused = [...judged.refused];
  const proposed: string[] = [];
  const own = pending.find((p) => p.repo === repo && p.updates.length > 0 && p.base === null);
  // This repo already proposed exactly these values on its open branch: nothing new to push.
  if (own && own.conflicts.length === 0 && updates.length > 0 && updates.every((u) => own.contents.has(u.file) && sameProposal(own.contents.get(u.file), u))) {
    for (const u of updates) proposed.push(`${u.contract} ${u.to} (${own.branch})`);
    updates.length = 0;
  }

  const acks: Acknowledgement[] = [];
  const unsatisfied: string[] = [];
  const ignored: string[] = [];
  for (const [dname, d] of model.domains) {
    const b = d.bindings.get(repo);
    if (!b) continue;
    for (const imp of b.imports) {
      const c = d.contracts.get(imp.contract);
      if (!c) continue;
      const candidates: { version: string; via: PendingSync | null }[] = [{ version: c.version, via: null }];
      for (const p of pending) {
        if (p.repo === repo) continue;
        const u = p.updates.find((x) => x.domain === dname && x.contract === imp.contract);
        if (!u) continue;
        // Its PR was closed (a forge keeps the branch): an acknowledgement on it would only be removed again.
        if (input.closed?.has(p.branch)) {
          if (!imp.resolved_version || !semver.valid(u.version) || semver.gt(u.version, imp.resolved_version)) ignored.push(`${imp.contract} ${u.version} is not acknowledged: ${p.branch}, which proposed it, was closed without merging`);
          continue;
        }
        candidates.push({ version: u.version, via: p });
      }
      const newest = candidates.reduce((a, x) => (semver.gt(x.version, a.version) ? x : a));
      const best = candidates.filter((x) => rangeSatisfied(x.version, imp.version)).sort((a, x) => semver.rcompare(a.version, x.version))[0];
      if (!rangeSatisfied(newest.version, imp.version)) {
        unsatisfied.push(`${imp.contract} ${newest.version}${newest.via ? ` (proposed in ${newest.via.branch})` : ""} does not satisfy your import (${imp.version}): update your code, then widen the range with '${widenCommand(imp.contract, imp.version, newest.version)}'`);
      }
      if (!best || (imp.resolved_version && !semver.gt(best.version, imp.resolved_version))) continue;
      acks.push({ domain: dname, contract: imp.contract, file: `domains/${dname}/bindings/${repo}.yaml`, from: imp.resolved_version ?? null, to: best.version, via: best.via?.branch ?? null });
    }
  }

  const branches: BranchPlan[] = [];
  const onMain = acks.filter((a) => a.via === null);
  if (updates.length > 0 || onMain.length > 0) {
    const reuse = updates.length > 0 && own !== undefined;
    const rebuild = reuse && own!.conflicts.length > 0;
    branches.push(
      branchPlan(input, {
        branch: reuse ? own!.branch : branchName(repo, input.now, input.taken),
        start: reuse && !rebuild ? `origin/${own!.branch}` : "origin/main",
        reuse,
        rebuild,
        base: null,
        updates,
        acks: onMain,
      }),
    );
  }
  const byBranch = new Map<string, Acknowledgement[]>();
  for (const a of acks) if (a.via) byBranch.set(a.via, [...(byBranch.get(a.via) ?? []), a]);
  for (const [via, list] of byBranch) {
    const p = pending.find((x) => x.branch === via)!;
    branches.push(
      branchPlan(input, {
        branch: branchName(repo, input.now, input.taken),
        start: `origin/${via}`,
        reuse: false,
        rebuild: false,
        base: { branch: via, sha: p.sha },
        updates: [],
        acks: list,
      }),
    );
  }
  return { branches, unsatisfied, proposed, refused, ignored };
}

function sameProposal(onBranch: unknown, u: ContractUpdate): boolean {
  const f = onBranch as Partial<ContractFile> | undefined;
  return f?.version === u.to && deepEqual(f.value, u.value) && deepEqual(f.schema, u.schema);
}

function branchPlan(
  input: PlanInput,
  o: { branch: string; start: string; reuse: boolean; rebuild: boolean; base: BranchPlan["base"]; updates: ContractUpdate[]; acks: Acknowledgement[] },
): BranchPlan {
  const { repo, model } = input;
  const importers = new Set(o.updates.flatMap((u) => u.importers.map((i) => i.repo)));
  const breaking = o.updates.some((u) => !u.compatible);
  const title = o.updates.length
    ? `${repo}: ${o.updates.map((u) => `${u.contract} ${u.to}`).join(", ")}`
    : `${repo}: acknowledge ${o.acks.map((a) => `${a.contract} ${a.to}`).join(", ")}`;
  const files = [...new Set([...o.updates.map((u) => u.file), ...o.acks.map((a) => a.file)])].sort();
  return {
    ...o,
    acknowledgements: o.acks,
    files,
    pr: { title, body: prBody(input, o.updates, o.acks, o.base), labels: [breaking ? "breaking" : "compatible"], reviewers: reviewersFor(model, importers) },
    notify: [...importers].sort(),
  };
}

function prBody(input: PlanInput, updates: ContractUpdate[], acks: Acknowledgement[], base: BranchPlan["base"]): string {
  const out: string[] = [];
  if (updates.length) {
    out.push("| Contract | Version | Change |", "|---|---|---|");
    for (const u of updates) out.push(`| ${u.domain}/${u.contract} | ${u.from} → ${u.to} | ${u.compatible ? "compatible" : "BREAKING"} (${u.bump}) |`);
    for (const u of updates) {
      out.push("", `**${u.contract} ${u.to}**`, ...u.changes.map((c) => `- ${c}`));
      const why = demandLines(u.to, u.bump, u.demands);
      if (why.length) out.push("", "Why a major version:", "```", ...why, "```");
      if (u.importers.length) out.push("", `Importers: ${u.importers.map((i) => `${i.repo} (${i.range})`).join(", ")}`);
      if (u.impact) out.push(...impactMarkdown(u.impact));
    }
    const maintainers = [...new Set(updates.flatMap((u) => u.importers.flatMap((i) => input.model.repos.get(i.repo)?.maintainers ?? [])))];
    if (maintainers.length) out.push(`Maintainers asked to review: ${maintainers.join(", ")}`);
  }
  if (acks.length) {
    out.push("", `${input.repo} acknowledges:`, ...acks.map((a) => `- ${a.contract}: resolved_version ${a.from ?? "(none)"} → ${a.to}`));
    if (base) out.push("", `Builds on ${base.branch}; merges after it.`);
  }
  out.push("", "Opened by `blue realm sync`. It merges when the realm's governance allows; `blue realm status` shows what it waits for.");
  return out.join("\n");
}

