// How a check report is shown: RFC-style ✓/⚠/✗ lines per contract and mode, or SARIF 2.1.0 for code scanning.
import pkg from "../../package.json" with { type: "json" };
import type { CheckReport, Finding } from "../check/findings.ts";
import { failText, okText, warnText } from "./output.ts";
import type { Witness } from "../check/witness.ts";
import type { ListedWaiver } from "../check/waivers.ts";

/** What a contract with nothing found is, in the RFC's words where it has them, unless the check said more
 *  (`detail`: "binding at 1.4.0 (current)"). */
const PASS: Record<Finding["mode"], string> = {
  contract: "valid schema and value, version bump correct",
  exporter: "code matches contract",
  importer: "binding current",
  compatibility: "no changes",
  ownership: "no violations",
};

/** One line under a breaking finding: `witness: {"a":""} is valid under 2.0.0 and rejected by 1.0.0`. */
export function describeWitness(w: Witness): string {
  if (!w.found) return `witness: none (${w.reason})`;
  const text = JSON.stringify(w.value);
  const shown = text.length > 200 ? `${text.slice(0, 197)}...` : text;
  return `witness: ${shown} is valid under ${w.valid_under} and rejected by ${w.rejected_by}`;
}

/** The line a check prints for a waiver (issue 19): `waived: <rule> at <pointer> until <date> (<reason>)`. */
export function describeWaiver(w: Pick<ListedWaiver, "rule" | "pointer" | "until" | "reason" | "status">): string {
  const at = w.pointer === "" ? "(root)" : w.pointer;
  if (w.status === "expired") return `waiver expired: ${w.rule} at ${at} on ${w.until} (${w.reason}); the finding counts again`;
  return `waived: ${w.rule} at ${at} until ${w.until} (${w.reason})${w.status === "unused" ? "; nothing matched it in this check" : ""}`;
}

function where(f: Finding): string {
  if (!f.file) return "";
  return f.line ? `${f.file}:${f.line}:${f.col}: ` : `${f.file}: `;
}

/** The report as `blue realm check` prints it, in one string: JSON (the report itself), SARIF, or text (a line per
 *  contract, so thousands of lines for a big realm), coloured in the "text+colour" view. */
export function formatReport(report: CheckReport, view: string): string {
  if (view === "json") return JSON.stringify(report, null, 2);
  if (view === "sarif") return JSON.stringify(toSarif(report), null, 2);
  return formatText(report);
}

export function formatText(report: CheckReport): string {
  if (report.ownership) return formatOwnership(report, report.ownership.commits);
  const out: string[] = [];
  const line = (text: string) => out.push(text);
  const ok = (text: string) => line(okText(text));
  const warnLine = (text: string) => line(warnText(text));
  const failLine = (text: string) => line(failText(text));
  // Findings by mode, contract and domain: a realm of thousands of contracts is shown in one pass.
  const byKey = new Map<string, Finding[]>();
  for (const f of report.findings) {
    const k = `${f.mode}\0${f.contract}\0${f.domain}`;
    const list = byKey.get(k);
    if (list) list.push(f);
    else byKey.set(k, [f]);
  }
  for (const mode of report.modes) {
    const here = report.checked.filter((c) => c.mode === mode);
    if (here.length === 0) continue;
    line(`${mode}:`);
    for (const c of here) {
      const fs = byKey.get(`${mode}\0${c.contract}\0${c.domain}`) ?? [];
      const errors = fs.filter((f) => f.severity === "error");
      const warnings = fs.filter((f) => f.severity === "warning");
      const compat = mode === "compatibility";
      const results = compat ? report.compatibility.filter((x) => x.contract === c.contract) : [];
      const head = `${c.contract}${results.length === 1 ? ` ${results[0]!.from} → ${results[0]!.to}` : ""}`;
      // A comparison's warnings are its breaking changes (or what could not be judged): said first, then each one.
      const breaking = results.some((r) => r.result.startsWith("BREAKING"));
      if (errors.length) failLine(`${head}: ${errors.length} error${errors.length > 1 ? "s" : ""}`);
      else if (warnings.length && compat) warnLine(`${head}: ${breaking ? "BREAKING" : `${warnings.length} warning${warnings.length > 1 ? "s" : ""}`}`);
      else if (warnings.length) warnLine(`${head}: ${warnings[0]!.message}`);
      else if (compat && fs.length > 0) ok(head);
      else ok(`${head}: ${c.detail ?? PASS[mode]}`);
      for (const f of fs) {
        if (f.severity === "warning" && errors.length === 0 && f === warnings[0] && !compat) continue;
        const mark = f.severity === "error" ? "✗" : f.severity === "warning" ? "⚠" : " ";
        line(`    ${mark} ${where(f)}${f.rule}: ${f.message}`);
        if (f.witness) line(`        ${describeWitness(f.witness)}`);
      }
      for (const r of results) {
        line(`    ${r.from} → ${r.to}: Result: ${r.result}`);
        if (r.impact && r.impact.importers.length) line(`    impact: ${r.impact.summary}`);
      }
    }
  }
  // Every waiver of the contracts checked, on every run, so none is forgotten until it expires (issue 19).
  for (const w of report.waivers ?? []) line(`${w.contract}: ${describeWaiver(w)}`);
  const { errors, warnings } = report.summary;
  if (report.checked.length === 0) line("Nothing to check here.");
  line(errors || warnings ? `${errors} error${errors === 1 ? "" : "s"}, ${warnings} warning${warnings === 1 ? "" : "s"}` : "All checks passed.");
  return out.join("\n");
}

/** ownership: one line per finding (commit, author, file, who may change it), then the count of commits. */
function formatOwnership(report: CheckReport, commits: number): string {
  const out = report.findings.map((f) => {
    const text = `${f.commit?.slice(0, 7) ?? ""} ${f.author ?? ""} ${f.file ? `${f.file}: ` : ""}${f.rule}: ${f.message}`;
    return f.severity === "error" ? failText(text) : `  ${text}`;
  });
  const { errors } = report.summary;
  const tally = `ownership: ${commits} commit${commits === 1 ? "" : "s"} checked`;
  out.push(errors ? `${tally}, ${errors} violation${errors === 1 ? "" : "s"}` : tally);
  return out.join("\n");
}

/** SARIF 2.1.0, so GitHub code scanning and Forgejo can show findings on the pull request. */
export function toSarif(report: CheckReport): unknown {
  // A waived finding is shown too, as a result with an external suppression (SARIF 2.1.0 §3.27.23, §3.35).
  const waived = (f: Finding) => f.waiver !== undefined && !f.waiver.expired;
  const shown = report.findings.filter((f) => f.severity !== "info" || waived(f));
  const rules = [...new Set(shown.map((f) => f.rule))].sort();
  return {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: { driver: { name: "blue", version: pkg.version, informationUri: pkg.homepage, rules: rules.map((id) => ({ id })) } },
        results: shown.map((f) => ({
          ruleId: f.rule,
          level: f.severity === "error" ? "error" : "warning",
          ...(waived(f) ? { suppressions: [{ kind: "external", status: "accepted", justification: f.waiver!.reason, properties: { until: f.waiver!.until, recorded_by: f.waiver!.recorded_by, from: f.waiver!.from } }] } : {}),
          message: { text: `${f.commit ? `${f.commit.slice(0, 7)} by ${f.author}: ${f.message}` : f.contract ? `${f.contract}: ${f.message}` : f.message}${f.witness ? `; ${describeWitness(f.witness)}` : ""}` },
          ...(f.witness || f.waiver ? { properties: { ...(f.witness ? { witness: f.witness } : {}), ...(f.waiver ? { waiver: f.waiver } : {}) } } : {}),
          ...(f.file
            ? { locations: [{ physicalLocation: { artifactLocation: { uri: f.file }, ...(f.line ? { region: { startLine: f.line, startColumn: f.col } } : {}) } }] }
            : {}),
        })),
      },
    ],
  };
}
