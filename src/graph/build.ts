// The graph model from a loaded realm and its pending-change state (open sync branches, notifications), then
// narrowed by the filter. Pure: gather.ts does the reading.
import semver from "semver";
import { UnknownName, UsageError } from "../errors.ts";
import type { RealmModel } from "../realm/load.ts";
import { normalizeRange } from "../realm/schema.ts";
import type { PendingSync } from "../sync/pending.ts";
import type { EdgeFlags, GraphContract, GraphEdge, GraphFilter, GraphModel, GraphRepo, PendingSyncRef } from "./model.ts";

export type GraphInput = {
  realm: string;
  /** The realm's main commit, when known. */
  commit?: string | null;
  model: RealmModel;
  /** The realm's open sync branches (sync/run.ts readPending). */
  pending: readonly PendingSync[];
  /** Each branch's PR, where the sync host was asked (branch → ref, url). */
  prs?: ReadonlyMap<string, { ref: string; url: string | null }>;
  /** Notifications a daemon holds that their repo has not acknowledged (the dashboard passes them); the realm
   *  alone already says which published or proposed versions an importer has not resolved. */
  notifications?: readonly { repo: string; domain: string; contract: string; version: string | null }[];
};

const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const gte = (a: string, b: string) => semver.valid(a) !== null && semver.valid(b) !== null && semver.gte(a, b);

function satisfies(version: string, range: string): boolean {
  try {
    return semver.satisfies(version, normalizeRange(range));
  } catch {
    return false;
  }
}

export function buildGraph(input: GraphInput, filter: GraphFilter = {}): GraphModel {
  const { model } = input;
  const live = input.pending.filter((p) => !p.obsolete);
  const ref = (branch: string): PendingSyncRef => {
    const pr = input.prs?.get(branch);
    return { branch, pr: pr?.ref ?? null, url: pr?.url ?? null };
  };

  const repoNames = new Set<string>(model.repos.keys());
  const domains: GraphModel["domains"] = [];
  const contracts: GraphContract[] = [];
  const edges: GraphEdge[] = [];
  for (const [dname, d] of model.domains) {
    domains.push({ name: dname, members: [...d.file.members].sort(byName) });
    for (const m of d.file.members) repoNames.add(m);
    for (const [cname, c] of d.contracts) {
      const id = `${dname}/${cname}`;
      repoNames.add(c.owner);
      const proposals = live.flatMap((p) => p.updates.filter((u) => u.domain === dname && u.contract === cname && gte(u.version, c.version) && u.version !== c.version).map((u) => ({ p, u })));
      const proposed = proposals.map((x) => x.u.version).sort(semver.compare).at(-1) ?? null;
      const newest = proposed ?? c.version;
      const breaking = proposals.some((x) => !x.u.compatible);
      const versions = [...new Set([...c.evolution.map((e) => e.version), c.version].filter((v) => semver.valid(v)))].sort(semver.compare);
      contracts.push({ id, domain: dname, name: cname, version: c.version, owner: c.owner, versions, proposed_version: proposed });
      const exportSync = proposals.find((x) => x.p.repo === c.owner) ?? proposals[0];
      edges.push({
        kind: "export",
        repo: c.owner,
        contract: id,
        domain: dname,
        range: null,
        resolved_version: null,
        flags: { range_excludes_newest: false, pending_sync: exportSync ? ref(exportSync.p.branch) : null, breaking_in_flight: breaking, unacknowledged: false },
      });
      for (const b of d.bindings.values()) {
        for (const imp of b.imports.filter((i) => i.contract === cname)) {
          repoNames.add(b.repo);
          const ownAcks = live.filter((p) => p.repo === b.repo && p.acks.some((a) => a.domain === dname && a.contract === cname && a.repo === b.repo));
          const acked = (v: string) =>
            (imp.resolved_version !== undefined && gte(imp.resolved_version, v)) ||
            ownAcks.some((p) => p.acks.some((a) => a.domain === dname && a.contract === cname && a.repo === b.repo && gte(a.resolved_version, v)));
          // Owed: a proposed version to every importer; a published one to an importer that resolved an older one
          // (one never resolved says "not resolved yet" in status instead: sync/notify.ts unresolvedNotices).
          const owed = proposed !== null ? !acked(proposed) : imp.resolved_version !== undefined && !acked(c.version);
          const notified = (input.notifications ?? []).some((n) => n.repo === b.repo && n.domain === dname && n.contract === cname && (n.version === null || !acked(n.version)));
          const flags: EdgeFlags = {
            range_excludes_newest: !satisfies(newest, imp.version),
            pending_sync: ownAcks[0] ? ref(ownAcks[0].branch) : null,
            breaking_in_flight: breaking,
            unacknowledged: owed || notified,
          };
          edges.push({ kind: "import", repo: b.repo, contract: id, domain: dname, range: imp.version, resolved_version: imp.resolved_version ?? null, flags });
        }
      }
    }
  }

  const repos: GraphRepo[] = [...repoNames].sort(byName).map((name) => {
    const r = model.repos.get(name);
    return { name, maintainers: r ? [...r.maintainers] : [], url: r?.url ?? null, joined: r !== undefined };
  });
  const full: GraphModel = {
    realm: input.realm,
    commit: input.commit ?? null,
    filter: {},
    domains: domains.sort((a, b) => byName(a.name, b.name)),
    repos,
    contracts: contracts.sort((a, b) => byName(a.id, b.id)),
    edges: edges.sort((a, b) => byName(a.contract, b.contract) || byName(a.kind, b.kind) || byName(a.repo, b.repo)),
  };
  return applyFilter(full, filter);
}

/** The part of the graph a filter asks for; a name not in the realm is a usage error naming the closest one. */
export function applyFilter(g: GraphModel, filter: GraphFilter): GraphModel {
  let contracts = g.contracts;
  let keepRepos: Set<string> | undefined;
  if (filter.domain !== undefined) {
    const domain = filter.domain;
    if (!g.domains.some((d) => d.name === domain)) throw unknown("domain", domain, g.domains.map((d) => d.name));
    contracts = contracts.filter((c) => c.domain === domain);
    keepRepos = new Set(g.domains.find((d) => d.name === domain)!.members);
  }
  if (filter.contract !== undefined) {
    const wanted = filter.contract;
    const matches = g.contracts.filter((c) => c.id === wanted || c.name === wanted);
    if (matches.length === 0) throw unknown("contract", wanted, [...new Set(g.contracts.flatMap((c) => [c.name, c.id]))]);
    if (matches.length > 1 && !matches.some((c) => c.id === wanted)) {
      throw new UsageError(`contract '${wanted}' is in several domains: ${matches.map((c) => c.id).join(", ")}`, `Name one as domain/contract, e.g. --contract ${matches[0]!.id}`);
    }
    const ids = new Set(matches.filter((c) => matches.length === 1 || c.id === wanted).map((c) => c.id));
    contracts = contracts.filter((c) => ids.has(c.id));
    keepRepos = undefined;
  }
  if (filter.repo !== undefined) {
    const repo = filter.repo;
    if (!g.repos.some((r) => r.name === repo)) throw unknown("repo", repo, g.repos.map((r) => r.name));
    const touched = new Set(g.edges.filter((e) => e.repo === repo).map((e) => e.contract));
    contracts = contracts.filter((c) => touched.has(c.id));
    keepRepos = new Set([repo]);
  }
  if (filter.domain === undefined && filter.contract === undefined && filter.repo === undefined) return g;
  const ids = new Set(contracts.map((c) => c.id));
  // R's neighbours are its providers and its importers: of a contract R imports, the other importers are not.
  const exported = new Set(filter.repo === undefined ? [] : g.edges.filter((e) => e.kind === "export" && e.repo === filter.repo).map((e) => e.contract));
  const neighbour = (e: GraphEdge) => filter.repo === undefined || e.repo === filter.repo || e.kind === "export" || exported.has(e.contract);
  const edges = g.edges.filter((e) => ids.has(e.contract) && neighbour(e));
  const repoSet = new Set([...(keepRepos ?? []), ...edges.map((e) => e.repo)]);
  const domainSet = new Set([...contracts.map((c) => c.domain), ...(filter.domain !== undefined ? [filter.domain] : [])]);
  return {
    ...g,
    filter: { ...filter },
    domains: g.domains.filter((d) => domainSet.has(d.name)).map((d) => ({ ...d, members: d.members.filter((m) => repoSet.has(m)) })),
    repos: g.repos.filter((r) => repoSet.has(r.name)),
    contracts,
    edges,
  };
}

function unknown(kind: string, given: string, candidates: readonly string[]): UnknownName {
  return new UnknownName(`no ${kind} '${given}' in this realm`, `The realm's ${kind}s: ${[...candidates].sort(byName).slice(0, 10).join(", ") || "none"}`, given, candidates);
}
