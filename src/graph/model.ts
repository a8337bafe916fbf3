// The realm as a picture's model: repos, contracts, and the export and import edges between them, each edge
// flagged with the change state a reader should see (issue 21). The one format behind `blue realm graph
// --format json` and the dashboard; DOT, mermaid and SVG are rendered from it.
import { z } from "zod";

export const GraphRepo = z.object({
  name: z.string(),
  maintainers: z.array(z.string()),
  url: z.string().nullable(),
  /** Named as a domain member but not joined yet (no repos/{repo}.yaml). */
  joined: z.boolean(),
});

export const GraphContract = z.object({
  /** `domain/name`: contract names are unique within a domain only. */
  id: z.string(),
  domain: z.string(),
  name: z.string(),
  /** The version on the realm's main. */
  version: z.string(),
  owner: z.string(),
  /** Every version in its evolution, oldest first (the current one included). */
  versions: z.array(z.string()),
  /** A newer version proposed on an open sync branch, if any (the newest of them). */
  proposed_version: z.string().nullable(),
});

export const PendingSyncRef = z.object({
  branch: z.string(),
  /** The forge's PR for the branch (`#12`, or the branch itself on plain git), when it was looked up. */
  pr: z.string().nullable().optional(),
  url: z.string().nullable().optional(),
});

export const EdgeFlags = z.object({
  /** An import whose range does not take the contract's newest version (on main, or proposed). */
  range_excludes_newest: z.boolean(),
  /** An open sync branch touching this edge: the provider proposing a version (export), the importer acknowledging (import). */
  pending_sync: PendingSyncRef.nullable(),
  /** An incompatible version of the contract is proposed on an open sync branch. */
  breaking_in_flight: z.boolean(),
  /** The importer has not acknowledged the contract's newest version (resolved on main or on its own open branch). */
  unacknowledged: z.boolean(),
});

export const GraphEdge = z.object({
  kind: z.enum(["export", "import"]),
  /** The repo at the other end: the provider of an export, the importer of an import. */
  repo: z.string(),
  /** GraphContract.id */
  contract: z.string(),
  domain: z.string(),
  /** The import's semver range (null on an export). */
  range: z.string().nullable(),
  /** The version the import resolves on main (null on an export, or not resolved yet). */
  resolved_version: z.string().nullable(),
  flags: EdgeFlags,
});

export const GraphDomain = z.object({ name: z.string(), members: z.array(z.string()) });

export const GraphFilter = z.object({
  domain: z.string().optional(),
  /** The repo and its neighbours: the contracts it exports with their importers, those it imports with their owners. */
  repo: z.string().optional(),
  /** A contract name, or `domain/name` when the name is in several domains. */
  contract: z.string().optional(),
});

export const GraphModel = z.object({
  realm: z.string(),
  /** The realm's main commit the graph was read at, when known. */
  commit: z.string().nullable(),
  filter: GraphFilter,
  domains: z.array(GraphDomain),
  repos: z.array(GraphRepo),
  contracts: z.array(GraphContract),
  edges: z.array(GraphEdge),
});

export type GraphRepo = z.infer<typeof GraphRepo>;
export type GraphContract = z.infer<typeof GraphContract>;
export type PendingSyncRef = z.infer<typeof PendingSyncRef>;
export type EdgeFlags = z.infer<typeof EdgeFlags>;
export type GraphEdge = z.infer<typeof GraphEdge>;
export type GraphDomain = z.infer<typeof GraphDomain>;
export type GraphFilter = z.infer<typeof GraphFilter>;
export type GraphModel = z.infer<typeof GraphModel>;

/** The flagged edge kinds, in the order a legend lists them and a colour is chosen (first flag set wins the
 *  colour; every set flag adds its text mark, so an edge reads in monochrome too). */
export const FLAG_KINDS = ["breaking_in_flight", "range_excludes_newest", "unacknowledged", "pending_sync"] as const;
export type FlagKind = (typeof FLAG_KINDS)[number];

export function flagSet(flags: EdgeFlags, kind: FlagKind): boolean {
  return kind === "pending_sync" ? flags.pending_sync !== null : flags[kind];
}

/** Node ids shared by every renderer (and the dashboard's links): a repo and a contract never collide. */
export const repoNodeId = (name: string) => `repo:${name}`;
export const contractNodeId = (id: string) => `contract:${id}`;
