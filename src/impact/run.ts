// `blue realm impact CONTRACT [--to VERSION | --local]`: reads what impact/plan.ts needs (the realm, the new
// version, the versions the importers rely on from the realm's history) and returns the impact per domain that
// holds the contract. Also the readers `check` and `sync` use to show the same impact.
import semver from "semver";
import { UnknownName, UsageError } from "../errors.ts";
import { compareVersions } from "../compat/index.ts";
import { contractHistory, type ContractVersions } from "../git/history.ts";
import { loadValidRealm, type DomainModel, type RealmModel } from "../realm/load.ts";
import { ContractFile, type TrustedCommand } from "../realm/schema.ts";
import { readLocalExport } from "../check/local-export.ts";
import { openCache } from "../store/cache-db.ts";
import { blueHome } from "../system/home.ts";
import { extractGate, extractUse, requireConsent } from "../trust/consent.ts";
import { machineConsent } from "../trust/store.ts";
import { warnStderr } from "../ui/output.ts";
import { importersIn, planImpact, versionsNeeded, versionsReliedOn, type ContractImpact, type Version } from "./plan.ts";

/** A version of the contract from history, parsed; undefined when that version was never committed (or is unreadable). */
export type VersionReader = (version: string) => Promise<Version | undefined>;

/** Reads versions of one contract file from the realm's git history (one `git log` for all of them). */
export function historyReader(realmDir: string, file: string): VersionReader {
  let log: Promise<ContractVersions> | undefined;
  return async (version) => {
    log ??= contractHistory(realmDir, file);
    const parsed = ContractFile.safeParse((await log).get(version));
    return parsed.success ? { version: parsed.data.version, schema: parsed.data.schema, value: parsed.data.value } : undefined;
  };
}

/** The impact of `next` on the contract's importers, with the versions they rely on read through `read`. */
export async function impactOf(domain: string, d: DomainModel, c: ContractFile, next: Version, read: VersionReader): Promise<ContractImpact> {
  const importers = importersIn(d, c);
  const versions = new Map<string, Version>();
  for (const v of versionsNeeded(c, next.version, importers)) {
    const got = await read(v);
    if (got) versions.set(v, got);
  }
  return planImpact({ domain, contract: c, next, importers, versions });
}

/** For sync: the versions the importers of each contract may rely on, read from history, by contract file. */
export async function reliedVersions(realmDir: string, model: RealmModel, contracts: readonly { domain: string; contract: string }[]): Promise<Map<string, Map<string, Version>>> {
  const out = new Map<string, Map<string, Version>>();
  for (const { domain, contract } of contracts) {
    const d = model.domains.get(domain);
    const c = d?.contracts.get(contract);
    if (!d || !c) continue;
    const file = `domains/${domain}/contracts/${c.name}.yaml`;
    const read = historyReader(realmDir, file);
    const versions = new Map<string, Version>();
    for (const v of versionsReliedOn(c, importersIn(d, c))) {
      const got = await read(v);
      if (got) versions.set(v, got);
    }
    out.set(file, versions);
  }
  return out;
}

export type ImpactOptions = {
  contract: string;
  /** A published version (default: the current one). */
  to?: string;
  /** What this repo's code gives for the contract, when it owns it (the command reads it): the next version is
   *  the one sync would publish. */
  local?: (domain: string, d: DomainModel, c: ContractFile) => Promise<{ schema?: unknown; value: unknown }>;
};

/** One impact per domain that holds a contract of that name. */
export async function runImpact(realmDir: string, realm: string, opts: ImpactOptions): Promise<ContractImpact[]> {
  const { model } = loadValidRealm(realmDir, realm);
  const found = holding(model, opts.contract);
  if (found.length === 0) {
    const names = [...new Set([...model.domains.values()].flatMap((d) => [...d.contracts.keys()]))].sort();
    throw new UnknownName(`unknown contract '${opts.contract}' in realm '${realm}'`, names.length ? `Contracts in realm '${realm}': ${names.join(", ")}.` : `Realm '${realm}' has no contract yet.`, opts.contract, names);
  }
  const out: ContractImpact[] = [];
  for (const [domain, d, c] of found) {
    const file = `domains/${domain}/contracts/${c.name}.yaml`;
    const read = historyReader(realmDir, file);
    out.push(await impactOf(domain, d, c, await nextVersion(domain, d, c, opts, read), read));
  }
  return out;
}

function holding(model: RealmModel, name: string): [string, DomainModel, ContractFile][] {
  return [...model.domains].flatMap(([domain, d]) => {
    const c = d.contracts.get(name);
    return c ? [[domain, d, c] as [string, DomainModel, ContractFile]] : [];
  });
}

async function nextVersion(domain: string, d: DomainModel, c: ContractFile, opts: ImpactOptions, read: VersionReader): Promise<Version> {
  if (opts.local) {
    const got = await opts.local(domain, d, c);
    const local = { schema: got.schema ?? c.schema, value: got.value };
    const { bump } = compareVersions(c, local, c.compatibility);
    return { version: bump === "none" ? c.version : semver.inc(c.version, bump)!, ...local };
  }
  if (!opts.to || opts.to === c.version) return c;
  const v = semver.valid(opts.to) ? await read(opts.to) : undefined;
  if (!v) throw new UsageError(`no version ${opts.to} of ${c.name} in the realm's history`, `Versions in its evolution: ${c.evolution.map((e) => e.version).join(", ") || "none"}; or pass --local for what this repo's code gives.`);
  return v;
}

/** `--local`: the contract as this repo's code gives it, read as `check` reads it (its extract, past consent). */
export function localReader(member: { repoRoot: string; repo: string; realm: string; pins?: TrustedCommand[] }, timeoutMs: number): NonNullable<ImpactOptions["local"]> {
  return async (domain, d, c) => {
    const { repo } = member;
    if (c.owner !== repo) throw new UsageError(`--local reads a contract from its owner's code: ${c.name} is owned by ${c.owner}, not ${repo}`, `Run it in ${c.owner}, or pass --to VERSION.`);
    const exp = d.bindings.get(repo)?.exports.find((x) => x.contract === c.name);
    if (!exp?.extract) throw new UsageError(`${repo}'s binding does not say how to read ${c.name} from its code (no extract:)`, `Add one with 'blue realm export ${c.name} --extract FILE', or pass --to VERSION.`);
    const consent = machineConsent(blueHome(), member.realm, member.pins);
    const use = extractUse(domain, repo, exp);
    if (use) requireConsent(consent, use);
    const cache = openCache(member.repoRoot, { enabled: true, warn: warnStderr });
    try {
      const got = await readLocalExport(member.repoRoot, exp, cache, { timeoutMs, gate: extractGate(consent, domain, repo) });
      if (!got) throw new UsageError(`${repo}'s binding does not say how to read ${c.name} from its code (no extract:)`, "Pass --to VERSION.");
      return { value: got.value, ...(got.schema ? { schema: got.schema.schema } : {}) };
    } finally {
      cache.close();
    }
  };
}
