// Runs `blue realm check` over a realm directory, as a member repo or as the realm repo itself: picks the
// modes and contracts that apply, runs extraction and hooks, reads old versions from the realm's history,
// and returns one report. Rendering is the command's.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { ConfigError, UsageError } from "../errors.ts";
import { changedContractFiles, contractAtVersion, fileAt, publishedRef } from "../git/history.ts";
import { checkCompatibility, checkContract, checkImports, summarize, type CheckReport, type Finding, type Side } from "./check.ts";
import { diffValues } from "./compat/index.ts";
import { confinedPath, extractExport } from "./extract.ts";
import { runHook } from "./hooks.ts";
import { hasErrors, loadRealm, type DomainModel } from "./load.ts";
import { ContractFile } from "./schema.ts";
import { describeChange } from "./status.ts";

export type Mode = Finding["mode"];
export const MODES: readonly Mode[] = ["contract", "exporter", "importer", "compatibility"];

export type CheckTarget = { realmDir: string; realm: string; repoRoot?: string; repo?: string };
export type CheckOptions = { modes?: Mode[]; contract?: string; from?: string; to?: string; transitive?: boolean; hookTimeoutMs: number; ci: boolean };
export type CompatResult = CheckReport["compatibility"][number];

type Entry = { domain: string; d: DomainModel; contract: ContractFile; file: string };

export async function runCheck(target: CheckTarget, opts: CheckOptions): Promise<CheckReport> {
  const load = loadRealm(target.realmDir);
  if (hasErrors(load.problems)) {
    const n = load.problems.filter((p) => p.severity === "error").length;
    throw new ConfigError(`realm '${target.realm}' has ${n} error${n === 1 ? "" : "s"} (files relative to ${target.realmDir})`, "Fix them in the realm repo, then run the check again.", load.problems);
  }
  const { model, locate } = load;
  const repo = target.repo;
  let entries: Entry[] = [];
  for (const [domain, d] of model.domains) {
    for (const contract of d.contracts.values()) {
      const b = repo ? d.bindings.get(repo) : undefined;
      const relevant = !repo || contract.owner === repo || b?.imports.some((i) => i.contract === contract.name);
      if (relevant) entries.push({ domain, d, contract, file: `domains/${domain}/contracts/${contract.name}.yaml` });
    }
  }
  if (opts.contract) {
    entries = entries.filter((e) => e.contract.name === opts.contract);
    if (entries.length === 0) throw new UsageError(`unknown contract '${opts.contract}'${repo ? ` for repo '${repo}'` : ""} in realm '${target.realm}'`);
  }
  const exported = repo ? entries.filter((e) => e.contract.owner === repo) : [];
  const imported = repo ? entries.filter((e) => e.contract.owner !== repo) : [];
  const modes =
    opts.modes ??
    (opts.from || opts.to
      ? ["compatibility" as const]
      : ([
          "contract",
          ...(exported.length ? (["exporter"] as const) : []),
          ...(imported.length ? (["importer"] as const) : []),
          ...(repo ? [] : (["compatibility"] as const)),
        ] as Mode[]));

  const findings: Finding[] = [];
  const checked: CheckReport["checked"] = [];
  const compatibility: CompatResult[] = [];
  const hookEnv = (e: Entry, mode: Mode) => ({
    BLUE_REALM: target.realm,
    BLUE_MODE: mode,
    BLUE_CONTRACT: e.contract.name,
    BLUE_CONTRACT_VERSION: e.contract.version,
    BLUE_CONTRACT_FILE: join(target.realmDir, e.file),
  });
  const hook = async (e: Entry, mode: Mode, path: string | undefined) => {
    if (!path || !target.repoRoot) return;
    const r = await runHook(target.repoRoot, path, { timeoutMs: opts.hookTimeoutMs, env: hookEnv(e, mode) });
    if (r.outcome === "valid") return;
    const severity = r.outcome === "warning" ? "warning" : "error";
    findings.push({ rule: `hook-${r.outcome}`, severity, mode, contract: e.contract.name, domain: e.domain, file: path, message: r.message });
  };

  const needHistory = modes.includes("compatibility") || modes.includes("contract");
  const published = needHistory && existsSync(join(target.realmDir, ".git")) ? await publishedRef(target.realmDir) : undefined;
  const changed = published ? new Set(await changedContractFiles(target.realmDir, published)) : new Set<string>();
  const previous = async (e: Entry): Promise<Side | undefined> => {
    if (!published || !changed.has(e.file)) return undefined;
    const text = await fileAt(target.realmDir, published, e.file);
    const data = text ? ContractFile.safeParse(parse(text)) : undefined;
    return data?.success ? data.data : undefined;
  };

  if (modes.includes("contract")) {
    for (const e of entries) {
      checked.push({ mode: "contract", contract: e.contract.name, domain: e.domain });
      findings.push(...checkContract(e.domain, e.contract, locate));
      // The bump since the last published version must be at least what the change needs.
      const prev = await previous(e);
      if (prev) {
        const { findings: compat } = checkCompatibility(e.domain, e.contract, prev, e.contract, locate);
        findings.push(...compat.filter((f) => f.severity === "error").map((f) => ({ ...f, mode: "contract" as const })));
      }
    }
  }

  if (modes.includes("exporter") && target.repoRoot) {
    for (const e of exported) {
      checked.push({ mode: "exporter", contract: e.contract.name, domain: e.domain });
      const exp = e.d.bindings.get(repo!)?.exports.find((x) => x.contract === e.contract.name);
      const base = { mode: "exporter" as const, contract: e.contract.name, domain: e.domain };
      const bindingFile = `domains/${e.domain}/bindings/${repo}.yaml`;
      if (!exp) {
        findings.push({ ...base, rule: "export-missing", severity: "error", file: bindingFile, message: `${repo} owns ${e.contract.name} but its binding does not export it` });
        continue;
      }
      for (const src of exp.source_files) {
        try {
          confinedPath(target.repoRoot, src, "source file");
        } catch (err) {
          findings.push({ ...base, rule: "source-missing", severity: "error", file: bindingFile, message: (err as Error).message });
        }
      }
      try {
        const extracted = await extractExport(target.repoRoot, exp, opts.hookTimeoutMs);
        if (!extracted) {
          findings.push({ ...base, rule: "no-extract", severity: "warning", file: bindingFile, message: "the export binding has no extract:, so code cannot be compared with the contract" });
        } else {
          for (const c of diffValues(e.contract.value, extracted.value)) {
            findings.push({ ...base, rule: "export-mismatch", severity: "error", file: extracted.sources[0], pointer: c.pointer, message: `code differs from contract ${e.contract.version}: ${describeChange(c)}` });
          }
        }
      } catch (err) {
        findings.push({ ...base, rule: "extract-failed", severity: "error", file: bindingFile, message: (err as Error).message });
      }
      await hook(e, "exporter", e.contract.validation?.exporter);
      if (opts.ci) for (const h of e.contract.validation?.ci_only ?? []) await hook(e, "exporter", h);
    }
  }

  if (modes.includes("importer") && repo) {
    const { findings: f, checked: c } = checkImports(load, repo);
    const wanted = new Set(imported.map((e) => `${e.domain}/${e.contract.name}`));
    findings.push(...f.filter((x) => wanted.has(`${x.domain}/${x.contract}`)));
    checked.push(...c.filter((x) => wanted.has(`${x.domain}/${x.contract}`)).map((x) => ({ mode: "importer" as const, ...x })));
    for (const e of imported) await hook(e, "importer", e.contract.validation?.importer);
  }

  if (modes.includes("compatibility")) {
    let targets = entries;
    if (opts.from || opts.to) {
      if (targets.length !== 1) throw new UsageError("--from/--to compare two versions of one contract", `Name it with --contract (${entries.map((e) => e.contract.name).join(", ")}).`);
    }
    for (const e of targets) {
      const pairs: [Side, Side][] = [];
      if (opts.from || opts.to) {
        const to = !opts.to || opts.to === e.contract.version ? e.contract : await versionOf(target.realmDir, e, opts.to);
        const from = await versionOf(target.realmDir, e, opts.from ?? previousInEvolution(e.contract, to.version));
        pairs.push([from, to]);
      } else if (opts.transitive) {
        for (const ev of e.contract.evolution) {
          if (ev.version === e.contract.version) continue;
          const old = await contractAtVersion(target.realmDir, e.file, ev.version);
          const parsed = old ? ContractFile.safeParse(old) : undefined;
          if (parsed?.success) pairs.push([parsed.data, e.contract]);
        }
      } else {
        const prev = await previous(e);
        if (prev) pairs.push([prev, e.contract]);
      }
      if (pairs.length) checked.push({ mode: "compatibility", contract: e.contract.name, domain: e.domain });
      for (const [from, to] of pairs) {
        const r = checkCompatibility(e.domain, e.contract, from, to, to === e.contract ? locate : () => undefined);
        findings.push(...r.findings);
        compatibility.push({ contract: e.contract.name, from: from.version, to: to.version, result: r.result });
      }
    }
  }

  return { realm: target.realm, repo: repo ?? null, modes, findings, checked, summary: summarize(findings), compatibility };
}

function previousInEvolution(c: ContractFile, version: string): string {
  const earlier = c.evolution.map((e) => e.version).filter((v) => v !== version);
  const prev = earlier[earlier.length - 1];
  if (!prev) throw new UsageError(`${c.name} has no version before ${version} in its evolution`, "Pass --from <version>.");
  return prev;
}

async function versionOf(dir: string, e: Entry, version: string): Promise<ContractFile> {
  if (version === e.contract.version) return e.contract;
  const data = await contractAtVersion(dir, e.file, version);
  const parsed = data ? ContractFile.safeParse(data) : undefined;
  if (!parsed?.success) {
    throw new UsageError(`no version ${version} of ${e.contract.name} in the realm's history`, `Versions in its evolution: ${e.contract.evolution.map((v) => v.version).join(", ") || "none"}.`);
  }
  return parsed.data;
}
