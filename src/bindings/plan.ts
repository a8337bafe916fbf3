// `blue realm export` and `blue realm import`: a repo changes its own binding from the CLI, never by editing the
// realm clone. Pure: which binding file changes, and how, from the loaded realm and what the user asked for.
import semver from "semver";
import { Refused, UsageError } from "../errors.ts";
import type { RealmModel } from "../realm/load.ts";
import { normalizeRange, type ExportBinding } from "../realm/schema.ts";
import { showArgv } from "../trust/consent.ts";

export type ExtractSpec = { file: string; pointer: string } | { command: string[] };

export type ExportInput = { contract: string; domain?: string; extract?: ExtractSpec; schema_file?: string; source_files?: string[] };
export type ImportInput = { contract: string; domain?: string; range: string };

export type ExportPlan = {
  domain: string;
  contract: string;
  /** The binding file, relative to the realm. */
  file: string;
  index: number;
  before: ExportBinding;
  after: ExportBinding;
  /** One line per field that changes; empty when the binding already says this. */
  changes: string[];
};

export type ImportPlan = {
  domain: string;
  contract: string;
  file: string;
  index: number;
  from: string;
  to: string;
  /** The contract's published version, and whether the new range takes it. */
  latest: string;
  satisfied: boolean;
};

/** The domain holding `contract` (the one named, or the only one). */
function domainOf(model: RealmModel, contract: string, domain: string | undefined): string {
  const holding = [...model.domains].filter(([, d]) => d.contracts.has(contract)).map(([name]) => name);
  if (domain) {
    if (!holding.includes(domain)) throw new UsageError(`domain '${domain}' has no contract '${contract}'`, holding.length ? `It is in: ${holding.join(", ")}.` : "Run 'blue realm status' to see this repo's contracts.");
    return domain;
  }
  if (holding.length === 0) throw new UsageError(`no contract '${contract}' in this realm`, "Run 'blue realm status' to see this repo's contracts.");
  if (holding.length > 1) throw new UsageError(`contract '${contract}' is in more than one domain: ${holding.join(", ")}`, "Name the domain with --domain.");
  return holding[0]!;
}

export function planExport(model: RealmModel, repo: string, input: ExportInput): ExportPlan {
  const domain = domainOf(model, input.contract, input.domain);
  const d = model.domains.get(domain)!;
  const contract = d.contracts.get(input.contract)!;
  if (contract.owner !== repo) {
    throw new Refused(`${input.contract} is owned by ${contract.owner}; only its owner exports it`, `To read it, import it: 'blue realm import ${input.contract} --range <range>'.`);
  }
  const file = `domains/${domain}/bindings/${repo}.yaml`;
  const index = d.bindings.get(repo)?.exports.findIndex((e) => e.contract === input.contract) ?? -1;
  if (index < 0) throw new Refused(`${file} does not export ${input.contract}`, `The binding comes with the domain ('blue realm admin domain create'); ask a realm approver to repair ${file}.`);
  const before = d.bindings.get(repo)!.exports[index]!;
  const after: ExportBinding = {
    ...before,
    ...(input.extract ? { extract: input.extract } : {}),
    ...(input.schema_file !== undefined ? { schema_file: input.schema_file } : {}),
    ...(input.source_files !== undefined ? { source_files: input.source_files } : {}),
  };
  const show = (e: ExportBinding["extract"]) => (!e ? "(none)" : "file" in e ? `${e.file}${e.pointer ? `:${e.pointer}` : ""}` : showArgv(typeof e.command === "string" ? [e.command] : e.command));
  const changes: string[] = [];
  if (JSON.stringify(before.extract) !== JSON.stringify(after.extract)) changes.push(`extract: ${show(before.extract)} → ${show(after.extract)}`);
  if (before.schema_file !== after.schema_file) changes.push(`schema_file: ${before.schema_file ?? "(none)"} → ${after.schema_file}`);
  if (JSON.stringify(before.source_files) !== JSON.stringify(after.source_files)) changes.push(`source_files: [${before.source_files.join(", ")}] → [${after.source_files.join(", ")}]`);
  return { domain, contract: input.contract, file, index, before, after, changes };
}

export function planImport(model: RealmModel, repo: string, input: ImportInput): ImportPlan {
  if (semver.validRange(normalizeRange(input.range)) === null) {
    throw new UsageError(`'${input.range}' is not a semver range`, "Give a range like '>=1.0.0 <3.0.0' or '^2.0.0'.");
  }
  const domain = domainOf(model, input.contract, input.domain);
  const d = model.domains.get(domain)!;
  const contract = d.contracts.get(input.contract)!;
  const file = `domains/${domain}/bindings/${repo}.yaml`;
  if (contract.owner === repo) throw new Refused(`${repo} owns ${input.contract}: an owner exports it, it does not import it`, `Say how it is read from your code with 'blue realm export ${input.contract}'.`);
  const index = d.bindings.get(repo)?.imports.findIndex((i) => i.contract === input.contract) ?? -1;
  if (index < 0) throw new Refused(`${file} does not import ${input.contract}`, `A repo imports the contracts of the domains it is a member of ('blue realm admin domain create').`);
  const from = d.bindings.get(repo)!.imports[index]!.version;
  return { domain, contract: input.contract, file, index, from, to: input.range, latest: contract.version, satisfied: semver.satisfies(contract.version, normalizeRange(input.range)) };
}
