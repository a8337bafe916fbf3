// Runs `blue realm check` over a realm directory, as a member repo or as the realm repo itself: picks the
// modes and contracts that apply, runs extraction and hooks, reads old versions from the realm's history,
// and returns one report. Rendering is the command's.
import { existsSync, readdirSync } from "node:fs";
import { basename, join } from "node:path";
import { ConfigError, UnknownName, Untrusted, UsageError } from "../errors.ts";
import { ensureRealmClone } from "../realm/clone.ts";
import type { DepRecorder } from "../store/report-cache.ts";
import { findRepoRoot, readMember, realmLocation } from "../realm/workspace.ts";
import { changedContractFiles, contractHistory, parseQuietly, proposedVersions, publishedState, unchangedFiles, type ContractVersions } from "../git/history.ts";
import { openCacheAt, type Cache, type ValidationOutcome } from "../store/cache-db.ts";
import { sha256 } from "../store/hash.ts";
import { checkCompatibility, checkContract, checkImports, checkSchemaDrift, summarize, type CheckReport, type Finding, type Side } from "./findings.ts";
import { checkCompatibilityMode, type CompatResult } from "./run-compatibility.ts";
import { readLocalExport } from "./local-export.ts";
import { History, requireOrdered, type Entry } from "./versions.ts";
import { diffValues } from "../compat/index.ts";
import { confinedPath, extractExportCached, readSchemaFile } from "./extract.ts";
import { runHook } from "./hooks.ts";
import { hasErrors, loadRealm } from "../realm/load.ts";
import { validateAll, validateValue, VALIDATOR } from "./validate.ts";
import type { ContractFile, TrustedCommand } from "../realm/schema.ts";
import { describeChange } from "../realm/view.ts";
import { blueHome, unknownRealm } from "../system/home.ts";
import { commandId, extractGate, extractUse, hookUse, requireConsent, type CommandUse, type Consent, type HookField } from "../trust/consent.ts";
import { machineConsent, TRUST_FILE } from "../trust/store.ts";
import { readText } from "../yaml/source.ts";
import { checkOwnership } from "./run-ownership.ts";
import { listWaivers } from "./waivers.ts";
import type { Waiver } from "../realm/schema.ts";
import { clockNow } from "../system/clock.ts";

import type { Mode } from "./modes.ts";

/** `pins`: the commands the member repo's committed .blue/config.yaml pins (trusted_commands). */
export type CheckTarget = { realmDir: string; realm: string; repoRoot?: string; repo?: string; pins?: TrustedCommand[] };
export type CheckOptions = {
  modes?: Mode[];
  contract?: string;
  from?: string;
  to?: string;
  transitive?: boolean;
  hookTimeoutMs: number;
  ci: boolean;
  /** .blue/cache.db (default: none, every result computed afresh). The caller closes it. */
  cache?: Cache;
  /** Told of each file outside the realm the report depends on (before it is read), and of anything else it
   *  depends on (a hook, an extract command without source files), so a cached report is reused only when it
   *  would come out the same. The realm clone itself is the caller's to record. */
  deps?: DepRecorder;
  /** Whether a command the realm names may run (default: the target's pins, then this machine's approvals). */
  consent?: Consent;
  /** The clock waivers expire by (default: clockNow). */
  now?: Date;
};

export type { CompatResult };

export async function runCheck(target: CheckTarget, opts: CheckOptions): Promise<CheckReport> {
  if (opts.modes?.includes("ownership")) return ownership(target, opts);
  if (opts.from && opts.to) requireOrdered(opts.from, opts.to);
  const cache = opts.cache ?? openCacheAt("", { enabled: false });
  // git runs while the realm is read (reading a big realm is synchronous work): the published state, and a
  // named contract's history when versions of it are compared.
  const isRepo = existsSync(join(target.realmDir, ".git"));
  // (A failure is reported where the result is awaited; a realm that does not load never awaits it.)
  const early = isRepo && (!opts.modes || opts.modes.some((m) => m === "contract" || m === "compatibility")) ? quiet(publishedState(target.realmDir)) : undefined;
  const logs = new Map<string, Promise<ContractVersions>>();
  if (isRepo && opts.contract && (opts.from || opts.to || opts.transitive)) {
    for (const file of contractFiles(target.realmDir, opts.contract)) logs.set(file, quiet(contractHistory(target.realmDir, file)));
  }
  const load = loadRealm(target.realmDir, cache.enabled ? cache : undefined);
  if (load.refusal) throw load.refusal;
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
    const names = [...new Set(entries.map((e) => e.contract.name))].sort();
    entries = entries.filter((e) => e.contract.name === opts.contract);
    if (entries.length === 0) {
      const which = repo ? `Contracts '${repo}' exports or imports` : `Contracts in realm '${target.realm}'`;
      const hint = names.length ? `${which}: ${names.join(", ")}.` : repo ? `'${repo}' exports and imports no contract yet.` : `Realm '${target.realm}' has no contract yet.`;
      throw new UnknownName(`unknown contract '${opts.contract}'${repo ? ` for repo '${repo}'` : ""} in realm '${target.realm}'`, hint, opts.contract, names);
    }
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
  const now = opts.now ?? clockNow();
  const applied = new Set<Waiver>();
  const waiversOf = (e: Entry) => ({ waivers: e.d.waivers.get(e.contract.name)?.waivers ?? [], now });
  const hookEnv = (e: Entry, mode: Mode) => ({
    BLUE_REALM: target.realm,
    BLUE_MODE: mode,
    BLUE_CONTRACT: e.contract.name,
    BLUE_CONTRACT_VERSION: e.contract.version,
    BLUE_CONTRACT_FILE: join(target.realmDir, e.file),
  });
  const consent = opts.consent ?? machineConsent(blueHome(), target.realm, target.pins);
  // A command the realm names but this machine has not consented to is reported, not run: a warning at a desk,
  // an error in CI (where nobody is there to review it).
  const untrusted = (e: Entry, mode: Mode, use: CommandUse, err: Error): Finding => ({
    rule: "command-untrusted",
    severity: opts.ci ? "error" : "warning",
    mode,
    contract: e.contract.name,
    domain: e.domain,
    file: use.file,
    message: `${err.message} (${commandId(use, sha256)}); run 'blue realm trust' to review it`,
  });
  const consented = (e: Entry, mode: Mode, use: CommandUse): boolean => {
    opts.deps?.path(blueHome(), TRUST_FILE);
    try {
      requireConsent(consent, use);
      return true;
    } catch (err) {
      if (!(err instanceof Untrusted)) throw err;
      findings.push(untrusted(e, mode, use, err));
      return false;
    }
  };
  const hook = async (e: Entry, mode: Mode, field: HookField, path: string | undefined) => {
    if (!path || !target.repoRoot) return;
    if (!consented(e, mode, hookUse(e.domain, e.contract.name, field, path))) return;
    opts.deps?.volatile(`a validation hook (${path}) ran`);
    const r = await runHook(target.repoRoot, path, { timeoutMs: opts.hookTimeoutMs, env: hookEnv(e, mode) });
    if (r.outcome === "valid") return;
    const severity = r.outcome === "warning" ? "warning" : "error";
    findings.push({ rule: `hook-${r.outcome}`, severity, mode, contract: e.contract.name, domain: e.domain, file: path, message: r.message });
  };

  const needHistory = modes.includes("compatibility") || modes.includes("contract");
  const { published, commit } = needHistory && isRepo ? await (early ?? publishedState(target.realmDir)) : { published: undefined, commit: "" };
  // What changed since the last published state matters to contract mode and to compatibility against it.
  const needChanged = modes.includes("contract") || (modes.includes("compatibility") && !repo && !opts.from && !opts.to && !opts.transitive);
  const changedFiles = published && needChanged ? await changedContractFiles(target.realmDir, published) : [];
  const changed = new Set(changedFiles);
  const history = new History(target.realmDir, cache, commit, logs);
  const previous = published ? await history.published(published, entries.filter((e) => changed.has(e.file))) : new Map<string, Side>();
  const verdicts = modes.includes("contract") ? await validateContracts(entries.map((e) => e.contract), cache) : new Map<ContractFile, ValidationOutcome>();
  const validate = (c: ContractFile): ValidationOutcome => verdicts.get(c) ?? validateValue(c.schema, c.value);

  if (modes.includes("contract")) {
    // A schema that did not compile may hold a pattern RE2 cannot run, refused unless the file is as published.
    const failed = entries.filter((e) => verdicts.get(e.contract)?.schemaError !== undefined).map((e) => e.file);
    const asPublished = published ? await unchangedFiles(target.realmDir, published, failed) : new Set<string>();
    for (const e of entries) {
      checked.push({ mode: "contract", contract: e.contract.name, domain: e.domain });
      findings.push(...checkContract(e.domain, e.contract, locate, validate, asPublished.has(e.file)));
      // The bump since the last published version must be at least what the change needs.
      const prev = previous.get(e.file);
      if (prev) {
        // Only errors are kept here; positions (a full YAML parse of the file) only when there are some.
        const errors = (l: typeof locate) => {
          const r = checkCompatibility(e.domain, e.contract, prev, e.contract, l, undefined, waiversOf(e));
          for (const w of r.applied) applied.add(w);
          return r.findings.filter((f) => f.severity === "error");
        };
        const compat = errors(() => undefined).length ? errors(locate) : [];
        findings.push(...compat.map((f) => ({ ...f, mode: "contract" as const })));
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
      const how = exp.extract;
      if (how && "file" in how) opts.deps?.path(target.repoRoot, how.file);
      else if (how && exp.source_files.length === 0) opts.deps?.volatile(`the extract command of ${e.contract.name} has no source_files`);
      for (const src of exp.source_files) {
        opts.deps?.path(target.repoRoot, src);
        try {
          confinedPath(target.repoRoot, src, "source file");
        } catch (err) {
          findings.push({ ...base, rule: "source-missing", severity: "error", file: bindingFile, message: (err as Error).message });
        }
      }
      const use = extractUse(e.domain, repo!, exp);
      if (use && !consented(e, "exporter", use)) continue;
      try {
        const extracted = await extractExportCached(target.repoRoot, exp, cache, { timeoutMs: opts.hookTimeoutMs, gate: extractGate(consent, e.domain, repo!) });
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
      // The schema sync would publish with the value (only an export read from code publishes one). A dependency
      // of the report: a changed schema_file must not be answered from a kept report.
      if (how && exp.schema_file) {
        opts.deps?.path(target.repoRoot, exp.schema_file);
        try {
          findings.push(...checkSchemaDrift(e.domain, e.contract, exp.schema_file, readSchemaFile(target.repoRoot, exp.schema_file)));
        } catch (err) {
          findings.push({ ...base, rule: "schema-file-unreadable", severity: "error", file: exp.schema_file, message: (err as Error).message });
        }
      }
      await hook(e, "exporter", "exporter", e.contract.validation?.exporter);
      if (opts.ci) for (const h of e.contract.validation?.ci_only ?? []) await hook(e, "exporter", "ci_only", h);
    }
  }

  if (modes.includes("importer") && repo) {
    // Versions proposed on the owners' open sync branches: one past the range is worth knowing before it merges.
    const owned = imported.map((e) => ({ file: e.file, owner: e.contract.owner }));
    const proposed = isRepo && owned.length ? await proposedVersions(target.realmDir, owned) : [];
    const byFile = new Map(imported.map((e) => [e.file, e]));
    const { findings: f, checked: c } = checkImports(load, repo, proposed.map((p) => ({ domain: byFile.get(p.file)!.domain, contract: byFile.get(p.file)!.contract.name, version: p.version, branch: p.branch })));
    const wanted = new Set(imported.map((e) => `${e.domain}/${e.contract.name}`));
    findings.push(...f.filter((x) => wanted.has(`${x.domain}/${x.contract}`)));
    checked.push(...c.filter((x) => wanted.has(`${x.domain}/${x.contract}`)).map((x) => ({ mode: "importer" as const, ...x })));
    for (const e of imported) await hook(e, "importer", "importer", e.contract.validation?.importer);
  }

  if (modes.includes("compatibility")) {
    const local = async (e: Entry) => {
      const exp = e.d.bindings.get(repo!)?.exports.find((x) => x.contract === e.contract.name);
      if (!exp || !target.repoRoot) return undefined;
      const use = extractUse(e.domain, repo!, exp);
      if (use && !consented(e, "compatibility", use)) return null;
      try {
        return await readLocalExport(target.repoRoot, exp, cache, { timeoutMs: opts.hookTimeoutMs, gate: extractGate(consent, e.domain, repo!), deps: opts.deps });
      } catch (err) {
        const file = `domains/${e.domain}/bindings/${repo}.yaml`;
        return { rule: "extract-failed", severity: "error", mode: "compatibility", contract: e.contract.name, domain: e.domain, file, message: (err as Error).message } satisfies Finding;
      }
    };
    const r = await checkCompatibilityMode({
      entries,
      locate,
      history,
      previous,
      from: opts.from,
      to: opts.to,
      transitive: opts.transitive,
      ...(repo && target.repoRoot ? { member: { repo, local } } : {}),
      now,
    });
    for (const w of r.applied) applied.add(w);
    findings.push(...r.findings);
    checked.push(...r.checked);
    compatibility.push(...r.compatibility);
  }

  // Every waiver of the contracts checked, on every run (issue 19); its expiry depends on the clock, so a report
  // that lists one is not kept for replay.
  const judged = modes.includes("compatibility") || modes.includes("contract");
  const waivers = judged ? listWaivers(entries.map((e) => ({ domain: e.domain, contract: e.contract.name, waivers: waiversOf(e).waivers })), applied, now) : [];
  if (waivers.length) opts.deps?.volatile("a waiver expires with time");
  return { realm: target.realm, repo: repo ?? null, modes, findings, checked, summary: summarize(findings), compatibility, ...(waivers.length ? { waivers } : {}) };
}

/** The realm repo's history judged commit by commit; --from/--to are revisions here, not versions. */
function ownership(target: CheckTarget, opts: CheckOptions): Promise<CheckReport> {
  if (opts.modes!.length > 1 || opts.contract || opts.transitive) {
    throw new UsageError("--mode=ownership takes only --from and --to (revisions of the realm repo)", "Run 'blue realm check --mode=ownership [--from REV] [--to REV]' on its own.");
  }
  if (target.repo) {
    throw new UsageError("--mode=ownership runs in a clone of the realm repo itself (the realm's CI)", "Run it at the top of the realm repo's checkout, or pass --realm <name> to check this machine's clone.");
  }
  // Commits and signatures, not files: nothing to keep for next time.
  opts.deps?.volatile("an ownership check reads the realm's commits");
  return checkOwnership(target, { from: opts.from, to: opts.to });
}

/** What a check runs on: in the realm repo itself (its top level has realm.yaml), the realm; in a member repo,
 *  its realm, as that repo; with `realmFlag` naming another realm, that realm's clone on this machine. */
export async function resolveCheckTarget(realmFlag: string | undefined): Promise<CheckTarget> {
  const root = findRepoRoot();
  if (!realmFlag && root && existsSync(join(root, "realm.yaml"))) {
    // A realm.yaml that does not parse is reported by the loader, with its line and column.
    const read = readText(join(root, "realm.yaml"), "realm.yaml");
    const name = "text" in read ? parseQuietly(read.text)?.name : undefined;
    return { realmDir: root, realm: typeof name === "string" ? name : basename(root) };
  }
  const member = root ? readMember(root) : undefined;
  if (realmFlag && member?.config.realm.name !== realmFlag) {
    const loc = realmLocation(realmFlag);
    if (!loc.cloned) throw unknownRealm(realmFlag);
    return { realmDir: loc.clone, realm: realmFlag };
  }
  if (!member) throw new UsageError("not in a member repo or a realm repo", "Run it in a repo that has joined a realm, in the realm repo itself, or pass --realm.");
  return { realmDir: await ensureRealmClone(member), realm: member.config.realm.name, repoRoot: member.root, repo: member.config.repo, pins: member.config.trusted_commands };
}

/** ajv's verdict on each contract's value: from validation_cache (keyed on contract, version and the hash of
 *  validator, schema and value), the rest computed in one batch (shared with worker threads) and cached. */
async function validateContracts(contracts: readonly ContractFile[], cache: Cache): Promise<Map<ContractFile, ValidationOutcome>> {
  const out = new Map<ContractFile, ValidationOutcome>();
  const misses: { c: ContractFile; hash: string }[] = [];
  for (const c of contracts) {
    const hash = cache.enabled ? sha256(JSON.stringify([VALIDATOR, c.schema, c.value])) : "";
    const hit = cache.enabled ? cache.getValidation(c.name, c.version, hash) : undefined;
    if (hit) out.set(c, hit);
    else misses.push({ c, hash });
  }
  const outcomes = await validateAll(misses.map(({ c }) => ({ schema: c.schema, value: c.value })));
  misses.forEach(({ c, hash }, i) => {
    out.set(c, outcomes[i]!);
    if (cache.enabled) cache.putValidation(c.name, c.version, hash, outcomes[i]!);
  });
  return out;
}

/** The promise, marked as handled so it may be awaited later (or never) without an unhandled rejection. */
function quiet<T>(p: Promise<T>): Promise<T> {
  p.catch(() => {});
  return p;
}

/** The files a contract of this name may be in (one per domain that has one), found without reading the realm. */
function contractFiles(realmDir: string, name: string): string[] {
  try {
    return readdirSync(join(realmDir, "domains"))
      .map((d) => `domains/${d}/contracts/${name}.yaml`)
      .filter((f) => existsSync(join(realmDir, f)));
  } catch {
    return [];
  }
}
