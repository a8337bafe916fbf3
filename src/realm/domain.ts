// The plan for `blue realm admin domain create`: the domain, its contract skeletons and the bindings,
// refused when a name is taken or when the new edges would close a cycle between repos.
import { Refused, UsageError } from "../errors.ts";
import { cycleIfAdded, domainEdges, formatCycle } from "./graph.ts";
import { realmEdges, type RealmModel } from "./load.ts";
import { iso } from "./membership.ts";
import { isSafeName } from "./names.ts";
import type { BindingFile, ContractFile, DomainFile } from "./schema.ts";

export const SKELETON_VERSION = "1.0.0";
export const SKELETON_RANGE = ">=1.0.0 <2.0.0";

export type DomainPlan = {
  domain: DomainFile;
  contracts: ContractFile[];
  bindings: BindingFile[];
  /** Members that have not joined the realm yet. */
  pending: string[];
};

export type DomainInput = {
  name: string;
  repos: string[];
  contracts: string[];
  owner?: string;
  description?: string;
  now: Date;
};

export function planDomainCreate(model: RealmModel, input: DomainInput): DomainPlan {
  for (const n of [input.name, ...input.repos, ...input.contracts, ...(input.owner ? [input.owner] : [])]) {
    if (!isSafeName(n)) throw new UsageError(`'${n}' is not a valid name`, "Names use a-z, 0-9, '.', '_' and '-', and start with a letter or digit.");
  }
  if (new Set(input.repos).size !== input.repos.length) throw new UsageError("--repos lists a repo twice", "Name each repo once, like --repos aperture,fungal-image-analysis.");
  if (input.repos.length < 2) throw new UsageError("a domain connects at least two repos: --repos a,b", "Name the repos it connects, like --repos aperture,fungal-image-analysis.");
  if (new Set(input.contracts).size !== input.contracts.length) throw new UsageError("--contract lists a contract twice", "Name each contract once, like --contract s3-permissions,s3-quotas.");
  const owner = input.owner ?? input.repos[0]!;
  if (!input.repos.includes(owner)) throw new UsageError(`--owner ${owner} is not one of --repos ${input.repos.join(",")}`, "--owner names the repo of --repos that exports the contracts.");
  if (model.domains.has(input.name)) throw new Refused(`domain '${input.name}' already exists in realm '${model.realm?.name}'`, `See it with 'blue realm admin domain show ${input.name}', or choose another name.`);
  for (const c of input.contracts) {
    for (const [dname, d] of model.domains) {
      if (d.contracts.has(c)) throw new Refused(`contract '${c}' already exists in domain '${dname}'; contract names are unique in a realm`, "Choose another contract name.");
    }
  }

  const consumers = input.repos.filter((r) => r !== owner);
  const domain: DomainFile = {
    name: input.name,
    ...(input.description ? { description: input.description } : {}),
    created_at: iso(input.now),
    members: [owner, ...consumers],
  };
  const contracts: ContractFile[] = input.contracts.map((name) => ({
    name,
    version: SKELETON_VERSION,
    owner,
    compatibility: { backwards: true, forwards: false },
    schema: { type: "object" },
    value: {},
    evolution: [{ version: SKELETON_VERSION, changes: ["Initial skeleton"], compatible: true }],
  }));
  const bindings: BindingFile[] =
    input.contracts.length === 0
      ? []
      : [
          { repo: owner, role: "provider", exports: input.contracts.map((contract) => ({ contract, source_files: [] })), imports: [] },
          ...consumers.map((repo): BindingFile => ({
            repo,
            role: "consumer",
            exports: [],
            imports: input.contracts.map((contract) => ({ contract, version: SKELETON_RANGE, status: "pending" })),
          })),
        ];

  const added = domainEdges({
    name: input.name,
    members: domain.members,
    contracts: contracts.map((c) => ({ name: c.name, owner })),
    imports: bindings.flatMap((b) => b.imports.map((i) => ({ repo: b.repo, contract: i.contract }))),
  });
  const cycle = cycleIfAdded(realmEdges(model), added);
  if (cycle) {
    throw new Refused(
      `Adding this domain creates a cycle:\n  ${formatCycle(cycle)}`,
      "Consider:\n  - Merging domains into a single coordination context\n  - Restructuring the dependency direction\n  - Using a hub-and-spoke pattern",
    );
  }
  return { domain, contracts, bindings, pending: input.repos.filter((r) => !model.repos.has(r)) };
}
