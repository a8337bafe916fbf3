// Reads a realm directory into a typed model and reports every problem at once, each with file:line:col.
import { fullJit } from "../system/jit.ts";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import type { z } from "zod";
import { ConfigError, type Problem } from "../errors.ts";
import type { Cache, FileStamp } from "../store/cache-db.ts";
import { detectCycles, domainEdges, formatCycle, type Edge } from "./graph.ts";
import {
  BindingFile,
  ContractFile,
  DomainFile,
  DomainGovernanceFile,
  RealmFile,
  RepoFile,
  WaiverFile,
} from "./schema.ts";
import { needsNewerBlue } from "./format.ts";
import { fastParse } from "../yaml/fast.ts";
import { fastLocate } from "../yaml/locate.ts";
import { fieldName, locate, parseYaml, readText, validate, type PathSegment, type YamlSource } from "../yaml/source.ts";

export type DomainModel = {
  name: string;
  file: DomainFile;
  governance?: DomainGovernanceFile;
  contracts: Map<string, ContractFile>;
  bindings: Map<string, BindingFile>;
  /** waivers/{contract}.yaml by contract (issue 19): findings a realm approver let through, until a date. */
  waivers: Map<string, WaiverFile>;
  /** Contract files present but invalid: already reported, so references to them are not errors too. */
  invalidContracts: Set<string>;
};

export type RealmModel = {
  root: string;
  realm?: RealmFile;
  repos: Map<string, RepoFile>;
  domains: Map<string, DomainModel>;
  /** Repos named as domain members that have not joined yet. */
  pending: string[];
};

export type LoadResult = {
  model: RealmModel;
  problems: Problem[];
  /** Set when realm.yaml asks for a newer blue: nothing else was read, and this one line says why (also a problem). */
  refusal?: ConfigError;
  /** line:col of a path inside a realm file that loaded (e.g. a contract's `value` element), for findings. */
  locate: (file: string, path: readonly PathSegment[]) => { line: number; col: number } | undefined;
};

/** Where a load may find files it read before (the cache's file_cache), skipping unchanged files' parsing. */
export type LoadedFiles = Pick<Cache, "getFile" | "putFile">;

export function loadRealm(root: string, files?: LoadedFiles): LoadResult {
  // A big realm's files are parsed and validated long enough for the JIT to pay (system/jit.ts).
  if (existsSync(join(root, "domains")) && readdirSync(join(root, "domains")).length >= BIG_REALM_DOMAINS) fullJit();
  const loader = new Loader(root, files);
  const model = loader.read();
  if (!loader.refusal) loader.crossCheck(model);
  return { model, problems: loader.problems, refusal: loader.refusal, locate: (file, path) => loader.locate(file, path) };
}

/** Domains from which a realm's load is long enough for the JIT (the benchmark's 1,000-contract realm has 200). */
const BIG_REALM_DOMAINS = 20;

export function hasErrors(problems: readonly Problem[]): boolean {
  return problems.some((p) => p.severity === "error");
}

class Loader {
  readonly problems: Problem[] = [];
  refusal?: ConfigError;
  private readonly sources = new Map<string, YamlSource>();
  /** Files read by the fast path: parsed with positions only if a problem or finding must point into them. */
  private readonly texts = new Map<string, string>();
  /** Files taken from the cache, with the size they were cached at: their text is read only if a position inside them is needed. */
  private readonly lazy = new Map<string, number>();
  /** Cached files changed since they were read: positions in them come from `yaml`. */
  private readonly unscannable = new Set<string>();

  constructor(
    private readonly root: string,
    private readonly files?: LoadedFiles,
  ) {}

  read(): RealmModel {
    const model: RealmModel = { root: this.root, repos: new Map(), domains: new Map(), pending: [] };
    if (!existsSync(join(this.root, "realm.yaml"))) {
      this.problem("realm.yaml", [], "", "missing: this directory is not a realm (no realm.yaml)");
    } else {
      model.realm = this.file("realm.yaml", RealmFile, (data) => this.readableHere(data));
      if (this.refusal) return model;
    }
    for (const entry of yamlFiles(join(this.root, "repos"))) {
      const rel = `repos/${entry}`;
      const repo = this.file(rel, RepoFile);
      if (!repo) continue;
      this.expectName(rel, ["name"], repo.name, stem(entry));
      model.repos.set(stem(entry), repo);
    }
    for (const dir of subdirs(join(this.root, "domains"))) {
      const domain = this.readDomain(dir);
      if (domain) model.domains.set(dir, domain);
    }
    return model;
  }

  private readDomain(dir: string): DomainModel | undefined {
    const base = `domains/${dir}`;
    if (!existsSync(join(this.root, base, "domain.yaml"))) {
      this.problem(`${base}/domain.yaml`, [], "", "missing: every directory under domains/ needs a domain.yaml");
      return undefined;
    }
    const file = this.file(`${base}/domain.yaml`, DomainFile);
    if (!file) return undefined;
    this.expectName(`${base}/domain.yaml`, ["name"], file.name, dir);
    const domain: DomainModel = { name: dir, file, contracts: new Map(), bindings: new Map(), waivers: new Map(), invalidContracts: new Set() };
    if (existsSync(join(this.root, base, "governance.yaml"))) {
      domain.governance = this.file(`${base}/governance.yaml`, DomainGovernanceFile);
    }
    for (const entry of yamlFiles(join(this.root, base, "contracts"))) {
      const rel = `${base}/contracts/${entry}`;
      const contract = this.file(rel, ContractFile);
      if (!contract) {
        domain.invalidContracts.add(stem(entry));
        continue;
      }
      this.expectName(rel, ["name"], contract.name, stem(entry));
      domain.contracts.set(stem(entry), contract);
    }
    for (const entry of yamlFiles(join(this.root, base, "bindings"))) {
      const rel = `${base}/bindings/${entry}`;
      const binding = this.file(rel, BindingFile);
      if (!binding) continue;
      this.expectName(rel, ["repo"], binding.repo, stem(entry));
      domain.bindings.set(stem(entry), binding);
    }
    for (const entry of yamlFiles(join(this.root, base, "waivers"))) {
      const rel = `${base}/waivers/${entry}`;
      const waivers = this.file(rel, WaiverFile);
      if (!waivers) continue;
      this.expectName(rel, ["contract"], waivers.contract, stem(entry));
      domain.waivers.set(stem(entry), waivers);
    }
    return domain;
  }

  crossCheck(model: RealmModel): void {
    // A signing key proves an email only where that email may act: a key of someone else is a mistake.
    const strayKeys = (rel: string, at: PathSegment[], keys: readonly { email: string }[] | undefined, allowed: readonly string[], who: string) =>
      keys?.forEach((k, i) => {
        if (!allowed.some((e) => e.toLowerCase() === k.email.toLowerCase())) {
          const path = [...at, "signing_keys", i, "email"];
          this.problem(rel, path, fieldName(path), `${k.email} is not one of the ${who}: this key verifies nothing`, "warning");
        }
      });
    if (model.realm) strayKeys("realm.yaml", ["governance"], model.realm.governance.signing_keys, model.realm.governance.approvers, "approvers");
    for (const [name, repo] of model.repos) strayKeys(`repos/${name}.yaml`, [], repo.signing_keys, repo.maintainers, "maintainers");
    const pending = new Set<string>();
    const contractHome = new Map<string, string>();
    for (const [dname, domain] of model.domains) {
      const base = `domains/${dname}`;
      const members = new Set<string>();
      domain.file.members.forEach((m, i) => {
        if (members.has(m)) this.problem(`${base}/domain.yaml`, ["members", i], `members[${i}]`, `'${m}' is listed twice`);
        members.add(m);
        if (!model.repos.has(m)) pending.add(m);
      });
      for (const [cname, contract] of domain.contracts) {
        const rel = `${base}/contracts/${cname}.yaml`;
        const other = contractHome.get(cname);
        if (other !== undefined) {
          this.problem(rel, ["name"], "name", `contract '${cname}' is also defined in domain '${other}'; contract names must be unique in a realm`);
        } else contractHome.set(cname, dname);
        if (!members.has(contract.owner)) {
          this.problem(rel, ["owner"], "owner", `'${contract.owner}' is not a member of domain '${dname}' (members: ${[...members].join(", ")})`);
        } else if (!domain.bindings.get(contract.owner)?.exports.some((e) => e.contract === cname)) {
          this.problem(rel, ["owner"], "owner", `owner '${contract.owner}' does not export '${cname}': add it to the exports of ${base}/bindings/${contract.owner}.yaml`);
        }
      }
      for (const cname of domain.waivers.keys()) {
        if (!domain.contracts.has(cname) && !domain.invalidContracts.has(cname)) {
          this.problem(`${base}/waivers/${cname}.yaml`, ["contract"], "contract", `no contract '${cname}' in domain '${dname}': a waiver sits beside the contract it waives`);
        }
      }
      for (const [rname, binding] of domain.bindings) {
        const rel = `${base}/bindings/${rname}.yaml`;
        if (!members.has(binding.repo)) {
          this.problem(rel, ["repo"], "repo", `'${binding.repo}' is not a member of domain '${dname}'`);
        }
        if (binding.role === "provider" && binding.imports.length > 0) {
          this.problem(rel, ["imports"], "imports", "a provider binding exports; imports belong in a consumer binding");
        }
        if (binding.role === "consumer" && binding.exports.length > 0) {
          this.problem(rel, ["exports"], "exports", "a consumer binding imports; exports belong in a provider binding");
        }
        binding.exports.forEach((exp, i) => {
          const contract = domain.contracts.get(exp.contract);
          if (domain.invalidContracts.has(exp.contract)) return;
          if (!contract) {
            this.problem(rel, ["exports", i, "contract"], `exports[${i}].contract`, `no contract '${exp.contract}' in domain '${dname}'`);
          } else if (contract.owner !== binding.repo) {
            this.problem(rel, ["exports", i, "contract"], `exports[${i}].contract`, `'${exp.contract}' is owned by '${contract.owner}'; only its owner may export it`);
          }
        });
        binding.imports.forEach((imp, i) => {
          const contract = domain.contracts.get(imp.contract);
          if (domain.invalidContracts.has(imp.contract)) return;
          if (!contract) {
            this.problem(rel, ["imports", i, "contract"], `imports[${i}].contract`, `no contract '${imp.contract}' in domain '${dname}'`);
          } else if (contract.owner === binding.repo) {
            this.problem(rel, ["imports", i, "contract"], `imports[${i}].contract`, `'${binding.repo}' owns '${imp.contract}' and cannot import it`);
          }
        });
      }
    }
    model.pending = [...pending].sort();
    for (const cycle of detectCycles(realmEdges(model))) {
      const closing = cycle[cycle.length - 1]!.domain;
      this.problem(`domains/${closing}/domain.yaml`, ["members"], "members", `domains form a cycle: ${formatCycle(cycle)}`);
    }
  }

  /** realm.yaml's data, before validation: false (and the refusal) when it asks for a newer blue. */
  private readableHere(data: unknown): boolean {
    const refusal = needsNewerBlue(data, basename(this.root));
    if (!refusal) return true;
    this.refusal = new ConfigError(refusal, "Install a newer blue on this machine: realm.yaml's min_blue_version names the oldest that reads this realm right.");
    this.problem("realm.yaml", ["min_blue_version"], "min_blue_version", refusal);
    return false;
  }

  /** One file, parsed and validated; `admit` sees its data first and may refuse it (undefined, no validation). */
  private file<S extends z.ZodType>(rel: string, schema: S, admit?: (data: unknown) => boolean): z.infer<S> | undefined {
    const abs = join(this.root, rel);
    let stamp: FileStamp | undefined;
    if (this.files) {
      // Unchanged since a load that found it plain and valid: its data as validated then; text read if needed.
      const st = statSync(abs, { bigint: true, throwIfNoEntry: false });
      stamp = st ? { size: Number(st.size), mtimeNs: st.mtimeNs } : undefined;
      const data = stamp && this.files.getFile(abs, stamp);
      if (data !== undefined) {
        this.lazy.set(rel, stamp!.size);
        return !admit || admit(data) ? (data as z.infer<S>) : undefined;
      }
    }
    let text: string;
    try {
      const read = readText(abs, rel);
      if ("problem" in read) {
        this.problems.push(read.problem);
        return undefined;
      }
      text = read.text;
    } catch (e) {
      this.problem(rel, [], "", `cannot read: ${(e as Error).message}`);
      return undefined;
    }
    // Most files are plain and valid: read them natively, and keep `yaml`'s exact reading (with positions)
    // for files the fast path steps aside from or that do not validate, so their problems are reported as before.
    const fast = fastParse(text);
    if (fast !== null && typeof fast === "object") {
      // (Positions in it come from this text until `yaml` reads it below.)
      this.texts.set(rel, text);
      if (admit && !admit(fast)) return undefined;
      const checked = schema.safeParse(fast);
      if (checked.success) {
        if (stamp) this.files?.putFile(abs, stamp, checked.data);
        return checked.data;
      }
    }
    const parsed = parseYaml(rel, text);
    this.problems.push(...parsed.problems);
    if (hasErrors(parsed.problems)) return undefined;
    this.sources.set(rel, parsed.source);
    if (admit && !admit(parsed.source.doc.toJS({ maxAliasCount: -1 }))) return undefined;
    const checked = validate(parsed.source, schema);
    this.problems.push(...checked.problems);
    return checked.value;
  }

  locate(file: string, path: readonly PathSegment[]): { line: number; col: number } | undefined {
    const cachedSize = this.lazy.get(file);
    if (cachedSize !== undefined) {
      // Read from file_cache, not parsed this run: file_cache keeps only files the fast path took (plain ones), so
      // the line scan may read it; a text that no longer has the cached size is not that file, and is not scanned.
      this.lazy.delete(file);
      try {
        const text = readFileSync(join(this.root, file), "utf8");
        this.texts.set(file, text);
        if (Buffer.byteLength(text) !== cachedSize) this.unscannable.add(file);
      } catch {}
    }
    const text = this.sources.has(file) || this.unscannable.has(file) ? undefined : this.texts.get(file);
    const fast = text === undefined ? undefined : fastLocate(text, path, true);
    if (fast) return fast;
    const source = this.source(file);
    return source ? locate(source, path) : undefined;
  }

  private source(rel: string): YamlSource | undefined {
    let source = this.sources.get(rel);
    const text = this.texts.get(rel);
    if (!source && text !== undefined) {
      source = parseYaml(rel, text).source;
      this.sources.set(rel, source);
    }
    return source;
  }

  private expectName(rel: string, path: PathSegment[], actual: string, expected: string): void {
    if (actual !== expected) {
      this.problem(rel, path, path.join("."), `is '${actual}' but the file is named for '${expected}'; they must match`);
    }
  }

  private problem(rel: string, path: PathSegment[], field: string, message: string, severity: Problem["severity"] = "error"): void {
    const at = this.locate(rel, path) ?? { line: 0, col: 0 };
    this.problems.push({ file: rel, ...at, field, message, severity });
  }
}

/** The graph's view of a domain. */
export function graphDomain(d: DomainModel) {
  return {
    name: d.name,
    members: d.file.members,
    contracts: [...d.contracts.values()].map((c) => ({ name: c.name, owner: c.owner })),
    imports: [...d.bindings.values()].flatMap((b) => b.imports.map((i) => ({ repo: b.repo, contract: i.contract }))),
  };
}

export function realmEdges(model: RealmModel): Edge[] {
  return [...model.domains.values()].flatMap((d) => domainEdges(graphDomain(d)));
}

function yamlFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => (f.endsWith(".yaml") || f.endsWith(".yml")) && !f.startsWith("."))
    .sort();
}

function subdirs(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => !f.startsWith(".") && statSync(join(dir, f)).isDirectory())
    .sort();
}

function stem(file: string): string {
  return file.replace(/\.ya?ml$/, "");
}

/** Load a realm that must be valid to act on: any error throws a ConfigError listing every problem. With `files`
 *  (the member repo's cache.db), files unchanged since a load found them valid are not parsed again. */
export function loadValidRealm(root: string, name: string, files?: LoadedFiles): { model: RealmModel; warnings: Problem[] } {
  const { model, problems, refusal } = loadRealm(root, files);
  if (refusal) throw refusal;
  const errors = problems.filter((p) => p.severity === "error");
  if (errors.length > 0) {
    throw new ConfigError(
      `realm '${name}' has ${errors.length} error${errors.length === 1 ? "" : "s"} (files relative to ${root})`,
      "Fix them in the realm repo (commit and push there), then run the command again.",
      problems,
    );
  }
  return { model, warnings: problems };
}
