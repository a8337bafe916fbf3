// The contract versions a sync's code asks for (Plans before effects, pure): each export's value and schema
// compared with its contract by the compatibility engine, waivers applied, the bump and what demands it (with
// witnesses), whether the validator of record lets the value be published, and the impact on the importers.
// Loaded only when some export's value or schema differs from its contract (sync/run.ts): an in-sync run never
// loads the engine, ajv or the witness search.
import { fullJit } from "../system/jit.ts";
import semver from "semver";
import { compareVersions, isBreaking, type Bump, type Requirement, type SchemaFinding } from "../compat/index.ts";
import type { RealmModel } from "../realm/load.ts";
import { importersOf, describeChange, describeSchemaChange } from "../realm/view.ts";
import type { ContractFile } from "../realm/schema.ts";
import { importersIn, planImpact } from "../impact/plan.ts";
import { applyWaivers, type WaiverScope } from "../check/waivers.ts";
import { witnessesFor, type Witness } from "../check/witness.ts";
import { publishRefusal } from "./publishable.ts";
import type { BumpDemand } from "./demands.ts";
import { planBranches, type ContractUpdate, type Extracted, type JudgedUpdates, type PlanInput } from "./plan.ts";

type Version = { version: string; schema: unknown };

/** The findings that demand a major bump of `from` → `to` (waived ones excluded by the caller), with witnesses
 *  when `search` (ajv compiles both schemas for it: only the plan that is shown asks). */
export function bumpDemands(from: Version, to: Version, req: Requirement, findings: readonly SchemaFinding[], search: boolean): BumpDemand[] {
  const breaking = findings.filter((f) => isBreaking(f, req));
  if (breaking.length === 0) return [];
  const witnesses = search ? witnessesFor(from, to, req, breaking) : new Map<SchemaFinding, Witness>();
  return breaking.map((f) => {
    const witness = witnesses.get(f);
    return {
      rule: f.rule,
      pointer: f.pointer,
      message: f.message,
      breaks: (["backwards", "forwards"] as const).filter((d) => f[d] === "breaking"),
      ...(witness ? { witness } : {}),
    };
  });
}

const RANK: Record<Bump, number> = { none: 0, patch: 1, minor: 2, major: 3 };

/** The new contract version the repo's code asks for, or undefined when code and contract agree. A breaking
 *  change that a waiver in force matches (issue 19: approved on main, not expired at `waivers.now`) demands no
 *  major bump. `witnesses`: search a witness for each finding that demands a major bump (the plan shown does). */
export function planContractUpdate(domain: string, contract: ContractFile, next: Extracted, waivers?: WaiverScope, witnesses = false): ContractUpdate | undefined {
  const schema = next.schema ?? contract.schema;
  const compared = compareVersions({ schema: contract.schema, value: contract.value }, { schema, value: next.value }, contract.compatibility);
  const judged = waivers?.waivers.length
    ? applyWaivers(compared.findings, compared.values, contract.compatibility, { ...waivers, from: contract.version, to: semver.inc(contract.version, "patch")! })
    : undefined;
  const cmp = judged ? { ...compared, bump: judged.bump, breaking: judged.bump === "major" } : compared;
  if (cmp.bump === "none") return undefined;
  const changes = [
    ...cmp.values.map(describeChange),
    ...cmp.findings.map((f) => {
      const w = judged?.waived.get(f);
      return `${describeSchemaChange(f, isBreaking(f, contract.compatibility))}${w ? ` (waived until ${w.until}: ${w.reason})` : ""}`;
    }),
  ];
  const to = semver.inc(contract.version, cmp.bump)!;
  const demanding = cmp.findings.filter((f) => !judged?.waived.has(f));
  return {
    domain,
    contract: contract.name,
    file: `domains/${domain}/contracts/${contract.name}.yaml`,
    from: contract.version,
    to,
    bump: cmp.bump,
    compatible: !cmp.breaking,
    changes,
    schema_changed: JSON.stringify(schema) !== JSON.stringify(contract.schema),
    importers: [],
    demands: cmp.bump === "major" ? bumpDemands({ version: contract.version, schema: contract.schema }, { version: to, schema }, contract.compatibility, demanding, witnesses) : [],
    value: next.value,
    schema,
  };
}

/** The waivers on main of one contract, with the clock. */
export function waiverScope(model: RealmModel, domain: string, contract: string, now: Date): WaiverScope {
  return { waivers: model.domains.get(domain)?.waivers.get(contract)?.waivers ?? [], now };
}


/** The updates the extracted values ask for, and the versions that may not be published. */
export function planUpdates(input: PlanInput): JudgedUpdates {
  // An export that differs from its contract: the compatibility engine runs, long enough for the JIT (system/jit.ts).
  fullJit();
  const { model, repo } = input;
  const updates: ContractUpdate[] = [];
  const refused: JudgedUpdates["refused"] = [];
  for (const x of input.extracted) {
    const c = model.domains.get(x.domain)?.contracts.get(x.contract);
    if (!c) continue;
    const u = planContractUpdate(x.domain, c, x, waiverScope(model, x.domain, x.contract, input.now), true);
    if (!u) continue;
    const refusal = publishRefusal(u, {
      value: x.from ? { file: x.from.file, pointer: x.from.pointer } : { file: `the value read for ${x.contract}`, pointer: "" },
      schema: x.schema ? { file: x.from?.schema_file ?? "schema_file", pointer: "" } : { file: u.file, pointer: "/schema" },
    });
    if (refusal) refused.push(refusal);
    u.importers = importersOf(model, x.domain, x.contract).filter((i) => i.repo !== repo);
    const next = { version: u.to, schema: u.schema, value: u.value };
    const importers = importersIn(model.domains.get(x.domain)!, c).filter((i) => i.repo !== repo);
    u.impact = planImpact({ domain: x.domain, contract: c, next, importers, versions: input.versions?.get(u.file) ?? new Map() });
    updates.push(u);
  }
  return { updates, refused };
}

/** The whole plan: the updates judged here, then the branches (sync/plan.ts). */
export function planSync(input: PlanInput): ReturnType<typeof planBranches> {
  return planBranches(input, planUpdates(input));
}

export { RANK as BUMP_RANK };
