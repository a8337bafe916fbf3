// `blue realm check`: findings about contracts and bindings, each with a rule id, severity, file, line and
// JSON pointer. Pure functions over the loaded realm; the command runs extraction and hooks and adds theirs.
import semver from "semver";
import { z } from "zod";
import type { Problem } from "../errors.ts";
import type { LoadResult } from "../realm/load.ts";
import { MODES, type Mode } from "./modes.ts";
import { childPointer, parsePointer } from "../realm/pointer.ts";
import type { ContractFile } from "../realm/schema.ts";
import type { ValidationOutcome } from "../store/cache-db.ts";
import { validateValue } from "./validate.ts";
import { unsupportedPatterns } from "./patterns.ts";
import { compareSchemas, compareVersions, isBreaking, type SchemaFinding } from "../compat/index.ts";
import { Witness } from "./witness.ts";
import { applyWaivers, FindingWaiver, ListedWaiver, type WaiverScope } from "./waivers.ts";
import type { Waiver } from "../realm/schema.ts";
import { ContractImpact } from "../impact/plan.ts";
import { describeChange, describeSchemaChange, rangeSatisfied, widenCommand } from "../realm/view.ts";
import { normalizeRange } from "../realm/schema.ts";

export const Finding = z.object({
  rule: z.string(),
  severity: z.enum(["error", "warning", "info"]),
  mode: z.enum(MODES),
  contract: z.string(),
  domain: z.string(),
  file: z.string().optional(),
  line: z.number().optional(),
  col: z.number().optional(),
  pointer: z.string().optional(),
  message: z.string(),
  /** ownership: the commit (full sha) and its author's email. */
  commit: z.string().optional(),
  author: z.string().optional(),
  /** compatibility: for a breaking change, a value one version accepts and the other rejects (verified by ajv). */
  witness: Witness.optional(),
  /** compatibility: the waiver that matched this breaking finding (issue 19); unless expired, the finding is waived. */
  waiver: FindingWaiver.optional(),
});
export type Finding = z.infer<typeof Finding>;

export const CheckReport = z.object({
  realm: z.string(),
  repo: z.string().nullable(),
  modes: z.array(Finding.shape.mode),
  findings: z.array(Finding),
  /** Contracts checked per mode, so "nothing found" is distinguishable from "nothing checked"; `detail`: what a
   *  contract with nothing found is, when that depends on it ("binding at 1.4.0 (current)"). */
  checked: z.array(z.object({ mode: Finding.shape.mode, contract: z.string(), domain: z.string(), detail: z.string().optional() })),
  summary: z.object({ errors: z.number(), warnings: z.number() }),
  /** compatibility mode: each pair of versions compared and the RFC's result line. */
  compatibility: z.array(z.object({ contract: z.string(), from: z.string(), to: z.string(), result: z.string(), impact: ContractImpact.optional() })),
  /** ownership mode: the range of commits judged (`from` null: from the first commit). */
  ownership: z.object({ from: z.string().nullable(), to: z.string(), commits: z.number() }).optional(),
  /** compatibility and contract modes: every waiver of the contracts checked, and what it did in this run. */
  waivers: z.array(ListedWaiver).optional(),
});
export type CheckReport = z.infer<typeof CheckReport>;

type Locate = LoadResult["locate"];

/** A pointer's tokens as a YAML node path (array indices as numbers), to locate the node it names. */
function pointerPath(pointer: string): (string | number)[] {
  return (parsePointer(pointer) ?? []).map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

/** contract mode: the schema compiles, the value satisfies it, and the evolution ends at the version.
 *  `validate` gives ajv's verdict (run-check passes one that consults the validation cache). A pattern RE2 cannot
 *  run is refused (an error) unless the contract is as `published` (a warning: it was accepted before); either
 *  way the value is not judged, since that would need the pattern. */
export function checkContract(
  domain: string,
  contract: ContractFile,
  locate: Locate,
  validate: (c: ContractFile) => ValidationOutcome = (c) => validateValue(c.schema, c.value),
  published = false,
): Finding[] {
  const file = `domains/${domain}/contracts/${contract.name}.yaml`;
  const at = (path: (string | number)[]) => ({ file, ...(locate(file, path) ?? {}) });
  const base = { mode: "contract" as const, contract: contract.name, domain };
  const findings: Finding[] = [];
  const outcome = validate(contract);
  // Such a pattern makes ajv's compile fail, so only a schema that did not compile is searched for one.
  const unsupported = outcome.schemaError !== undefined ? unsupportedPatterns(contract.schema) : [];
  for (const p of unsupported) {
    findings.push({
      ...base,
      rule: "pattern-unsupported",
      severity: published ? "warning" : "error",
      ...at(["schema", ...p.path]),
      pointer: p.path.reduce<string>((ptr, t) => childPointer(ptr, t), "/schema"),
      message: published ? `${p.error.message}; the value is not checked against its schema` : p.error.message,
    });
  }
  if (unsupported.length === 0 && outcome.schemaError !== undefined) {
    findings.push({ ...base, rule: "schema-invalid", severity: "error", ...at(["schema"]), pointer: "/schema", message: `schema is not a valid JSON Schema: ${outcome.schemaError}` });
  }
  for (const err of unsupported.length ? [] : outcome.errors) {
    const path = pointerPath(err.instancePath);
    findings.push({
      ...base,
      rule: "value-invalid",
      severity: "error",
      ...at(["value", ...path]),
      pointer: err.instancePath || "/",
      message: `value${err.instancePath} ${err.message ?? "is invalid"}${err.additionalProperty !== undefined ? ` ('${err.additionalProperty}')` : ""}`,
    });
  }
  const evo = contract.evolution;
  for (let i = 1; i < evo.length; i++) {
    if (!semver.gt(evo[i]!.version, evo[i - 1]!.version)) {
      findings.push({ ...base, rule: "evolution-order", severity: "error", ...at(["evolution", i, "version"]), message: `evolution entry ${evo[i]!.version} does not come after ${evo[i - 1]!.version}` });
    }
  }
  const last = evo[evo.length - 1];
  if (last && last.version !== contract.version) {
    findings.push({ ...base, rule: "evolution-tail", severity: "error", ...at(["evolution", evo.length - 1, "version"]), message: `evolution ends at ${last.version} but version is ${contract.version}` });
  }
  return findings;
}

/** A version of a contract on an open sync branch of its owner: proposed, not merged yet. */
export type Proposed = { domain: string; contract: string; version: string; branch: string };

/** importer mode: each import of `repo` is satisfied by the contract's latest version, and not stale. A version
 *  past the range, published or proposed, is a warning that says how to take it (the range is still satisfied by
 *  what the repo resolved); a range that nothing published satisfies yet is an error. */
export function checkImports(load: LoadResult, repo: string, proposed: readonly Proposed[] = []): { findings: Finding[]; checked: { domain: string; contract: string; detail?: string }[] } {
  const findings: Finding[] = [];
  const checked: { domain: string; contract: string; detail?: string }[] = [];
  for (const [dname, d] of load.model.domains) {
    const b = d.bindings.get(repo);
    if (!b) continue;
    const file = `domains/${dname}/bindings/${repo}.yaml`;
    b.imports.forEach((imp, i) => {
      const c = d.contracts.get(imp.contract);
      if (!c) return;
      const current = imp.resolved_version === c.version;
      checked.push({ domain: dname, contract: c.name, ...(current ? { detail: `binding at ${c.version} (current)` } : {}) });
      const base = { mode: "importer" as const, contract: c.name, domain: dname, file };
      const range = normalizeRange(imp.version);
      const past = (version: string, where: string): Finding => ({
        ...base,
        rule: "version-outside-range",
        severity: "warning",
        ...(load.locate(file, ["imports", i, "version"]) ?? {}),
        message: `${version} ${where} outside your import range ${imp.version}: update your code for it, then run '${widenCommand(c.name, imp.version, version)}'`,
      });
      const next = proposed
        .filter((p) => p.domain === dname && p.contract === c.name && semver.valid(p.version) && semver.gt(p.version, c.version) && semver.gtr(p.version, range))
        .sort((a, b) => semver.rcompare(a.version, b.version))[0];
      if (next) findings.push(past(next.version, `(proposed in ${next.branch}) is`));
      if (!rangeSatisfied(c.version, imp.version)) {
        if (semver.gtr(c.version, range)) findings.push(past(c.version, "is published and"));
        else findings.push({ ...base, rule: "import-unsatisfied", severity: "error", ...(load.locate(file, ["imports", i, "version"]) ?? {}), message: `latest version ${c.version} does not satisfy the import range ${imp.version}` });
      } else if (!imp.resolved_version) {
        findings.push({ ...base, rule: "import-unresolved", severity: "warning", ...(load.locate(file, ["imports", i]) ?? {}), message: `not resolved to a version yet (latest ${c.version}); run 'blue realm sync' to acknowledge it` });
      } else if (semver.lt(imp.resolved_version, c.version)) {
        findings.push({ ...base, rule: "stale-binding", severity: "warning", ...(load.locate(file, ["imports", i, "resolved_version"]) ?? {}), message: `stale binding: resolved at ${imp.resolved_version}, latest is ${c.version}` });
      }
    });
  }
  return { findings, checked };
}

/** exporter mode: each difference between the schema an export's `schema_file` holds (what sync would publish)
 *  and the contract's, as the compatibility engine finds it, by pointer into the schema. */
export function checkSchemaDrift(domain: string, contract: ContractFile, schemaFile: string, schema: Record<string, unknown>): Finding[] {
  return compareSchemas(contract.schema, schema).map((f) => ({
    rule: "schema-mismatch",
    severity: "error" as const,
    mode: "exporter" as const,
    contract: contract.name,
    domain,
    file: schemaFile,
    pointer: f.pointer || "/",
    message: `code differs from contract ${contract.version}: ${describeSchemaChange(f, isBreaking(f, contract.compatibility))}`,
  }));
}

export function summarize(findings: readonly Finding[]) {
  return {
    errors: findings.filter((f) => f.severity === "error").length,
    warnings: findings.filter((f) => f.severity === "warning").length,
  };
}

const RANK = { none: 0, patch: 1, minor: 2, major: 3 } as const;
type BumpName = keyof typeof RANK;

/** The bump between two versions as written (1.4.0 → 1.5.0 is minor). */
export function declaredBump(from: string, to: string): BumpName {
  if (semver.eq(from, to)) return "none";
  const d = semver.diff(from, to);
  if (d === "major" || d === "premajor") return "major";
  if (d === "minor" || d === "preminor") return "minor";
  return "patch";
}

export type Side = { version: string; schema: unknown; value: unknown };

/** compatibility mode for one pair of versions: each change as a finding, and whether the bump covers it. */
export function checkCompatibility(
  domain: string,
  contract: ContractFile,
  from: Side,
  to: Side,
  locate: Locate,
  /** Witnesses for the breaking changes (check/witness.ts); none when not given. */
  explain?: (changes: readonly SchemaFinding[]) => Map<SchemaFinding, Witness>,
  /** The contract's waivers and the clock (issue 19): a breaking finding a waiver in force matches is waived. */
  waivers?: WaiverScope,
): { findings: Finding[]; required: BumpName; declared: BumpName; result: string; applied: Waiver[] } {
  const file = `domains/${domain}/contracts/${contract.name}.yaml`;
  const req = contract.compatibility;
  const compared = compareVersions(from, to, req);
  const { findings: schemaFindings, values } = compared;
  const judged = waivers?.waivers.length ? applyWaivers(schemaFindings, values, req, { ...waivers, from: from.version, to: to.version }) : undefined;
  const bump = judged?.bump ?? compared.bump;
  const declared = declaredBump(from.version, to.version);
  const enough = RANK[declared] >= RANK[bump] || semver.lt(to.version, from.version);
  const base = { mode: "compatibility" as const, contract: contract.name, domain, file };
  const findings: Finding[] = [];
  const witnesses = explain?.(schemaFindings);
  for (const f of schemaFindings) {
    const breaking = isBreaking(f, req);
    const witness = witnesses?.get(f);
    const waived = judged?.waived.get(f);
    const lapsed = judged?.expired.get(f);
    const waiver = waived ?? lapsed;
    const note = waived ? `; waived until ${waived.until}: ${waived.reason}` : lapsed ? `; its waiver expired on ${lapsed.until}` : "";
    findings.push({
      ...base,
      rule: f.rule,
      // A pattern that cannot be evaluated is a warning; its breaking verdict fails the bump unless it is major.
      // A breaking change with its major bump is a warning: allowed, but never passed in silence.
      // A waived one is listed (info, and the run lists its waiver), not counted.
      severity: waived ? "info" : f.rule === "pattern-unsupported" ? "warning" : breaking ? (declared === "major" ? "warning" : "error") : "info",
      ...(locate(file, ["schema", ...pointerPath(f.pointer)]) ?? {}),
      pointer: f.pointer,
      message: `${f.message} - backwards ${f.backwards}, forwards ${f.forwards}${breaking ? ` (BREAKING for this contract${note})` : ""}`,
      ...(witness ? { witness } : {}),
      ...(waiver ? { waiver: { until: waiver.until, reason: waiver.reason, recorded_by: waiver.recorded_by, from: waiver.from, expired: !waived } } : {}),
    });
  }
  for (const v of values) {
    // An element added to a list is found at its index in the new file; one removed, at its list.
    const path = ["value", ...pointerPath(v.pointer), ...(v.kind === "added" && v.index !== undefined ? [v.index] : [])];
    findings.push({ ...base, rule: `value-${v.kind}`, severity: "info", ...(locate(file, path) ?? {}), pointer: v.pointer, message: describeChange(v) });
  }
  if (!enough) {
    findings.push({
      ...base,
      rule: "bump-too-small",
      severity: "error",
      ...(locate(file, ["version"]) ?? {}),
      message:
        declared === "none"
          ? `changed without a version bump (still ${to.version}); this change needs a ${bump} bump`
          : `${from.version} → ${to.version} is a ${declared} bump; this change needs a ${bump} bump`,
    });
  }
  const n = judged?.waived.size ?? 0;
  const withWaivers = n ? `, ${n} breaking change${n === 1 ? "" : "s"} waived` : "";
  const result = bump === "none" ? "UNCHANGED" : `${bump === "major" ? "BREAKING" : "COMPATIBLE"} (${enough ? `${bump} version bump OK` : `${bump} bump required`}${withWaivers})`;
  return { findings, required: bump, declared, result, applied: [...new Set(judged?.waived.values() ?? [])] };
}

/** A realm that does not load, as the one document `--json` and `--format sarif` print: each problem a
 *  `realm-invalid` finding at its file:line:col (in the domain and contract its file names), or the error itself. */
export function reportFromProblems(realm: string, repo: string | null, mode: Mode, problems: readonly Problem[], message: string): CheckReport {
  const list: readonly Problem[] = problems.length ? problems : [{ file: "", line: 0, col: 0, field: "", message, severity: "error" }];
  const findings = list.map((p): Finding => {
    const m = /^domains\/([^/]+)\/(?:contracts\/([^/]+)\.ya?ml$)?/.exec(p.file);
    return {
      rule: "realm-invalid",
      severity: p.severity,
      mode,
      contract: m?.[2] ?? "",
      domain: m?.[1] ?? "",
      ...(p.file ? { file: p.file } : {}),
      ...(p.line > 0 ? { line: p.line, col: p.col } : {}),
      message: p.field ? `${p.field}: ${p.message}` : p.message,
    };
  });
  return { realm, repo, modes: [mode], findings, checked: [], summary: summarize(findings), compatibility: [] };
}
