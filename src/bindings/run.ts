// Carries out `blue realm export` and `blue realm import`: check what was asked against this repo first, then
// change this repo's binding in the realm as one transaction (a pull request where main is protected). An
// export's command is pinned in the repo's committed .blue/config.yaml too: the realm's copy of it runs only
// while identical to the pin (docs/security.md).
import { join } from "node:path";
import { Refused } from "../errors.ts";
import { changeRealm } from "../git/realm-repo.ts";
import { confinedPath, extractExport, readSchemaFile } from "../check/extract.ts";
import { validateValue } from "../check/validate.ts";
import { loadValidRealm } from "../realm/load.ts";
import type { Member } from "../realm/member.ts";
import type { ContractFile, TrustedCommand } from "../realm/schema.ts";
import { extractUse } from "../trust/consent.ts";
import { pinCommands } from "../trust/review.ts";
import { editYamlFile } from "../yaml/source.ts";
import { planExport, planImport, type ExportInput, type ExportPlan, type ImportInput, type ImportPlan } from "./plan.ts";

export type BindingChange = { clone: string; member: Member; propose?: (branch: string, message: string) => Promise<void>; dryRun?: boolean };

export type ExportResult = ExportPlan & { value_checked: boolean; pinned: TrustedCommand | null };

/** The files the new export names must be in the repo, and what it reads must satisfy the schema it publishes. */
async function checkInRepo(root: string, plan: ExportPlan, contract: ContractFile): Promise<boolean> {
  const how = plan.after.extract;
  if (how && "file" in how) confinedPath(root, how.file, "extract file");
  if (how && "command" in how) {
    const program = (typeof how.command === "string" ? [how.command] : how.command)[0]!;
    if (program.includes("/")) confinedPath(root, program, "extract command");
  }
  for (const f of plan.after.source_files) confinedPath(root, f, "source file");
  const schema = plan.after.schema_file ? readSchemaFile(root, plan.after.schema_file) : contract.schema;
  if (!how) return false;
  // The person typing the command is its consent: it is run once here, as sync will run it.
  const read = await extractExport(root, plan.after, { gate: () => undefined });
  if (!read) return false;
  const outcome = validateValue(schema, read.value);
  if (outcome.schemaError) throw new Refused(`${plan.after.schema_file ?? `${plan.contract}'s schema`} does not compile: ${outcome.schemaError}`, "Fix the schema so that it is a valid JSON Schema; nothing was changed.");
  if (outcome.errors.length) {
    const first = outcome.errors.slice(0, 3).map((e) => `${e.instancePath || "/"} ${e.message ?? "is invalid"}`).join("; ");
    throw new Refused(`the value this export reads is invalid under ${plan.after.schema_file ?? `${plan.contract}'s schema`}: ${first}`, "Fix the code or the schema; nothing was changed.");
  }
  return true;
}

export async function runExport(o: BindingChange, input: ExportInput): Promise<ExportResult> {
  const { member, clone } = o;
  const realm = member.config.realm.name;
  const repo = member.config.repo;
  // Checked against the realm as the clone has it, before anything is written; the transaction checks again.
  const { model } = loadValidRealm(clone, realm);
  const first = planExport(model, repo, input);
  const value_checked = await checkInRepo(member.root, first, model.domains.get(first.domain)!.contracts.get(first.contract)!);
  const use = extractUse(first.domain, repo, first.after);
  const pin = use ? { file: use.file, field: use.field, argv: use.argv } : null;
  if (o.dryRun || first.changes.length === 0) {
    if (pin && !o.dryRun) pinCommands(member.configPath, [pin]);
    return { ...first, value_checked, pinned: pin };
  }
  const plan = await changeRealm(clone, {
    propose: o.propose,
    apply: () => {
      const p = planExport(loadValidRealm(clone, realm).model, repo, input);
      editYamlFile(join(clone, p.file), (doc) => {
        if (p.after.extract) doc.setIn(["exports", p.index, "extract"], p.after.extract);
        if (p.after.schema_file !== undefined) doc.setIn(["exports", p.index, "schema_file"], p.after.schema_file);
        if (p.after.source_files.length || doc.hasIn(["exports", p.index, "source_files"])) doc.setIn(["exports", p.index, "source_files"], p.after.source_files);
      });
      return p;
    },
    message: (p) => `blue: ${repo} exports ${p.contract}: ${p.changes.join("; ")}`,
  });
  if (pin) pinCommands(member.configPath, [pin]);
  return { ...plan, value_checked, pinned: pin };
}

export async function runImport(o: BindingChange, input: ImportInput): Promise<ImportPlan> {
  const { member, clone } = o;
  const realm = member.config.realm.name;
  const repo = member.config.repo;
  const first = planImport(loadValidRealm(clone, realm).model, repo, input);
  if (o.dryRun || first.from === first.to) return first;
  return changeRealm(clone, {
    propose: o.propose,
    apply: () => {
      const p = planImport(loadValidRealm(clone, realm).model, repo, input);
      editYamlFile(join(clone, p.file), (doc) => doc.setIn(["imports", p.index, "version"], p.to));
      return p;
    },
    message: (p) => `blue: ${repo} imports ${p.contract} ${p.to} (was ${p.from})`,
  });
}
