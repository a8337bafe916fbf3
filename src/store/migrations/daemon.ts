// daemon.db migrations, applied in order; PRAGMA user_version records how many ran. Append, never edit.
export const MIGRATIONS: readonly string[] = [
  // 1: the RFC's tables, plus what the design needs: a session's pid and repo path (to clean orphans and
  // find repos), a notification's version and recipients (the repos that import the contract).
  `CREATE TABLE realms (
     name TEXT PRIMARY KEY,
     forgejo_url TEXT NOT NULL,
     local_path TEXT NOT NULL,
     last_sync TEXT,
     status TEXT DEFAULT 'active'
   );
   CREATE TABLE sessions (
     id TEXT PRIMARY KEY,
     repo TEXT NOT NULL,
     realm TEXT NOT NULL,
     client_id TEXT,
     pid INTEGER,
     repo_path TEXT,
     started_at TEXT,
     last_activity TEXT,
     active_rfc TEXT,
     active_domains JSON DEFAULT '[]',
     exports_modified JSON DEFAULT '[]',
     imports_watching JSON DEFAULT '[]'
   );
   CREATE INDEX sessions_realm ON sessions(realm);
   CREATE TABLE notifications (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     realm TEXT NOT NULL,
     domain TEXT NOT NULL,
     contract TEXT NOT NULL,
     from_repo TEXT NOT NULL,
     change_type TEXT NOT NULL CHECK (change_type IN ('updated', 'breaking', 'new')),
     version TEXT,
     changes JSON,
     recipients JSON DEFAULT '[]',
     created_at TEXT,
     acknowledged_by JSON DEFAULT '[]'
   );
   CREATE INDEX notifications_realm ON notifications(realm, id);`,
];
