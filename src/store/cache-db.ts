// .blue/cache.db: what blue can skip redoing (RFC "Caching"; DESIGN.md §4). Extracted export values, keyed on
// their source files' mtime and content hash; contract versions read from the realm's history, valid while the
// realm clone stays on the same commit; ajv's verdicts, keyed on contract, version and the hash of validator+schema+value.
// WAL, a busy timeout, and every write in an IMMEDIATE transaction (NOTES-STACK.md). Writes and hit/miss counts
// are buffered and written in one transaction when the command closes the cache, so eight processes checking
// at once take the write lock eight times, not eight thousand. A cache that cannot be used never fails a
// command: a corrupt or foreign file is moved aside and rebuilt, any later SQLite error turns the cache off.
import type { Database } from "bun:sqlite";
import pkg from "../../package.json" with { type: "json" };
import { isCorruption, moveAside, openDb } from "./cache-open.ts";
import { cachePathForRepo } from "./cache-paths.ts";
import { sha256 } from "./hash.ts";

/** The tables in cache.db. */
export const SQL_TABLES = ["export_cache", "contract_cache", "validation_cache", "file_cache"] as const;
/** What `admin cache stats` reports on: the tables, and the whole reports kept beside them (report-cache.ts). */
export const CACHE_TABLES = [...SQL_TABLES, "report_cache"] as const;
export type CacheTable = (typeof CACHE_TABLES)[number];
type SqlTable = (typeof SQL_TABLES)[number];

/** One source file as the cache saw it: its path (repo-relative), mtime in ms, and sha256 of its content. */
export type SourceStamp = { path: string; mtime: number; hash: string };
/** What says a file did not change without reading it (as git's index does): size and mtime in ns. */
export type FileStamp = { size: number; mtimeNs: bigint };
/** A contract as of one version: what compatibility checks need. */
export type ContractSnapshot = { version: string; schema: unknown; value: unknown };
/** ajv's verdict on a value: the schema's compile error, or the value's errors (empty when valid). */
export type ValidationOutcome = {
  schemaError?: string;
  errors: { instancePath: string; message?: string; additionalProperty?: string }[];
};

export type CacheOptions = {
  /** false (`--no-cache`): nothing is read or written, every lookup misses, the file is not even opened. */
  enabled: boolean;
  /** One line for the user (stderr), e.g. when a corrupt cache was moved aside. */
  warn?: (message: string) => void;
  now?: () => number;
};

export interface Cache {
  readonly enabled: boolean;
  readonly path: string;
  getExport(key: string, sources: readonly SourceStamp[]): { value: unknown } | undefined;
  putExport(key: string, sources: readonly SourceStamp[], value: unknown): void;
  getContract(domain: string, contract: string, version: string, realmCommit: string): ContractSnapshot | undefined;
  putContract(domain: string, contract: string, version: string, realmCommit: string, snapshot: ContractSnapshot): void;
  getValidation(contract: string, version: string, bindingHash: string): ValidationOutcome | undefined;
  putValidation(contract: string, version: string, bindingHash: string, outcome: ValidationOutcome): void;
  /** A realm file's validated data, if the file still has this size and mtime. */
  getFile(path: string, stamp: FileStamp): unknown;
  putFile(path: string, stamp: FileStamp, data: unknown): void;
  /** Write what was buffered (entries and hit/miss counts). close() does it too. */
  flush(): void;
  close(): void;
}

export function openCache(repoRoot: string, opts: CacheOptions): Cache {
  return openCacheAt(cachePathForRepo(repoRoot), opts);
}

export function openCacheAt(path: string, opts: CacheOptions): Cache {
  if (!opts.enabled) return new NoCache(path);
  const warn = opts.warn ?? (() => {});
  try {
    return new SqliteCache(path, openDb(path, warn), opts.now ?? Date.now, warn);
  } catch (e) {
    warn(`cache ${path} cannot be used, running without it: ${(e as Error).message}`);
    return new NoCache(path);
  }
}

class NoCache implements Cache {
  readonly enabled = false;
  constructor(readonly path: string) {}
  getExport() {
    return undefined;
  }
  putExport() {}
  getContract() {
    return undefined;
  }
  putContract() {}
  getValidation() {
    return undefined;
  }
  putValidation() {}
  getFile() {
    return undefined;
  }
  putFile() {}
  flush() {}
  close() {}
}

type Pending = { table: SqlTable; params: Record<string, unknown> };

const UPSERT: Record<SqlTable, string> = {
  export_cache: `INSERT OR REPLACE INTO export_cache (file_path, mtime, content_hash, sources, exports, cached_at)
                 VALUES ($key, $mtime, $hash, $sources, $value, $now)`,
  contract_cache: `INSERT OR REPLACE INTO contract_cache (domain, contract, version, schema, value, realm_commit, cached_at)
                   VALUES ($domain, $contract, $version, $schema, $value, $commit, $now)`,
  validation_cache: `INSERT OR REPLACE INTO validation_cache (contract, version, binding_hash, valid, output, validated_at)
                     VALUES ($contract, $version, $hash, $valid, $output, $now)`,
  file_cache: `INSERT OR REPLACE INTO file_cache (path, size, mtime_ns, blue_version, data, cached_at)
               VALUES ($path, $size, $mtime, $version, $data, $now)`,
};

class SqliteCache implements Cache {
  readonly enabled = true;
  private pending: Pending[] = [];
  private counts = Object.fromEntries(SQL_TABLES.map((t) => [t, { hits: 0, misses: 0 }])) as Record<SqlTable, { hits: number; misses: number }>;
  private broken = false;

  constructor(
    readonly path: string,
    private db: Database,
    private now: () => number,
    private warn: (m: string) => void,
  ) {}

  /** Run a read; a SQLite failure turns the cache off for the rest of the command instead of failing it. */
  private read<T>(fn: () => T): T | undefined {
    if (this.broken) return undefined;
    try {
      return fn();
    } catch (e) {
      this.fail(e);
      return undefined;
    }
  }

  private fail(e: unknown): void {
    this.broken = true;
    // A file corrupted under us is moved aside so the next command starts a new one.
    const aside = isCorruption(e) ? moveAside(this.path) : undefined;
    this.warn(`cache ${this.path} failed, running without it${aside ? ` (moved to ${aside})` : ""}: ${(e as Error).message}`);
  }

  private count(table: SqlTable, hit: boolean): void {
    this.counts[table][hit ? "hits" : "misses"]++;
  }

  getExport(key: string, sources: readonly SourceStamp[]) {
    const row = this.read(() => this.db.query("SELECT sources, exports FROM export_cache WHERE file_path = $key").get({ key }) as { sources: string; exports: string } | null);
    const hit = row != null && row.sources === JSON.stringify(sources);
    this.count("export_cache", hit);
    return hit ? { value: JSON.parse(row.exports) as unknown } : undefined;
  }

  putExport(key: string, sources: readonly SourceStamp[], value: unknown): void {
    const mtime = Math.max(0, ...sources.map((s) => Math.floor(s.mtime)));
    const hash = sha256(sources.map((s) => `${s.path}\0${s.hash}`).join("\n"));
    this.pending.push({ table: "export_cache", params: { key, mtime, hash, sources: JSON.stringify(sources), value: JSON.stringify(value ?? null) } });
  }

  getContract(domain: string, contract: string, version: string, realmCommit: string) {
    const row = this.read(
      () =>
        this.db.query("SELECT schema, value, realm_commit FROM contract_cache WHERE domain = $domain AND contract = $contract AND version = $version").get({ domain, contract, version }) as {
          schema: string;
          value: string;
          realm_commit: string;
        } | null,
    );
    // Rows from another realm commit are stale: the realm moved, and history may have been rewritten.
    const hit = row != null && row.realm_commit === realmCommit;
    this.count("contract_cache", hit);
    if (!hit) return undefined;
    const data = JSON.parse(row.value) as { version: string; value: unknown };
    return { version: data.version, schema: JSON.parse(row.schema) as unknown, value: data.value };
  }

  putContract(domain: string, contract: string, version: string, realmCommit: string, s: ContractSnapshot): void {
    this.pending.push({
      table: "contract_cache",
      params: { domain, contract, version, commit: realmCommit, schema: JSON.stringify(s.schema ?? null), value: JSON.stringify({ version: s.version, value: s.value ?? null }) },
    });
  }

  getValidation(contract: string, version: string, hash: string) {
    const row = this.read(
      () => this.db.query("SELECT output FROM validation_cache WHERE contract = $contract AND version = $version AND binding_hash = $hash").get({ contract, version, hash }) as { output: string } | null,
    );
    this.count("validation_cache", row != null);
    return row ? (JSON.parse(row.output) as ValidationOutcome) : undefined;
  }

  putValidation(contract: string, version: string, hash: string, outcome: ValidationOutcome): void {
    const valid = outcome.schemaError === undefined && outcome.errors.length === 0;
    this.pending.push({ table: "validation_cache", params: { contract, version, hash, valid: valid ? 1 : 0, output: JSON.stringify(outcome) } });
  }

  getFile(path: string, stamp: FileStamp): unknown {
    const row = this.read(() => this.db.query("SELECT size, mtime_ns, blue_version, data FROM file_cache WHERE path = $path").get({ path }) as { size: number; mtime_ns: string; blue_version: string; data: string } | null);
    const hit = row != null && row.size === stamp.size && row.mtime_ns === String(stamp.mtimeNs) && row.blue_version === pkg.version;
    this.count("file_cache", hit);
    return hit ? (JSON.parse(row.data) as unknown) : undefined;
  }

  putFile(path: string, stamp: FileStamp, data: unknown): void {
    // A file changed within the last two seconds may change again within the same mtime tick: not cached
    // (git's "racy" rule), so an edit can never hide behind an unchanged size and mtime.
    if (Number(stamp.mtimeNs / 1_000_000n) > this.now() - 2_000) return;
    this.pending.push({ table: "file_cache", params: { path, size: stamp.size, mtime: String(stamp.mtimeNs), version: pkg.version, data: JSON.stringify(data) } });
  }

  flush(): void {
    if (this.broken) return;
    const pending = this.pending;
    const counts = this.counts;
    const looked = SQL_TABLES.some((t) => counts[t].hits + counts[t].misses > 0);
    if (pending.length === 0 && !looked) return;
    this.pending = [];
    this.counts = Object.fromEntries(SQL_TABLES.map((t) => [t, { hits: 0, misses: 0 }])) as typeof counts;
    const now = this.now();
    try {
      this.db.transaction(() => {
        for (const p of pending) this.db.query(UPSERT[p.table]).run({ ...p.params, now });
        const bump = this.db.query(
          `INSERT INTO cache_stats (table_name, hits, misses, since) VALUES ($table, $hits, $misses, $now)
           ON CONFLICT(table_name) DO UPDATE SET hits = hits + excluded.hits, misses = misses + excluded.misses`,
        );
        for (const t of SQL_TABLES) if (counts[t].hits + counts[t].misses > 0) bump.run({ table: t, ...counts[t], now });
      }).immediate();
    } catch (e) {
      this.fail(e);
    }
  }

  close(): void {
    this.flush();
    try {
      this.db.close();
    } catch {}
  }
}
