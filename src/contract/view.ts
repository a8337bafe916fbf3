// What `blue realm contract show` (and the MCP tool contract_get) reports about one contract: its current
// file, or the file as it was at an earlier version (read from the realm's git history), and the bindings
// that export or import it today.
import { z } from "zod";
import { UnknownName, UsageError } from "../errors.ts";
import { contractAtVersion } from "../git/history.ts";
import type { DomainModel, RealmModel } from "../realm/load.ts";
import { ensureRealmClone } from "../realm/clone.ts";
import { warnProblems } from "../ui/output.ts";
import type { Member } from "../realm/workspace.ts";
import { loadValidRealm } from "../realm/load.ts";
import { ContractFile } from "../realm/schema.ts";

export const ContractBinding = z.discriminatedUnion("role", [
  z.object({ repo: z.string(), role: z.literal("export") }),
  z.object({ repo: z.string(), role: z.literal("import"), range: z.string(), resolved_version: z.string().nullable() }),
]);

export const ContractView = z.object({
  realm: z.string(),
  domain: z.string(),
  name: z.string(),
  version: z.string(),
  /** The current version in the realm (differs from `version` when an older one was asked for). */
  latest_version: z.string(),
  owner: z.string(),
  description: z.string().nullable(),
  compatibility: z.object({ backwards: z.boolean(), forwards: z.boolean() }),
  schema: z.record(z.string(), z.unknown()),
  value: z.unknown(),
  evolution: z.array(z.object({ version: z.string(), changes: z.array(z.string()), compatible: z.boolean(), published_at: z.string().optional() })),
  /** Who exports and imports the contract now (bindings are not versioned with the contract). */
  bindings: z.array(ContractBinding),
});
export type ContractView = z.infer<typeof ContractView>;

/** The domain holding contract `name`, and the contract; an unknown contract is a UsageError (exit 64) that lists
 *  the realm's contracts. */
export function findContract(model: RealmModel, realm: string, name: string): { domain: DomainModel; contract: ContractFile } {
  const domain = [...model.domains.values()].find((d) => d.contracts.has(name));
  const contract = domain?.contracts.get(name);
  if (!domain || !contract) {
    const names = [...model.domains.values()].flatMap((d) => [...d.contracts.keys()]).sort();
    throw new UnknownName(`unknown contract '${name}' in realm '${realm}'`, names.length ? `Contracts: ${names.join(", ")}.` : "The realm has no contracts yet.", name, names);
  }
  return { domain, contract };
}

/**
 * The contract named `name` in the realm at `realmDir`, at `version` if given. An unknown contract or a
 * version the history does not hold is a UsageError (exit 64), like `check --contract`.
 */
export async function contractView(model: RealmModel, target: { realm: string; realmDir: string }, name: string, version?: string): Promise<ContractView> {
  const { domain: found, contract: current } = findContract(model, target.realm, name);
  let c: ContractFile = current;
  if (version !== undefined && version !== current.version) {
    const data = await contractAtVersion(target.realmDir, `domains/${found.name}/contracts/${name}.yaml`, version);
    const parsed = data ? ContractFile.safeParse(data) : undefined;
    if (!parsed?.success) {
      const known = current.evolution.map((e) => e.version);
      throw new UsageError(`no version ${version} of ${name} in the realm's history`, `Versions in its evolution: ${known.join(", ") || "none"}; the current one is ${current.version}.`);
    }
    c = parsed.data;
  }
  const bindings: ContractView["bindings"] = [];
  for (const b of [...found.bindings.values()].sort((x, y) => x.repo.localeCompare(y.repo))) {
    if (b.exports.some((e) => e.contract === name)) bindings.push({ repo: b.repo, role: "export" });
    for (const i of b.imports.filter((x) => x.contract === name)) {
      bindings.push({ repo: b.repo, role: "import", range: i.version, resolved_version: i.resolved_version ?? null });
    }
  }
  return {
    realm: target.realm,
    domain: found.name,
    name: c.name,
    version: c.version,
    latest_version: current.version,
    owner: c.owner,
    description: c.description ?? null,
    compatibility: c.compatibility,
    schema: c.schema,
    value: c.value,
    evolution: c.evolution,
    bindings,
  };
}

/** The contract as the member repo's realm clone has it (cloned first if this machine lacks it). */
export async function memberContractView(member: Member, name: string, version?: string): Promise<ContractView> {
  const realm = member.config.realm.name;
  const realmDir = await ensureRealmClone(member);
  const { model, warnings } = loadValidRealm(realmDir, realm);
  warnProblems(warnings);
  return contractView(model, { realm, realmDir }, name, version);
}
