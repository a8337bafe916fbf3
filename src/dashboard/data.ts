// What each dashboard page shows, as data: built from the realm model, the open sync branches and what the
// daemon holds (sessions, notifications). Pure; the routes read, these shape, the pages render.
import semver from "semver";
import type { RealmModel } from "../realm/load.ts";
import type { ContractFile } from "../realm/schema.ts";
import { rangeSatisfied } from "../realm/view.ts";
import type { PendingSync } from "../sync/pending.ts";

export type ContractRef = { domain: string; name: string; version: string; owner: string };

/** One proposed version of a contract on an open sync branch, with the acknowledgements already proposed for it. */
export type PendingChange = {
  branch: string;
  repo: string;
  domain: string;
  contract: string;
  version: string;
  compatible: boolean;
  changes: string[];
  /** Importers whose own open branch acknowledges this version. */
  acked_by: string[];
  conflicts: string[];
};

export function contractsOf(model: RealmModel): ContractRef[] {
  return [...model.domains.values()]
    .flatMap((d) => [...d.contracts.values()].map((c) => ({ domain: d.name, name: c.name, version: c.version, owner: c.owner })))
    .sort((a, b) => a.domain.localeCompare(b.domain) || a.name.localeCompare(b.name));
}

export function pendingChanges(pending: readonly PendingSync[]): PendingChange[] {
  const live = pending.filter((p) => !p.obsolete);
  return live.flatMap((p) =>
    p.updates.map((u) => ({
      branch: p.branch,
      repo: p.repo,
      domain: u.domain,
      contract: u.contract,
      version: u.version,
      compatible: u.compatible,
      changes: u.changes,
      acked_by: live.flatMap((q) => q.acks.filter((a) => a.domain === u.domain && a.contract === u.contract && a.resolved_version === u.version).map((a) => a.repo)),
      conflicts: p.conflicts,
    })),
  );
}

export type Importer = {
  repo: string;
  range: string;
  /** The version its binding resolved, null when it never acknowledged one. */
  resolved: string | null;
  /** Whether its range admits the contract's newest version. */
  admits_current: boolean;
};

export type ContractPage = {
  domain: string;
  contract: ContractFile;
  importers: Importer[];
  /** Newest first. */
  evolution: ContractFile["evolution"];
  pending: PendingChange[];
};

export function contractPage(model: RealmModel, pending: readonly PendingSync[], domain: string, name: string): ContractPage | undefined {
  const d = model.domains.get(domain);
  const c = d?.contracts.get(name);
  if (!d || !c) return undefined;
  const importers = [...d.bindings.values()]
    .flatMap((b) => b.imports.filter((i) => i.contract === name).map((i) => ({ repo: b.repo, range: i.version, resolved: i.resolved_version ?? null, admits_current: rangeSatisfied(c.version, i.version) })))
    .sort((a, b) => a.repo.localeCompare(b.repo));
  const evolution = [...c.evolution].sort((a, b) => (semver.valid(a.version) && semver.valid(b.version) ? semver.rcompare(a.version, b.version) : 0));
  return { domain, contract: c, importers, evolution, pending: pendingChanges(pending).filter((p) => p.domain === domain && p.contract === name) };
}

export type RepoLinks = {
  name: string;
  maintainers: string[];
  url: string | null;
  joined: boolean;
  domains: string[];
  exports: ContractRef[];
  imports: (ContractRef & { range: string; resolved: string | null; admits_current: boolean })[];
};

export function repoLinks(model: RealmModel, repo: string): RepoLinks | undefined {
  const file = model.repos.get(repo);
  if (!file && !model.pending.includes(repo)) return undefined;
  const domains = [...model.domains.values()].filter((d) => d.file.members.includes(repo));
  const exports = domains.flatMap((d) => [...d.contracts.values()].filter((c) => c.owner === repo).map((c) => ({ domain: d.name, name: c.name, version: c.version, owner: c.owner })));
  const imports = domains.flatMap((d) =>
    (d.bindings.get(repo)?.imports ?? []).flatMap((i) => {
      const c = d.contracts.get(i.contract);
      return c ? [{ domain: d.name, name: c.name, version: c.version, owner: c.owner, range: i.version, resolved: i.resolved_version ?? null, admits_current: rangeSatisfied(c.version, i.version) }] : [];
    }),
  );
  return { name: repo, maintainers: file?.maintainers ?? [], url: file?.url ?? null, joined: file !== undefined, domains: domains.map((d) => d.name), exports, imports };
}
