// daemon.db: the daemon's state (realms, sessions, notifications) in SQLite. WAL, a busy timeout, numbered
// migrations, and every write in an IMMEDIATE transaction (deferred ones failed with SQLITE_BUSY under two
// writers on this machine; NOTES-STACK.md). Everything in it is rebuilt from the realms, so a file that cannot be
// read (not a database, truncated, failing `PRAGMA quick_check`, or a migration failing on it) is moved aside and
// a new one started: the daemon must not fail every start, forever, on it. The file is 0600, and so are the -wal
// and -shm SQLite creates beside it (it gives them the database's mode).
import { Database } from "bun:sqlite";
import type { ForgeNotification, Notification, NotificationInput, Session, SessionInput } from "../daemon/api.ts";
import { moveAside } from "../system/move-aside.ts";
import { createPrivateFile, restrictFile } from "../system/private.ts";
import { MIGRATIONS } from "./migrations/daemon.ts";

/** A contract version (sync/notify.ts VersionRef has the same shape). */
type VersionRef = { domain: string; contract: string; version: string };
export type RealmRow = { name: string; forgejo_url: string; local_path: string; last_sync: string | null; status: string };
// Row types are the API's Zod types: the daemon returns rows as they are (plus a session's derived state).
export type SessionRow = Omit<Session, "state">;
export type NotificationRow = Notification;
/** A daemon.db that could not be used: why, and where it was moved. */
export type Recovery = { reason: string; moved_to: string };

const COMPANIONS = ["-wal", "-shm"] as const;

/** Open (creating and migrating) daemon.db; one that cannot be used is moved aside and replaced (`recovered`). */
export function openDaemonDb(path: string, now: () => Date = () => new Date()): DaemonDb {
  const first = tryOpen(path);
  if (first instanceof Database) return new DaemonDb(first);
  const movedTo = moveAside(path, now(), COMPANIONS);
  const again = tryOpen(path);
  if (!(again instanceof Database)) throw new Error(`${path}: a new database cannot be created either: ${again.reason}`);
  return new DaemonDb(again, movedTo ? { reason: first.reason, moved_to: movedTo } : undefined);
}

/** The database, or why this file cannot be used. Errors that say nothing about the file (locked, disk full,
 *  no permission on the directory) are thrown: moving the file aside would not help. */
function tryOpen(path: string): Database | { reason: string } {
  let db: Database | undefined;
  try {
    privateFile(path);
    db = new Database(path, { create: true, strict: true });
    // The busy timeout first: switching to WAL takes a lock another process may hold.
    db.exec("PRAGMA busy_timeout = 5000");
    db.exec("PRAGMA journal_mode = WAL");
    db.exec("PRAGMA synchronous = NORMAL");
    db.exec("PRAGMA foreign_keys = ON");
    // Checks every page's structure: a truncated or scribbled file shows here, not in the middle of a request.
    // Once per daemon start: open + check + migrate took ~5 ms with 1,000 notifications, ~0.2 s with 100,000 (24 MB).
    const check = (db.query("PRAGMA quick_check").all() as { quick_check: string }[]).map((r) => r.quick_check);
    if (check.length !== 1 || check[0] !== "ok") {
      db.close();
      return { reason: `PRAGMA quick_check failed: ${check.join("; ").replace(/\s+/g, " ").slice(0, 200)}` };
    }
  } catch (e) {
    db?.close();
    if (unreadable(e)) return { reason: (e as Error).message };
    throw e;
  }
  try {
    migrate(db);
  } catch (e) {
    db.close();
    if (busy(e)) throw e;
    return { reason: `its migration failed: ${(e as Error).message}` };
  }
  return db;
}

/** Created 0600 before SQLite opens it, so the -wal and -shm it creates are 0600 too; a directory in its place is
 *  left for SQLite to refuse (and then moved aside). */
function privateFile(path: string): void {
  try {
    createPrivateFile(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EISDIR") throw e;
  }
  for (const ext of COMPANIONS) restrictFile(path + ext);
}

const code = (e: unknown) => String((e as { code?: unknown }).code ?? "");
const unreadable = (e: unknown) => /NOTADB|CORRUPT|CANTOPEN|IOERR_SHORT_READ/.test(code(e)) || /not a database|malformed/.test((e as Error).message ?? "");
const busy = (e: unknown) => /BUSY|LOCKED|FULL|IOERR/.test(code(e));

function migrate(db: Database): void {
  db.transaction(() => {
    const current = (db.query("PRAGMA user_version").get() as { user_version: number }).user_version;
    for (const [i, sql] of MIGRATIONS.entries()) {
      if (i + 1 > current) db.exec(sql);
    }
    db.exec(`PRAGMA user_version = ${MIGRATIONS.length}`);
  }).immediate();
}

const json = (v: unknown) => JSON.stringify(v ?? []);
const parseList = (s: unknown): string[] => (typeof s === "string" ? (JSON.parse(s) as string[]) : []);

export type OwnershipWarning = { commit: string; file: string; author: string | null; message: string; seen_at?: string };

function toSession(r: Record<string, unknown>): SessionRow {
  return {
    ...(r as unknown as SessionRow),
    active_domains: parseList(r.active_domains),
    exports_modified: parseList(r.exports_modified),
    imports_watching: parseList(r.imports_watching),
  };
}
function toNotification(r: Record<string, unknown>): NotificationRow {
  return {
    ...(r as unknown as NotificationRow),
    changes: parseList(r.changes),
    recipients: parseList(r.recipients),
    acknowledged_by: parseList(r.acknowledged_by),
  };
}

export class DaemonDb {
  constructor(
    readonly db: Database,
    /** Set when the file found could not be used and this one replaced it. */
    readonly recovered?: Recovery,
  ) {}

  close(): void {
    this.db.close();
  }

  upsertRealm(r: { name: string; url: string; local_path: string }): void {
    this.db.transaction(() => {
      this.db
        .query(
          `INSERT INTO realms (name, forgejo_url, local_path) VALUES ($name, $url, $local_path)
           ON CONFLICT(name) DO UPDATE SET forgejo_url = excluded.forgejo_url, local_path = excluded.local_path`,
        )
        .run(r);
    }).immediate();
  }

  /** A fetch done: when, where the clone fetched from (a realm moved with `remote set` while this daemon was
   *  not running is listed at its new place from its next fetch on), and whether the realm then loaded. */
  markRealmSynced(name: string, at: string, url?: string, status: "active" | "broken" = "active"): void {
    this.db
      .transaction(() =>
        url
          ? this.db.query("UPDATE realms SET last_sync = $at, forgejo_url = $url, status = $status WHERE name = $name").run({ name, at, url, status })
          : this.db.query("UPDATE realms SET last_sync = $at, status = $status WHERE name = $name").run({ name, at, status }),
      )
      .immediate();
  }

  /** Record commits a fetch found breaking ownership (one row per commit and file, kept once). */
  addOwnershipWarnings(realm: string, rows: readonly OwnershipWarning[], at: string): void {
    const insert = this.db.query(
      "INSERT OR IGNORE INTO ownership_warnings (realm, commit_sha, file, author, message, seen_at) VALUES ($realm, $commit, $file, $author, $message, $at)",
    );
    this.db.transaction(() => {
      for (const r of rows) insert.run({ realm, commit: r.commit, file: r.file, author: r.author, message: r.message, at });
    }).immediate();
  }

  /** The realm's ownership warnings seen since `since` (ISO time), newest first. */
  ownershipWarnings(realm: string, since: string): (OwnershipWarning & { seen_at: string })[] {
    return this.db
      .query("SELECT commit_sha AS 'commit', file, author, message, seen_at FROM ownership_warnings WHERE realm = $realm AND seen_at >= $since ORDER BY seen_at DESC, commit_sha, file")
      .all({ realm, since }) as (OwnershipWarning & { seen_at: string })[];
  }

  /** Record forge notifications; one already recorded (same realm, set and decision) is left as it is. */
  addForgeNotifications(rows: readonly ForgeNotification[], at: string): number {
    const insert = this.db.query(
      `INSERT OR IGNORE INTO forge_notifications (realm, set_id, decision, repo, kind, message, decided_at, decided_by, seen_at)
       VALUES ($realm, $set_id, $decision, $repo, $kind, $message, $decided_at, $decided_by, $at)`,
    );
    return this.db.transaction(() => rows.reduce((n, r) => n + insert.run({ ...r, at }).changes, 0)).immediate();
  }

  /** A repo's forge notifications decided since `since` (ISO time), newest first. */
  forgeNotifications(realm: string, repo: string, since: string): ForgeNotification[] {
    return this.db
      .query("SELECT realm, set_id, decision, repo, kind, message, decided_at, decided_by FROM forge_notifications WHERE realm = $realm AND repo = $repo AND decided_at >= $since ORDER BY decided_at DESC, decision")
      .all({ realm, repo, since }) as ForgeNotification[];
  }

  realms(): RealmRow[] {
    return this.db.query("SELECT * FROM realms ORDER BY name").all() as RealmRow[];
  }

  realm(name: string): RealmRow | undefined {
    return (this.db.query("SELECT * FROM realms WHERE name = $name").get({ name }) as RealmRow | null) ?? undefined;
  }

  /** Register a session, or refresh it (activity, and any field given) when the id exists. */
  touchSession(s: SessionInput, now: string): SessionRow {
    return this.db.transaction(() => {
      this.db
        .query(
          `INSERT INTO sessions (id, repo, realm, client_id, pid, repo_path, branch, started_at, last_activity, active_rfc, active_domains, exports_modified, imports_watching)
           VALUES ($id, $repo, $realm, $client_id, $pid, $repo_path, $branch, $now, $now, $active_rfc, $active_domains, $exports_modified, $imports_watching)
           ON CONFLICT(id) DO UPDATE SET
             repo = excluded.repo, realm = excluded.realm, last_activity = excluded.last_activity,
             client_id = COALESCE(excluded.client_id, client_id), pid = COALESCE(excluded.pid, pid),
             repo_path = COALESCE(excluded.repo_path, repo_path), branch = COALESCE(excluded.branch, branch),
             active_rfc = COALESCE(excluded.active_rfc, active_rfc),
             active_domains = CASE WHEN $has_domains THEN excluded.active_domains ELSE active_domains END,
             exports_modified = CASE WHEN $has_exports THEN excluded.exports_modified ELSE exports_modified END,
             imports_watching = CASE WHEN $has_imports THEN excluded.imports_watching ELSE imports_watching END`,
        )
        .run({
          id: s.id,
          repo: s.repo,
          realm: s.realm,
          client_id: s.client_id ?? null,
          pid: s.pid ?? null,
          repo_path: s.repo_path ?? null,
          branch: s.branch ?? null,
          now,
          active_rfc: s.active_rfc ?? null,
          active_domains: json(s.active_domains),
          exports_modified: json(s.exports_modified),
          imports_watching: json(s.imports_watching),
          has_domains: s.active_domains ? 1 : 0,
          has_exports: s.exports_modified ? 1 : 0,
          has_imports: s.imports_watching ? 1 : 0,
        });
      return toSession(this.db.query("SELECT * FROM sessions WHERE id = $id").get({ id: s.id }) as Record<string, unknown>);
    }).immediate();
  }

  sessions(filter: { realm?: string } = {}): SessionRow[] {
    const rows = filter.realm
      ? this.db.query("SELECT * FROM sessions WHERE realm = $realm ORDER BY last_activity DESC").all({ realm: filter.realm })
      : this.db.query("SELECT * FROM sessions ORDER BY last_activity DESC").all();
    return (rows as Record<string, unknown>[]).map(toSession);
  }

  deleteSession(id: string): boolean {
    return this.db.transaction(() => this.db.query("DELETE FROM sessions WHERE id = $id").run({ id }).changes > 0).immediate();
  }

  /** Remove sessions whose process is gone; returns how many. */
  removeSessionsWhere(gone: (s: SessionRow) => boolean): number {
    const stale = this.sessions().filter(gone);
    if (stale.length === 0) return 0;
    this.db.transaction(() => {
      const del = this.db.query("DELETE FROM sessions WHERE id = $id");
      for (const s of stale) del.run({ id: s.id });
    }).immediate();
    return stale.length;
  }

  /** Whether this version of the contract was announced already (by anyone). */
  hasNotification(n: { realm: string; domain: string; contract: string; version?: string }): boolean {
    return (
      this.db
        .query("SELECT 1 FROM notifications WHERE realm = $realm AND domain = $domain AND contract = $contract AND version IS $version LIMIT 1")
        .get({ realm: n.realm, domain: n.domain, contract: n.contract, version: n.version ?? null }) !== null
    );
  }

  addNotification(n: NotificationInput, now: string): NotificationRow {
    return this.db.transaction(() => {
      const row = this.db
        .query(
          `INSERT INTO notifications (realm, domain, contract, from_repo, change_type, version, changes, recipients, created_at)
           VALUES ($realm, $domain, $contract, $from_repo, $change_type, $version, $changes, $recipients, $now) RETURNING *`,
        )
        .get({ ...n, version: n.version ?? null, changes: json(n.changes), recipients: json(n.recipients), now }) as Record<string, unknown>;
      const inbox = this.db.query("INSERT OR IGNORE INTO notification_inbox (repo, notification_id) VALUES ($repo, $id)");
      for (const repo of n.recipients ?? []) inbox.run({ repo, id: row.id as number });
      return toNotification(row);
    }).immediate();
  }

  /** Mark the notices of `withdrawn` versions withdrawn (once: the first time stays), and clear the mark of `owed`
   *  ones (proposed again, or on main). Returns how many notices were newly withdrawn. */
  markWithdrawn(realm: string, withdrawn: readonly VersionRef[], owed: readonly VersionRef[], at: string): number {
    const mark = this.db.query("UPDATE notifications SET withdrawn_at = $at WHERE realm = $realm AND domain = $domain AND contract = $contract AND version = $version AND withdrawn_at IS NULL");
    const clear = this.db.query("UPDATE notifications SET withdrawn_at = NULL WHERE realm = $realm AND domain = $domain AND contract = $contract AND version = $version AND withdrawn_at IS NOT NULL");
    return this.db
      .transaction(() => {
        for (const v of owed) clear.run({ realm, domain: v.domain, contract: v.contract, version: v.version });
        return withdrawn.reduce((n, v) => n + mark.run({ realm, domain: v.domain, contract: v.contract, version: v.version, at }).changes, 0);
      })
      .immediate();
  }

  /** Notifications, newest first. `repo`: those meant for it; `pending`: only those it has not acknowledged. */
  notifications(filter: { realm?: string; repo?: string; pending?: boolean; limit?: number }): NotificationRow[] {
    const params = { realm: filter.realm ?? null, limit: filter.limit ?? 1000 };
    // Separate statements so "pending" uses the partial index instead of walking every row of the repo's inbox.
    const rows = !filter.repo
      ? this.db.query("SELECT * FROM notifications WHERE ($realm IS NULL OR realm = $realm) ORDER BY id DESC LIMIT $limit").all(params)
      : this.db
          .query(
            `SELECT n.* FROM notification_inbox i ${filter.pending ? "INDEXED BY notification_inbox_pending" : ""} JOIN notifications n ON n.id = i.notification_id
             WHERE i.repo = $repo ${filter.pending ? "AND i.acknowledged_at IS NULL" : ""} AND ($realm IS NULL OR n.realm = $realm)
             ORDER BY i.notification_id DESC LIMIT $limit`,
          )
          .all({ ...params, repo: filter.repo });
    return (rows as Record<string, unknown>[]).map(toNotification);
  }

  /** Record that `repo` acknowledged notification `id`; idempotent. Undefined when there is no such notification. */
  acknowledge(id: number, repo: string, now: string): NotificationRow | undefined {
    return this.db.transaction(() => {
      const row = this.db.query("SELECT * FROM notifications WHERE id = $id").get({ id }) as Record<string, unknown> | null;
      if (!row) return undefined;
      const n = toNotification(row);
      if (!n.acknowledged_by.includes(repo)) {
        n.acknowledged_by.push(repo);
        this.db.query("UPDATE notifications SET acknowledged_by = $ack WHERE id = $id").run({ id, ack: JSON.stringify(n.acknowledged_by) });
      }
      this.db
        .query(
          `INSERT INTO notification_inbox (repo, notification_id, acknowledged_at) VALUES ($repo, $id, $now)
           ON CONFLICT(repo, notification_id) DO UPDATE SET acknowledged_at = COALESCE(acknowledged_at, excluded.acknowledged_at)`,
        )
        .run({ repo, id, now });
      return n;
    }).immediate();
  }
}
