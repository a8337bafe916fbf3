// Versions of the contracts a check compares: old ones read from the realm's git history (through contract_cache,
// valid for one realm commit), and the version before or named by --from/--to.
import semver from "semver";
import { UsageError } from "../errors.ts";
import { contractHistory, filesAt, parseQuietly, type ContractVersions } from "../git/history.ts";
import type { DomainModel } from "../realm/load.ts";
import { ContractFile } from "../realm/schema.ts";
import type { Cache } from "../store/cache-db.ts";
import type { Side } from "./findings.ts";

/** contract_cache's version for "as last published" (origin/main, else HEAD), whose version is not known before reading. */
const PUBLISHED = "@published";

/** A contract a check looks at, with its domain and file. */
export type Entry = { domain: string; d: DomainModel; contract: ContractFile; file: string };

/** Old versions of contracts from the realm's git history, through contract_cache (valid for one realm commit). */
export class History {
  constructor(
    private readonly dir: string,
    private readonly cache: Cache,
    private readonly commit: string,
    /** Histories by contract file, some already being read. */
    private readonly logs: Map<string, Promise<ContractVersions>>,
  ) {}

  /** The published state of each entry's contract file, by file; all misses read by one git process. */
  async published(ref: string, list: readonly Entry[]): Promise<Map<string, Side>> {
    const out = new Map<string, Side>();
    const missing = list.filter((e) => {
      const hit = this.cache.getContract(e.domain, e.contract.name, PUBLISHED, this.commit);
      if (hit) out.set(e.file, hit);
      return !hit;
    });
    const texts = await filesAt(this.dir, ref, missing.map((e) => e.file));
    for (const e of missing) {
      const side = texts.has(e.file) ? toSide(parseQuietly(texts.get(e.file)!)) : undefined;
      if (!side) continue;
      out.set(e.file, side);
      this.cache.putContract(e.domain, e.contract.name, PUBLISHED, this.commit, side);
    }
    return out;
  }

  async atVersion(e: Entry, version: string): Promise<Side | undefined> {
    const hit = this.cache.getContract(e.domain, e.contract.name, version, this.commit);
    if (hit) return hit;
    if (!this.logs.has(e.file)) this.logs.set(e.file, contractHistory(this.dir, e.file));
    const side = toSide((await this.logs.get(e.file)!).get(version));
    if (side) this.cache.putContract(e.domain, e.contract.name, version, this.commit, side);
    return side;
  }
}

export function previousInEvolution(c: ContractFile, version: string): string {
  const earlier = c.evolution.map((e) => e.version).filter((v) => v !== version);
  const prev = earlier[earlier.length - 1];
  if (!prev) throw new UsageError(`${c.name} has no version before ${version} in its evolution`, "Pass --from <version>.");
  return prev;
}

export async function versionOf(history: History, e: Entry, version: string): Promise<Side> {
  if (version === e.contract.version) return e.contract;
  const side = await history.atVersion(e, version);
  if (!side) {
    throw new UsageError(`no version ${version} of ${e.contract.name} in the realm's history`, `Versions in its evolution: ${e.contract.evolution.map((v) => v.version).join(", ") || "none"}.`);
  }
  return side;
}

/** --from must not be newer than --to (`current`: --to was not given, and is the contract's version). Versions
 *  that are not semver are left to the lookup, which names the versions there are. */
export function requireOrdered(from: string, to: string, current = false): void {
  if (semver.valid(from) && semver.valid(to) && semver.gt(from, to)) {
    if (current) throw new UsageError(`--from ${from} is newer than --to ${to} (the current version)`, `--to defaults to the current version; pass an older --from.`);
    throw new UsageError(`--from ${from} is newer than --to ${to}`, `Swap them: --from=${to} --to=${from}.`);
  }
}

function toSide(data: unknown): Side | undefined {
  const parsed = data ? ContractFile.safeParse(data) : undefined;
  return parsed?.success ? { version: parsed.data.version, schema: parsed.data.schema, value: parsed.data.value } : undefined;
}
