// `blue realm check --mode=compatibility`: which pairs of versions are compared, and what each comparison found.
// With --from/--to, two versions of one contract; with --transitive, the current version against every earlier
// one in evolution; in the realm repo, the working realm against its last published state; in a member repo (the
// RFC's CI step), each contract it owns as its code has it against the published version (the bump sync will
// make), and each import's newest published version against the one it resolved to.
import semver from "semver";
import { compareVersions } from "../compat/index.ts";
import { UsageError } from "../errors.ts";
import type { LoadResult } from "../realm/load.ts";
import { checkCompatibility, type CheckReport, type Finding, type Side } from "./findings.ts";
import type { LocalExport } from "./local-export.ts";
import { witnessesFor } from "./witness.ts";
import { importersIn, planImpact, versionsNeeded, type ContractImpact, type Version } from "../impact/plan.ts";
import { previousInEvolution, requireOrdered, versionOf, type Entry, type History } from "./versions.ts";
import { applyWaivers } from "./waivers.ts";
import type { Waiver } from "../realm/schema.ts";

export type CompatResult = CheckReport["compatibility"][number];
type Checked = CheckReport["checked"][number];

export type CompatInput = {
  entries: Entry[];
  locate: LoadResult["locate"];
  history: History;
  /** The working realm's contract files as last published, by file (the realm repo's default comparison). */
  previous: Map<string, Side>;
  from?: string;
  to?: string;
  transitive?: boolean;
  /** In a member repo: the repo, and what its code gives for a contract it owns (a finding when it cannot be
   *  read; null when a finding was already made, e.g. a command this machine has not consented to). */
  member?: { repo: string; local: (e: Entry) => Promise<LocalExport | Finding | null | undefined> };
  /** The clock waivers expire by (issue 19). */
  now: Date;
};

export async function checkCompatibilityMode(input: CompatInput): Promise<{ findings: Finding[]; checked: Checked[]; compatibility: CompatResult[]; applied: Set<Waiver> }> {
  const { entries, history } = input;
  const findings: Finding[] = [];
  const checked: Checked[] = [];
  const compatibility: CompatResult[] = [];
  const applied = new Set<Waiver>();
  const waiversOf = (e: Entry) => ({ waivers: e.d.waivers.get(e.contract.name)?.waivers ?? [], now: input.now });
  const compare = async (e: Entry, from: Side, to: Side) => {
    const explain = (changes: Parameters<typeof witnessesFor>[3]) => witnessesFor(from, to, e.contract.compatibility, changes);
    const r = checkCompatibility(e.domain, e.contract, from, to, to === e.contract ? input.locate : () => undefined, explain, waiversOf(e));
    for (const w of r.applied) applied.add(w);
    findings.push(...r.findings);
    const impact = r.required === "none" ? undefined : await impactOn(e, to);
    compatibility.push({ contract: e.contract.name, from: from.version, to: to.version, result: r.result, ...(impact ? { impact } : {}) });
  };
  /** Which importers `to` breaks (issue 19), once per contract and version. */
  const impacts = new Map<string, ContractImpact>();
  const impactOn = async (e: Entry, to: Side): Promise<ContractImpact> => {
    const key = `${e.file}\0${to.version}`;
    const known = impacts.get(key);
    if (known) return known;
    const importers = importersIn(e.d, e.contract);
    const versions = new Map<string, Version>();
    for (const v of versionsNeeded(e.contract, to.version, importers)) {
      const got = await history.atVersion(e, v);
      if (got) versions.set(v, got);
    }
    const impact = planImpact({ domain: e.domain, contract: e.contract, next: to, importers, versions });
    impacts.set(key, impact);
    return impact;
  };

  if (input.from || input.to) {
    if (entries.length !== 1) throw new UsageError("--from/--to compare two versions of one contract", `Name it with --contract (${entries.map((e) => e.contract.name).join(", ")}).`);
    const e = entries[0]!;
    if (input.from && !input.to) requireOrdered(input.from, e.contract.version, true);
    const to = !input.to || input.to === e.contract.version ? e.contract : await versionOf(history, e, input.to);
    const from = await versionOf(history, e, input.from ?? previousInEvolution(e.contract, to.version));
    checked.push({ mode: "compatibility", contract: e.contract.name, domain: e.domain });
    await compare(e, from, to);
  } else if (input.transitive) {
    for (const e of entries) {
      const pairs: Side[] = [];
      for (const ev of e.contract.evolution) {
        if (ev.version === e.contract.version) continue;
        const old = await history.atVersion(e, ev.version);
        if (old) pairs.push(old);
      }
      if (pairs.length) checked.push({ mode: "compatibility", contract: e.contract.name, domain: e.domain });
      for (const old of pairs) await compare(e, old, e.contract);
    }
  } else if (input.member) {
    const { repo, local } = input.member;
    for (const e of entries) {
      const entry: Checked = { mode: "compatibility", contract: e.contract.name, domain: e.domain };
      checked.push(entry);
      if (e.contract.owner === repo) await ownChange(e, entry, await local(e));
      else await importedChange(e, entry);
    }
  } else {
    for (const e of entries) {
      const prev = input.previous.get(e.file);
      if (!prev) continue;
      checked.push({ mode: "compatibility", contract: e.contract.name, domain: e.domain });
      await compare(e, prev, e.contract);
    }
  }
  return { findings, checked, compatibility, applied };

  /** The contract as this repo's code has it against the published version, bumped as sync will bump it. */
  async function ownChange(e: Entry, entry: Checked, got: LocalExport | Finding | null | undefined): Promise<void> {
    const bindingFile = `domains/${e.domain}/bindings/${input.member!.repo}.yaml`;
    const base = { mode: "compatibility" as const, contract: e.contract.name, domain: e.domain };
    if (got === null) return;
    if (got === undefined) {
      findings.push({ ...base, rule: "no-extract", severity: "warning", file: bindingFile, message: "the export binding has no extract:, so code cannot be compared with the published version" });
      return;
    }
    if ("rule" in got) {
      findings.push(got);
      return;
    }
    const local = { version: e.contract.version, schema: got.schema?.schema ?? e.contract.schema, value: got.value };
    const cmp = compareVersions(e.contract, local, e.contract.compatibility);
    // The bump sync will make: a waived breaking change demands no major one (sync/plan.ts does the same).
    const scope = waiversOf(e);
    const bump = scope.waivers.length ? applyWaivers(cmp.findings, cmp.values, e.contract.compatibility, { ...scope, from: e.contract.version, to: semver.inc(e.contract.version, "patch")! }).bump : cmp.bump;
    if (bump === "none") {
      entry.detail = `code matches ${e.contract.version}`;
      return;
    }
    const next = semver.inc(e.contract.version, bump)!;
    const to = { ...local, version: next };
    const r = checkCompatibility(e.domain, e.contract, e.contract, to, () => undefined, (changes) => witnessesFor(e.contract, to, e.contract.compatibility, changes), scope);
    for (const w of r.applied) applied.add(w);
    // Where each change is: the value in the file it was read from, the schema in the schema file.
    const valueFile = got.sources[0] ?? bindingFile;
    const schemaFile = got.schema?.file ?? e.file;
    findings.push(...r.findings.map((f) => ({ ...f, file: f.rule.startsWith("value-") ? valueFile : schemaFile })));
    const kind = bump === "major" ? "BREAKING" : "COMPATIBLE";
    const impact = await impactOn(e, to);
    compatibility.push({ contract: e.contract.name, from: e.contract.version, to: "local", result: `${kind} (sync publishes ${next}, a ${bump} bump)`, impact });
  }

  /** The newest published version of an import against the one this repo resolved to. */
  async function importedChange(e: Entry, entry: Checked): Promise<void> {
    const imp = e.d.bindings.get(input.member!.repo)?.imports.find((i) => i.contract === e.contract.name);
    const resolved = imp?.resolved_version;
    const current = e.contract.version;
    if (!resolved) {
      entry.detail = `not resolved to a version yet, nothing to compare with ${current}`;
      return;
    }
    if (!semver.lt(resolved, current)) {
      entry.detail = `binding at ${resolved}, the newest version`;
      return;
    }
    const old = await history.atVersion(e, resolved);
    if (!old) {
      const file = `domains/${e.domain}/bindings/${input.member!.repo}.yaml`;
      findings.push({ mode: "compatibility", contract: e.contract.name, domain: e.domain, rule: "version-missing", severity: "warning", file, message: `${resolved}, the version this repo resolved to, is not in the realm's history: it cannot be compared with ${current}` });
      return;
    }
    await compare(e, old, e.contract);
  }
}
