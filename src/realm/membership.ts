// Plans for a repo joining or leaving a realm: pure functions from the realm model to the files to write.
import { Refused } from "../errors.ts";
import type { RealmModel } from "./load.ts";
import type { RealmFile, RepoFile } from "./schema.ts";

export function newRealmFile(name: string, now: Date, approvers: string[]): RealmFile {
  return {
    name,
    version: "1.0.0",
    created_at: iso(now),
    governance: {
      admission: "approval",
      approvers,
      breaking_changes: { require_approval: true, grace_period_days: 14 },
    },
    trust: {
      mode: "collaborative",
      require_signed_commits: false,
      permissions: {
        "repos/{repo}.yaml": ["repo_maintainers"],
        "domains/{domain}/domain.yaml": ["domain_owners"],
        "domains/{domain}/contracts/{name}.yaml": ["contract_owner"],
        "domains/{domain}/waivers/{name}.yaml": ["contract_owner"],
        "domains/{domain}/bindings/{repo}.yaml": ["repo_maintainers"],
      },
    },
  };
}

export type Participation = { domain: string; role: "provider" | "consumer" | "member"; contracts: string[] };

export type JoinPlan = {
  repo: RepoFile;
  file: string;
  /** Domains that named this repo before it joined, with what its bindings there say. */
  participation: Participation[];
};

export function planJoin(
  model: RealmModel,
  input: { repo: string; path?: string; url?: string; maintainers: string[]; now: Date },
): JoinPlan {
  if (model.repos.has(input.repo)) {
    throw new Refused(`'${input.repo}' has already joined realm '${model.realm?.name}'`, "Use --repo <name> to join under another name, or 'blue realm admin leave' first.");
  }
  const repo: RepoFile = {
    name: input.repo,
    ...(input.path ? { path: input.path } : {}),
    ...(input.url ? { url: input.url } : {}),
    maintainers: input.maintainers,
    joined_at: iso(input.now),
  };
  return { repo, file: `repos/${input.repo}.yaml`, participation: participationOf(model, input.repo) };
}

export function participationOf(model: RealmModel, repo: string): Participation[] {
  const out: Participation[] = [];
  for (const [name, d] of model.domains) {
    if (!d.file.members.includes(repo)) continue;
    const b = d.bindings.get(repo);
    if (!b) out.push({ domain: name, role: "member", contracts: [] });
    else if (b.role === "provider") out.push({ domain: name, role: "provider", contracts: b.exports.map((e) => e.contract) });
    else out.push({ domain: name, role: "consumer", contracts: b.imports.map((i) => i.contract) });
  }
  return out;
}

export type LeavePlan = {
  repo: string;
  deleteFiles: string[];
  /** Domains whose member list loses this repo. */
  editDomains: string[];
  /** Domains left with no member at all, removed whole. */
  deleteDomains: string[];
  /** Contracts this repo owned that nobody imported; they go with it. */
  deleteContracts: { domain: string; contract: string }[];
};

export function planLeave(model: RealmModel, repo: string): LeavePlan {
  if (!model.repos.has(repo)) {
    throw new Refused(`'${repo}' is not a member of realm '${model.realm?.name}'`, "See the realm's repos with 'blue realm admin domain list', or pass the repo's name with --repo.");
  }
  const blocking: string[] = [];
  const plan: LeavePlan = { repo, deleteFiles: [`repos/${repo}.yaml`], editDomains: [], deleteDomains: [], deleteContracts: [] };
  for (const [dname, d] of model.domains) {
    for (const [cname, c] of d.contracts) {
      if (c.owner !== repo) continue;
      const importers = [...d.bindings.values()].filter((b) => b.imports.some((i) => i.contract === cname)).map((b) => b.repo);
      if (importers.length > 0) blocking.push(`${cname} (domain ${dname}) imported by ${importers.join(", ")}`);
      else plan.deleteContracts.push({ domain: dname, contract: cname });
    }
    if (!d.file.members.includes(repo)) continue;
    if (d.file.members.every((m) => m === repo)) {
      plan.deleteDomains.push(dname);
      continue;
    }
    plan.editDomains.push(dname);
    if (d.bindings.has(repo)) plan.deleteFiles.push(`domains/${dname}/bindings/${repo}.yaml`);
  }
  if (blocking.length > 0) {
    throw new Refused(
      `'${repo}' still owns contracts that other repos import: ${blocking.join("; ")}`,
      "Transfer ownership of those contracts (their owner: field and the bindings, edited in the realm repo and pushed), or have their importers remove the imports, then leave.",
    );
  }
  for (const { domain, contract } of plan.deleteContracts) {
    if (!plan.deleteDomains.includes(domain)) plan.deleteFiles.push(`domains/${domain}/contracts/${contract}.yaml`);
  }
  return plan;
}

export function iso(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, "Z");
}
