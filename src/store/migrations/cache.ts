// cache.db migrations, applied in order; PRAGMA user_version records how many ran. Append, never edit.
// PRAGMA application_id marks the file as blue's cache, so a foreign SQLite file is told apart from an old one.
export const CACHE_APPLICATION_ID = 0x626c7565; // "blue"

export const MIGRATIONS: readonly string[] = [
  // 1: the RFC's three tables. export_cache is keyed on what is extracted (the binding's extract:, as JSON) and
  // keeps every source file's mtime and content hash; contract_cache keeps a contract file's data (schema and
  // value) as read from the realm's history; validation_cache keeps ajv's verdict on a value against a schema.
  // cache_stats counts hits and misses per table since the last clear.
  `CREATE TABLE export_cache (
     file_path TEXT PRIMARY KEY,
     mtime INTEGER NOT NULL,
     content_hash TEXT NOT NULL,
     sources JSON NOT NULL,
     exports JSON,
     cached_at INTEGER NOT NULL
   );
   CREATE TABLE contract_cache (
     domain TEXT NOT NULL,
     contract TEXT NOT NULL,
     version TEXT NOT NULL,
     schema JSON,
     value JSON,
     realm_commit TEXT,
     cached_at INTEGER NOT NULL,
     PRIMARY KEY (domain, contract, version)
   );
   CREATE TABLE validation_cache (
     contract TEXT NOT NULL,
     version TEXT NOT NULL,
     binding_hash TEXT NOT NULL,
     valid INTEGER NOT NULL,
     output TEXT,
     validated_at INTEGER NOT NULL,
     PRIMARY KEY (contract, version, binding_hash)
   );
   CREATE TABLE cache_stats (
     table_name TEXT PRIMARY KEY,
     hits INTEGER NOT NULL DEFAULT 0,
     misses INTEGER NOT NULL DEFAULT 0,
     since INTEGER NOT NULL
   );
   PRAGMA application_id = ${CACHE_APPLICATION_ID};`,
  // 2: realm files as loaded and validated, so a warm check skips parsing files that did not change. Keyed on
  // the file's absolute path; valid while its size and mtime (ns) are those recorded, and for this blue version
  // (a new blue may read files differently).
  `CREATE TABLE file_cache (
     path TEXT PRIMARY KEY,
     size INTEGER NOT NULL,
     mtime_ns TEXT NOT NULL,
     blue_version TEXT NOT NULL,
     data JSON NOT NULL,
     cached_at INTEGER NOT NULL
   );`,
  // 3: whole `blue realm check` reports, keyed on the check's arguments and blue's build, each with the files it
  // was computed from (report-cache.ts); reused while every one of them is unchanged.
  `CREATE TABLE report_cache (
     key TEXT PRIMARY KEY,
     deps JSON NOT NULL,
     report JSON NOT NULL,
     cached_at INTEGER NOT NULL
   );`,
  // 4: whole reports moved to files beside cache.db (report-cache.ts): a repeated check no longer loads SQLite.
  `DROP TABLE report_cache;
   DELETE FROM cache_stats WHERE table_name = 'report_cache';`,
];
