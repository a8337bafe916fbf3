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
  // 2: a per-repo inbox, so "pending for repo R" is an index range scan instead of a json_each over every
  // notification (the RFC's acknowledged_by column is kept, in step, for readers of the table).
  `CREATE TABLE notification_inbox (
     repo TEXT NOT NULL,
     notification_id INTEGER NOT NULL REFERENCES notifications(id) ON DELETE CASCADE,
     acknowledged_at TEXT,
     PRIMARY KEY (repo, notification_id)
   ) WITHOUT ROWID;
   CREATE INDEX notification_inbox_pending ON notification_inbox(repo, notification_id) WHERE acknowledged_at IS NULL;
   INSERT OR IGNORE INTO notification_inbox (repo, notification_id, acknowledged_at)
     SELECT r.value, n.id,
            CASE WHEN EXISTS (SELECT 1 FROM json_each(n.acknowledged_by) a WHERE a.value = r.value) THEN n.created_at END
     FROM notifications n, json_each(n.recipients) r;`,
  // 3: commits a fetch brought that changed files their author may not change (check/run-ownership.ts): shown
  // by status, never turned into notifications.
  `CREATE TABLE ownership_warnings (
     realm TEXT NOT NULL,
     commit_sha TEXT NOT NULL,
     file TEXT NOT NULL,
     author TEXT,
     message TEXT NOT NULL,
     seen_at TEXT NOT NULL,
     PRIMARY KEY (realm, commit_sha, file)
   ) WITHOUT ROWID;`,
  // 4: the branch a session's work tree has checked out (with repo_path, what tells sessions of one repo apart).
  `ALTER TABLE sessions ADD COLUMN branch TEXT;`,
  // 5: forge state as its own kind of notification (issue 20): what the daemons following a coordinated change
  // decided about a repo's PR (merged, unblocked, blocked by a provider closed unmerged, cannot merge), one row per
  // decision of the set's record in the realm remote, whichever machine took it.
  `CREATE TABLE forge_notifications (
     realm TEXT NOT NULL,
     set_id TEXT NOT NULL,
     decision TEXT NOT NULL,
     repo TEXT NOT NULL,
     kind TEXT NOT NULL,
     message TEXT NOT NULL,
     decided_at TEXT NOT NULL,
     decided_by TEXT NOT NULL,
     seen_at TEXT NOT NULL,
     PRIMARY KEY (realm, set_id, decision)
   ) WITHOUT ROWID;
   CREATE INDEX forge_notifications_repo ON forge_notifications(realm, repo, decided_at);`,
  // 6: a notice whose version only a sync branch closed without merging proposed (sync/closed.ts): withdrawn, so
  // owed by nobody, kept (not deleted) so that a proposal of the same version again can make it owed again.
  `ALTER TABLE notifications ADD COLUMN withdrawn_at TEXT;`,
];
