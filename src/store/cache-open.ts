// Opening .blue/cache.db, which several blue processes may do at once (eight checks in CI, a check beside a sync).
// A missing file is built whole under a temp name (created private, switched to WAL, migrated, closed) and linked
// into place, so no process ever sees a cache half made, and none switches a shared file's journal mode: that
// switch takes SQLite's exclusive lock without waiting on the busy timeout, and a process that lost the race
// got SQLITE_BUSY ("database is locked") and ran without its cache. Whatever still reports busy while opening
// (an old cache being migrated, the last process checkpointing as it closes) is retried for a short while.
import { Database } from "bun:sqlite";
import { existsSync, linkSync, mkdirSync, rmSync } from "node:fs";
import { dirname } from "node:path";
import { moveAside as moveFileAside } from "../system/move-aside.ts";
import { createPrivateFile } from "../system/private.ts";
import { CACHE_APPLICATION_ID, MIGRATIONS } from "./migrations/cache.ts";

/** How long an open keeps retrying a busy or vanished file before the command runs without its cache. */
const OPEN_RETRY_MS = 3_000;

/** Open (creating and migrating) the db; a file that is not blue's cache is moved aside and replaced. */
export function openDb(path: string, warn: (m: string) => void): Database {
  mkdirSync(dirname(path), { recursive: true });
  const db = retrying(() => tryOpen(path));
  if (db instanceof Database) return db;
  // Several processes may find the same bad file at once: only one moves it (the rename is atomic; losers
  // find it already gone), and whoever comes next opens the new file.
  const aside = moveAside(path);
  if (aside) warn(`cache ${path} ${db.reason}; moved it to ${aside} and started a new one`);
  const again = retrying(() => tryOpen(path));
  if (again instanceof Database) return again;
  throw new Error(again.reason);
}

/** Run `open` again while it fails as another process's lock or move makes it fail, up to OPEN_RETRY_MS. */
function retrying<T>(open: () => T): T {
  const deadline = Date.now() + OPEN_RETRY_MS;
  for (let pause = 2; ; pause = Math.min(pause * 2, 50)) {
    try {
      return open();
    } catch (e) {
      if (!isTransient(e) || Date.now() + pause > deadline) throw e;
      Bun.sleepSync(pause);
    }
  }
}

function isTransient(e: unknown): boolean {
  // BUSY: another process holds a lock SQLite would not wait on. CANTOPEN: the file was moved aside in between.
  return /^SQLITE_(BUSY|CANTOPEN)/.test((e as { code?: string }).code ?? "");
}

function tryOpen(path: string): Database | { reason: string } {
  if (!existsSync(path)) createWhole(path);
  let db: Database | undefined;
  try {
    db = new Database(path, { strict: true });
    // The busy timeout first: the reads below take a lock another process may hold. A cache: nothing in it is
    // worth an fsync (the first write to a new WAL cost a warm check ~60 ms here); a file an OS crash left
    // corrupt is found on open or on use, moved aside and rebuilt.
    db.exec("PRAGMA busy_timeout = 10000; PRAGMA synchronous = OFF");
    // One read says whether it is our cache, migrated and in WAL mode (every open but an old cache's first).
    // The statement is finalized at once so that no read lock outlives it.
    const stmt = db.prepare("SELECT a.application_id AS app, u.user_version AS version, j.journal_mode AS mode FROM pragma_application_id AS a, pragma_user_version AS u, pragma_journal_mode AS j");
    const ready = stmt.get() as { app: number; version: number; mode: string };
    stmt.finalize();
    if (ready.app === CACHE_APPLICATION_ID && ready.version === MIGRATIONS.length && ready.mode === "wal") return db;
    // An empty file (as an older blue created it before building it), or a cache of an older schema.
    const conn = db;
    const { appId, tables } = conn.transaction(() => ({
      appId: (conn.query("PRAGMA application_id").get() as { application_id: number }).application_id,
      tables: (conn.query("SELECT count(*) AS n FROM sqlite_master").get() as { n: number }).n,
    }))();
    if (tables > 0 && appId !== CACHE_APPLICATION_ID) {
      db.close();
      return { reason: "is not a blue cache (a foreign SQLite file)" };
    }
    if ((db.query("PRAGMA journal_mode").get() as { journal_mode: string }).journal_mode !== "wal") db.exec("PRAGMA journal_mode = WAL");
    migrate(db);
    return db;
  } catch (e) {
    db?.close();
    if (isCorruption(e)) return { reason: `is corrupt (${(e as Error).message})` };
    throw e;
  }
}

/** Build a new cache under a temp name and link it to `path`; when another process linked one first, theirs stays. */
function createWhole(path: string): void {
  const tmp = `${path}.${process.pid}.${Date.now()}.new`;
  try {
    // Created 0600 (and so its -wal and -shm, which SQLite gives the database's mode): a realm clone's cache
    // lives under BLUE_HOME, whose files are private (system/private.ts).
    createPrivateFile(tmp);
    const db = new Database(tmp, { strict: true });
    try {
      db.exec("PRAGMA journal_mode = WAL");
      migrate(db);
    } finally {
      db.close();
    }
    linkSync(tmp, path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
  } finally {
    for (const ext of ["", "-wal", "-shm"]) rmSync(tmp + ext, { force: true });
  }
}

export function isCorruption(e: unknown): boolean {
  const code = (e as { code?: string }).code ?? "";
  return /NOTADB|CORRUPT/.test(code) || /not a database|malformed/.test((e as Error).message ?? "");
}

/** Move a bad cache file (and its WAL and shared-memory files) aside; undefined when another process already did. */
export function moveAside(path: string): string | undefined {
  return moveFileAside(path, new Date(), ["-wal", "-shm"]);
}

function migrate(db: Database): void {
  const version = () => (db.query("PRAGMA user_version").get() as { user_version: number }).user_version;
  if (version() === MIGRATIONS.length) return;
  db.transaction(() => {
    const current = version();
    if (current > MIGRATIONS.length) throw new Error(`it was written by a newer blue (schema ${current}, this blue knows ${MIGRATIONS.length})`);
    for (const [i, sql] of MIGRATIONS.entries()) if (i + 1 > current) db.exec(sql);
    db.exec(`PRAGMA user_version = ${MIGRATIONS.length}`);
  }).immediate();
}
