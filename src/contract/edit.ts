// `blue realm contract edit` (DESIGN.md §4: for the rare case; the provider's code is the source of truth and
// `blue realm sync` the usual way): the checks a contract file edited by hand must pass before blue saves it.
// The realm must still load; the contract keeps its name and owner; its schema compiles and its value satisfies
// it; a changed schema or value comes with a new version whose bump covers the change, as `check
// --mode=compatibility` judges it. A breaking change is refused here: it goes through `blue realm sync`, whose
// branch waits for the importers (and an approver, when the realm asks for one).
import semver from "semver";
import type { Problem } from "../errors.ts";
import { checkCompatibility, checkContract, type Finding } from "../check/findings.ts";
import type { Bump } from "../compat/index.ts";
import { loadRealm } from "../realm/load.ts";
import type { ContractFile } from "../realm/schema.ts";

export type EditVerdict =
  | { ok: false; problems: Problem[] }
  | { ok: true; contract: ContractFile; bump: Bump; result: string; warnings: Problem[] };

/** Judge the realm at `clone`, whose file for `before` (the contract as it was) now holds the edit. */
export function judgeEdit(clone: string, domain: string, before: ContractFile): EditVerdict {
  const file = `domains/${domain}/contracts/${before.name}.yaml`;
  const load = loadRealm(clone);
  const errors = load.problems.filter((p) => p.severity === "error");
  if (errors.length > 0) return { ok: false, problems: errors };
  const at = (path: (string | number)[]) => load.locate(file, path) ?? { line: 1, col: 1 };
  const refuse = (path: (string | number)[], field: string, message: string): EditVerdict => ({
    ok: false,
    problems: [{ file, ...at(path), field, message, severity: "error" }],
  });
  const after = load.model.domains.get(domain)?.contracts.get(before.name);
  if (!after) return refuse(["name"], "name", `must stay '${before.name}': a contract is not renamed by an edit`);
  if (after.owner !== before.owner) return refuse(["owner"], "owner", `must stay '${before.owner}': ownership does not change by an edit`);
  if (semver.lt(after.version, before.version)) return refuse(["version"], "version", `${after.version} comes before the published ${before.version}`);

  const findings: Finding[] = checkContract(domain, after, load.locate);
  const changed = JSON.stringify([before.schema, before.value]) !== JSON.stringify([after.schema, after.value]);
  let bump: Bump = "none";
  let result = "schema and value unchanged";
  if (changed || after.version !== before.version) {
    const compat = checkCompatibility(domain, after, before, after, load.locate);
    findings.push(...compat.findings);
    bump = compat.declared;
    result = compat.result;
    const viaSync = `make it with 'blue realm sync' from ${before.owner}'s code, so that importers acknowledge it`;
    if (compat.required === "major") return refuse(["version"], "version", `${before.version} → ${after.version} is a breaking change; ${viaSync}`);
    if (compat.declared === "major") return refuse(["version"], "version", `${before.version} → ${after.version} is a major version; ${viaSync}`);
  }
  const problems: Problem[] = findings
    .filter((f) => f.severity === "error")
    .map((f) => ({ file: f.file ?? file, line: f.line ?? 1, col: f.col ?? 1, field: f.pointer ?? "", message: f.message, severity: "error" as const }));
  // Warnings in the edited file (an unknown field is most often a misspelt one) are shown, as the loader shows them.
  const warnings = load.problems.filter((p) => p.severity === "warning" && p.file === file);
  return problems.length > 0 ? { ok: false, problems } : { ok: true, contract: after, bump, result, warnings };
}
