// A repo's view of its realm, as Zod-defined documents built from data (no I/O here): this repo's domains and
// roles, each contract's version and who imports it. `blue realm status` reports it (StatusDoc, with local
// changes, sessions and notifications); the daemon serves it (RepoView); check and sync word changes with it.
import semver from "semver";
import { z } from "zod";
import type { SchemaFinding, ValueChange } from "../compat/index.ts";
import type { RealmModel } from "./load.ts";
import { normalizeRange } from "./schema.ts";

/** An importer of a contract this repo owns, and the version its binding resolves. */
export const Acknowledgement = z.object({
  domain: z.string(),
  contract: z.string(),
  version: z.string(),
  repo: z.string(),
  resolved_version: z.string().nullable(),
  resolved_at: z.string().nullable(),
  /** It resolves the contract's current version. */
  current: z.boolean(),
});

export const StatusDoc = z.object({
  realm: z.string(),
  repo: z.string(),
  domains: z.array(
    z.object({
      name: z.string(),
      role: z.enum(["provider", "consumer", "member"]),
      contracts: z.array(
        z.object({
          name: z.string(),
          version: z.string(),
          owner: z.string(),
          /** For an import: the range, what it resolved to, and whether the latest version satisfies it. */
          import: z.object({ range: z.string(), resolved_version: z.string().nullable(), satisfied: z.boolean(), stale: z.boolean() }).optional(),
        }),
      ),
    }),
  ),
  local_changes: z.array(
    z.object({
      contract: z.string(),
      domain: z.string(),
      changes: z.array(z.object({ kind: z.enum(["added", "removed", "changed"]), pointer: z.string(), text: z.string() })),
      /** The export's schema_file against the contract's schema: the compatibility engine's findings. */
      schema_changes: z.array(z.object({ rule: z.string(), pointer: z.string(), breaking: z.boolean(), text: z.string() })),
      affected: z.array(z.object({ repo: z.string(), range: z.string() })),
    }),
  ),
  extract_errors: z.array(z.object({ contract: z.string(), message: z.string() })),
  /** The realm's sessions, with what tells them apart: the work tree, its branch, the process, since when. */
  sessions: z
    .array(
      z.object({
        repo: z.string(),
        you: z.boolean(),
        state: z.enum(["active", "idle"]),
        active_rfc: z.string().nullable(),
        repo_path: z.string().nullable(),
        branch: z.string().nullable(),
        pid: z.number().nullable(),
        client_id: z.string().nullable(),
        started_at: z.string(),
        last_activity: z.string(),
      }),
    )
    .nullable(),
  notifications: z
    .array(
      z.object({
        id: z.number(),
        /** The same on every machine: domain/contract@version (what `blue realm ack` takes). */
        key: z.string(),
        from_repo: z.string(),
        domain: z.string(),
        contract: z.string(),
        change_type: z.string(),
        version: z.string().nullable(),
        changes: z.array(z.string()),
        created_at: z.string(),
        import_range: z.string().nullable(),
        still_satisfied: z.boolean().nullable(),
      }),
    )
    .nullable(),
  /** Open sync branches (PRs) of this repo or waiting for it, and what each waits for. */
  syncs: z.array(z.object({ branch: z.string(), repo: z.string(), pr: z.string().nullable(), due: z.boolean(), waiting_for: z.array(z.string()) })),
  /** For the contracts this repo owns: where each importer stands (RFC "Provider Sees"). */
  acknowledgements: z.array(Acknowledgement),
  /** Commits the daemon fetched that changed files their authors may not change (none without a daemon). */
  ownership_warnings: z.array(z.object({ commit: z.string(), file: z.string(), author: z.string().nullable(), message: z.string(), seen_at: z.string() })),
  /** Forge state (issue 20): what the daemons following coordinated changes decided about this repo's PRs. */
  forge_notifications: z
    .array(z.object({ set_id: z.string(), repo: z.string(), kind: z.enum(["merge", "unblocked", "blocked", "cannot_merge", "stale_approval", "merge_failed"]), message: z.string(), decided_at: z.string(), decided_by: z.string() }))
    .default([]),
  /** Why sessions and notifications are missing, when the daemon could not be reached. */
  daemon_error: z.string().nullable(),
});
export type StatusDoc = z.infer<typeof StatusDoc>;

/** One change as status, sync (and the evolution it commits) and check word it: where it is, then what
 *  (`/read: + training-metrics/experiments/*`, `/write: 42 → 43`); an element of a list of scalars is under the
 *  list's pointer, the root is `/`. */
export function describeChange(c: ValueChange): string {
  const at = c.pointer || "/";
  if (c.kind === "added") return `${at}: + ${showValue(c.after)}`;
  if (c.kind === "removed") return `${at}: - ${showValue(c.before)}`;
  return `${at}: ${showValue(c.before)} → ${showValue(c.after)}`;
}

/** A string as it is (a path reads as the RFC shows it), unless it would read as another value or hide its
 *  edges: then quoted, so "1" and 1 differ. Anything else as JSON. */
function showValue(v: unknown): string {
  if (typeof v !== "string") return JSON.stringify(v) ?? String(v);
  const ambiguous = v === "" || v.trim() !== v || /^[[{"]/.test(v) || v === "true" || v === "false" || v === "null" || /^-?\d/.test(v) && Number.isFinite(Number(v));
  return ambiguous ? JSON.stringify(v) : v;
}

/** A schema change as status, check and sync word it (and the evolution keeps it). */
export function describeSchemaChange(f: SchemaFinding, breaking: boolean): string {
  return `schema ${f.pointer || "/"}: ${f.message}${breaking ? " (breaking)" : ""}`;
}

export function rangeSatisfied(version: string, range: string): boolean {
  return semver.satisfies(version, normalizeRange(range));
}

/** A range that keeps what `range` took and adds `version`'s major: what an importer is told to set with
 *  `blue realm import CONTRACT --range`. */
export function widenedRange(range: string, version: string): string {
  const min = semver.minVersion(normalizeRange(range));
  return `>=${min ? min.version : "0.0.0"} <${semver.major(version) + 1}.0.0`;
}

/** The command that widens an import to take `version`, as check, sync and status print it. */
export function widenCommand(contract: string, range: string, version: string): string {
  return `blue realm import ${contract} --range "${widenedRange(range, version)}"`;
}

/** Domains, roles and contracts of `repo`, with the state of each import. */
export function repoDomains(model: RealmModel, repo: string): StatusDoc["domains"] {
  const out: StatusDoc["domains"] = [];
  for (const [name, d] of model.domains) {
    if (!d.file.members.includes(repo)) continue;
    const b = d.bindings.get(repo);
    const role = b?.role ?? "member";
    const contracts: StatusDoc["domains"][number]["contracts"] = [];
    for (const c of d.contracts.values()) {
      const imp = b?.imports.find((i) => i.contract === c.name);
      if (b?.role === "provider" && c.owner !== repo) continue;
      if (b?.role === "consumer" && !imp) continue;
      contracts.push({
        name: c.name,
        version: c.version,
        owner: c.owner,
        ...(imp
          ? {
              import: {
                range: imp.version,
                resolved_version: imp.resolved_version ?? null,
                satisfied: rangeSatisfied(c.version, imp.version),
                stale: imp.resolved_version !== undefined && semver.lt(imp.resolved_version, c.version),
              },
            }
          : {}),
      });
    }
    out.push({ name, role, contracts });
  }
  return out;
}

/** The repos that import `contract` in `domain`, with their ranges. */
export function importersOf(model: RealmModel, domain: string, contract: string): { repo: string; range: string }[] {
  const d = model.domains.get(domain);
  if (!d) return [];
  return [...d.bindings.values()].flatMap((b) => b.imports.filter((i) => i.contract === contract).map((i) => ({ repo: b.repo, range: i.version })));
}

/** What a repo needs of its realm to report status: its domains, what it exports (to compare with its code)
 *  and who imports that. Built from the model by the daemon (cached per realm commit) or, without one, locally. */
export const RepoView = z.object({
  domains: StatusDoc.shape.domains,
  acknowledgements: z.array(Acknowledgement).default([]),
  exports: z.array(
    z.object({
      domain: z.string(),
      contract: z.string(),
      value: z.unknown(),
      /** The contract's schema and compatibility, to compare an export's schema_file with. */
      schema: z.record(z.string(), z.unknown()),
      compatibility: z.object({ backwards: z.boolean(), forwards: z.boolean() }),
      binding: z.record(z.string(), z.unknown()),
      importers: z.array(z.object({ repo: z.string(), range: z.string() })),
    }),
  ),
});
export type RepoView = z.infer<typeof RepoView>;

export function repoView(model: RealmModel, repo: string): RepoView {
  const exports: RepoView["exports"] = [];
  for (const [dname, d] of model.domains) {
    const b = d.bindings.get(repo);
    if (b?.role !== "provider") continue;
    for (const exp of b.exports) {
      const c = d.contracts.get(exp.contract);
      if (c) exports.push({ domain: dname, contract: c.name, value: c.value, schema: c.schema, compatibility: c.compatibility, binding: exp, importers: importersOf(model, dname, c.name) });
    }
  }
  return { domains: repoDomains(model, repo), exports, acknowledgements: acknowledgementsOf(model, repo) };
}

/** Where the importers of `repo`'s contracts stand: the version each binding resolves, against the current one. */
export function acknowledgementsOf(model: RealmModel, repo: string): z.infer<typeof Acknowledgement>[] {
  const out: z.infer<typeof Acknowledgement>[] = [];
  for (const [dname, d] of model.domains) {
    for (const c of d.contracts.values()) {
      if (c.owner !== repo) continue;
      for (const b of d.bindings.values()) {
        // An importer that never resolved the contract has acknowledged nothing yet: its status says so.
        for (const i of b.imports.filter((x) => x.contract === c.name && x.resolved_version)) {
          out.push({ domain: dname, contract: c.name, version: c.version, repo: b.repo, resolved_version: i.resolved_version ?? null, resolved_at: i.resolved_at ?? null, current: i.resolved_version === c.version });
        }
      }
    }
  }
  return out;
}
