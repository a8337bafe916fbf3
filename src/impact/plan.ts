// Impact per consumer (issue 19): for a new version of a contract, which importers it breaks and which it does
// not. Each importer is judged from its binding: a range that admits the new version is its own declaration that
// it takes it; otherwise the version it relies on (the one it resolved, else the newest published one its range
// admits) is compared with the new one, in the directions the contract requires. Pure: the caller reads the
// versions from the realm's history (`versionsNeeded` says which).
import semver from "semver";
import { compareVersions, isBreaking } from "../compat/index.ts";
import { describeChange, describeSchemaChange, rangeSatisfied } from "../realm/view.ts";
import type { DomainModel } from "../realm/load.ts";
import type { ContractFile } from "../realm/schema.ts";
import { summarize, type ContractImpact, type ImporterImpact } from "./model.ts";

export { breaksAny, ContractImpact, ImporterImpact, ImpactReport, impactMarkdown, summarize } from "./model.ts";

export type Importer = { repo: string; range: string; resolved: string | null };
export type Version = { version: string; schema: unknown; value: unknown };

export type ImpactInput = {
  domain: string;
  /** The contract as published (its compatibility, evolution and current version). */
  contract: ContractFile;
  /** The new version: published, proposed, or what the owner's code gives. */
  next: Version;
  importers: readonly Importer[];
  /** Earlier versions as read from history, by version (the current one need not be here). */
  versions: ReadonlyMap<string, Version>;
};

/** The versions of the contract that are published: its evolution and its current version. */
function published(c: ContractFile): string[] {
  return [...new Set([...c.evolution.map((e) => e.version), c.version])].filter((v) => semver.valid(v));
}

/** The version an importer relies on, unless its range admits `next` (then none is needed). */
export function reliedOn(c: ContractFile, next: string, imp: Importer): string | null {
  if (rangeSatisfied(next, imp.range)) return null;
  if (imp.resolved) return imp.resolved;
  const inRange = published(c).filter((v) => v !== next && rangeSatisfied(v, imp.range));
  return inRange.sort(semver.rcompare)[0] ?? null;
}

/** The versions `planImpact` needs read from history (the current one excluded: the caller has it). */
export function versionsNeeded(c: ContractFile, next: string, importers: readonly Importer[]): string[] {
  return [...new Set(importers.map((i) => reliedOn(c, next, i)).filter((v): v is string => v !== null && v !== c.version && v !== next))];
}

/** Every version some importer may rely on, whatever the next version turns out to be (sync reads them before it
 *  knows the bump). */
export function versionsReliedOn(c: ContractFile, importers: readonly Importer[]): string[] {
  const newestIn = (range: string) => published(c).filter((v) => rangeSatisfied(v, range)).sort(semver.rcompare)[0];
  return [...new Set(importers.map((i) => i.resolved ?? newestIn(i.range)).filter((v): v is string => v !== undefined && v !== c.version))];
}

/** The importers of a contract as its domain's bindings say (the owner, which reads its own data, excluded). */
export function importersIn(d: DomainModel, c: ContractFile): Importer[] {
  return [...d.bindings.values()]
    .filter((b) => b.repo !== c.owner)
    .flatMap((b) => b.imports.filter((i) => i.contract === c.name).map((i) => ({ repo: b.repo, range: i.version, resolved: i.resolved_version ?? null })))
    .sort((a, b) => a.repo.localeCompare(b.repo));
}

export function planImpact(input: ImpactInput): ContractImpact {
  const { contract: c, next } = input;
  const lookup = (v: string): Version | undefined => (v === next.version ? next : v === c.version ? c : input.versions.get(v));
  const importers = input.importers.map((imp): ImporterImpact => {
    const base = { repo: imp.repo, range: imp.range, resolved: imp.resolved };
    const relied = reliedOn(c, next.version, imp);
    if (rangeSatisfied(next.version, imp.range)) return { ...base, compared_with: null, status: "unaffected", reason: `imports ${imp.range}`, changes: [] };
    const resolvedText = imp.resolved ? `, resolved ${imp.resolved}` : "";
    if (relied === null) return { ...base, compared_with: null, status: "unaffected", reason: `imports ${imp.range}, which no published version satisfies yet`, changes: [] };
    const old = lookup(relied);
    if (!old) return { ...base, compared_with: relied, status: "unknown", reason: `imports ${imp.range}${resolvedText}; ${relied} is not in the realm's history`, changes: [] };
    const cmp = compareVersions(old, next, c.compatibility);
    const changes = [...cmp.findings.filter((f) => isBreaking(f, c.compatibility)).map((f) => describeSchemaChange(f, true)), ...cmp.values.map(describeChange)];
    if (cmp.breaking) return { ...base, compared_with: relied, status: "breaks", reason: `imports ${imp.range}${imp.resolved ? resolvedText : `, relies on ${relied}`}`, changes };
    return { ...base, compared_with: relied, status: "unaffected", reason: `imports ${imp.range}${resolvedText}; ${next.version} is compatible with ${relied}`, changes };
  });
  return { domain: input.domain, contract: c.name, version: next.version, importers, summary: summarize(next.version, importers) };
}
