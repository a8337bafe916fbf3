// The daemon process (`blue __daemon`): binds 127.0.0.1, then publishes blue.pid and daemon.json, cleans
// sessions whose process is gone or that expired (at start and every minute), and shuts down gracefully on SIGTERM/SIGINT:
// in-flight requests finish, the DB is closed, the pid file removed.
import { randomBytes } from "node:crypto";
import { fullJit } from "../system/jit.ts";
import { chmodSync, existsSync, readFileSync, rmSync, statSync } from "node:fs";
import { dirname } from "node:path";
import pkg from "../../package.json" with { type: "json" };
import { writeFileAtomic } from "../system/atomic-write.ts";
import { blueHome, daemonFiles, daemonPort } from "../system/home.ts";
import { leaveNotice, notice, setNoticeSink } from "../system/notice.ts";
import { ensurePrivateDir, PRIVATE_FILE, restrictFile } from "../system/private.ts";
import { trustPath } from "../trust/store.ts";
import { rebuildFromClones, recoveryNotice } from "./rebuild.ts";
import { git } from "../git/realm-repo.ts";
import { withLock } from "../system/lock.ts";
import { openDaemonDb } from "../store/daemon-db.ts";
import { clockNow } from "../system/clock.ts";
import type { ContractNotice, PendingAckLike, VersionRef } from "../sync/notify.ts";
import type { OwnershipWarning } from "../store/daemon-db.ts";
import type { ForgeNotification } from "./api.ts";
import { createApp } from "./app.ts";
import { SyncBusy } from "./sync-queue.ts";

export type DaemonInfo = { pid: number; port: number; version: string; started_at: string };

const SWEEP_MS = 60_000;

function log(message: string): void {
  process.stdout.write(`${new Date().toISOString()} ${message}\n`);
}

/** The bearer token: created once (0600) and reused; a token file others can read is refused. */
export function ensureToken(path: string): string {
  if (existsSync(path)) {
    const mode = statSync(path).mode & 0o777;
    if (mode & 0o077) chmodSync(path, 0o600);
    return readFileSync(path, "utf8").trim();
  }
  const token = randomBytes(32).toString("base64url");
  writeFileAtomic(path, `${token}\n`, PRIVATE_FILE);
  return token;
}


/**
 * Fetch a realm clone (under the same lock the CLI's realm changes take), merge the open sync branches that
 * governance now allows (DESIGN.md §5), and report the contract versions proposed on open sync branches.
 * Without `network` (rebuilding a lost daemon.db), only the last part, from the clone as it is.
 */
async function fetchRealm(
  name: string,
  localPath: string,
  opts: { network: boolean } = { network: true },
): Promise<{ head: string; proposed: ContractNotice[]; acks: PendingAckLike[]; url?: string; violations: OwnershipWarning[]; forge: ForgeNotification[]; withdrawn: VersionRef[] }> {
  // Reading alone takes no lock, as status reads: a rebuilding daemon must not wait on a command that holds it.
  const locked = <T>(fn: () => Promise<T>) => (opts.network ? withLock(`${localPath}.lock`, fn) : fn());
  return locked(async () => {
    const { fetchRealm: fetchClone } = await import("../sync/branches.ts");
    const previous = (await git(localPath).raw(["rev-parse", "HEAD"]).catch(() => "")).trim();
    if (opts.network) await fetchClone(localPath);
    const violations = await ownershipOf(name, localPath, previous);
    const { settle, readPending } = await import("../sync/run.ts");
    const { syncHostFor } = await import("../sync/host-for.ts");
    const { pendingNotices, withdrawnVersions } = await import("../sync/notify.ts");
    const { loadRealm, hasErrors } = await import("../realm/load.ts");
    // Before settle removes them: acknowledgements whose provider's branch was closed without merging.
    const closed = opts.network ? await closedProvidersOf(name, localPath) : { notices: [], branches: new Set<string>(), withdrawn: [] };
    try {
      const merges = opts.network ? await settle(localPath, name, await syncHostFor(name, localPath, ""), clockNow()) : [];
      for (const m of merges) if (m.merged) log(`merged ${m.branch} in ${name} (${m.reason})`);
      for (const m of merges) if (m.removed) log(`removed ${m.branch} in ${name}: it can no longer merge`);
    } catch (e) {
      log(`merging due sync branches of ${name} failed: ${(e as Error).message.split("\n")[0]}`);
    }
    const forge = [...closed.notices, ...(opts.network ? await followOn(name, localPath) : [])];
    const { model, problems } = loadRealm(localPath);
    const pending = hasErrors(problems) ? [] : await readPending(localPath, model);
    // A provider's branch recorded closed (a forge keeps it) proposes nothing: its versions are withdrawn.
    const open = pending.filter((p) => !closed.branches.has(p.branch));
    const proposed = pendingNotices(name, model, open);
    const withdrawn = hasErrors(problems) ? [] : withdrawnVersions(closed.withdrawn, model, open);
    if (opts.network) forge.push(...(await import("../follow/run.ts")).staleSyncApprovals(name, pending, clockNow().toISOString()));
    // Acknowledgements on open sync branches clear their notifications before the branches merge.
    const acks = pending.filter((p) => !p.obsolete).flatMap((p) => p.acks);
    // The clone's origin is where the realm is: `remote set` moves it there, on this machine or another.
    const url = (await git(localPath).raw(["config", "--get", "remote.origin.url"])).trim() || undefined;
    return { head: (await git(localPath).raw(["rev-parse", "HEAD"])).trim(), proposed, acks, url, violations, forge, withdrawn };
  });
}

/** Sync branches closed without merging (sync/closed.ts): what this fetch learns is recorded in the realm remote,
 *  then every record there becomes a `blocked` notification for its importers, whichever machine learned it and
 *  whether or not its settle already removed their acknowledgements; records that came to their end are pruned. */
async function closedProvidersOf(name: string, localPath: string): Promise<{ notices: ForgeNotification[]; branches: Set<string>; withdrawn: VersionRef[] }> {
  const none = { notices: [], branches: new Set<string>(), withdrawn: [] };
  const [{ readPending, markClosedBases }, { syncHostFor }, { loadRealm, hasErrors }, { closedSyncProviders }, closed] = await Promise.all([
    import("../sync/run.ts"),
    import("../sync/host-for.ts"),
    import("../realm/load.ts"),
    import("../follow/run.ts"),
    import("../sync/closed.ts"),
  ]);
  const { model, problems } = loadRealm(localPath);
  if (hasErrors(problems)) return none;
  const now = clockNow();
  try {
    await closed.fetchClosed(localPath);
    const pending = await readPending(localPath, model);
    await markClosedBases(pending, await syncHostFor(name, localPath, ""));
    for (const f of await closed.recordClosed(localPath, name, pending, now)) log(`${name}: ${closed.describeFate(f)}`);
    const records = await closed.readClosedRecords(localPath, { fetch: false });
    const found = closedSyncProviders(records.map((r) => r.record));
    // Logged by the daemon that learns it (each later fetch reads the record again; its notification is stored once).
    const learned = new Set(pending.filter((p) => p.obsolete && p.base_closed).map((p) => p.branch));
    for (const n of found) if (learned.has(n.decision.split(" ")[1]!)) log(`${name}: ${n.repo}: ${n.message}`);
    for (const p of await closed.pruneClosed(localPath, records, now)) log(`${name}: the record of ${p.branch} closed without merging ends: ${p.why}`);
    return { notices: found, branches: new Set(records.map((r) => r.record.branch)), withdrawn: records.flatMap((r) => r.record.withdrawn) };
  } catch (e) {
    log(`reading the sync branches of ${name} failed: ${(e as Error).message.split("\n")[0]}`);
    return none;
  }
}

/** Follow the realm's coordinated changes (follow/run.ts); every decision is logged with its PR and reason. */
async function followOn(name: string, localPath: string): Promise<ForgeNotification[]> {
  const { followRealm, followDeps, forgeNotices } = await import("../follow/run.ts");
  try {
    const report = await followRealm(await followDeps({ clone: localPath, realm: name, home: blueHome(), now: () => clockNow(), log }), { fetch: true });
    return forgeNotices(report);
  } catch (e) {
    log(`following the coordinated changes of ${name} failed: ${(e as Error).message.split("\n")[0]}`);
    return [];
  }
}

/** The commits a fetch brought (previous..HEAD) that changed files their authors may not change, judged as
 *  `blue realm check --mode=ownership` judges them. A first fetch judges nothing: there is no "before". */
async function ownershipOf(name: string, localPath: string, previous: string): Promise<OwnershipWarning[]> {
  const head = (await git(localPath).raw(["rev-parse", "HEAD"]).catch(() => "")).trim();
  if (!previous || !head || previous === head) return [];
  try {
    const { checkOwnership } = await import("../check/run-ownership.ts");
    const report = await checkOwnership({ realmDir: localPath, realm: name }, { from: previous, to: head });
    const broken = report.findings.filter((f) => f.severity === "error" && f.commit);
    for (const f of broken) log(`${name}: commit ${f.commit!.slice(0, 10)} by ${f.author ?? "?"} breaks ownership: ${f.file ?? ""} ${f.message}`);
    return broken.map((f) => ({ commit: f.commit!, file: f.file ?? "", author: f.author ?? null, message: f.message }));
  } catch (e) {
    log(`checking ownership of ${name} ${previous.slice(0, 10)}..${head.slice(0, 10)} failed: ${(e as Error).message.split("\n")[0]}`);
    return [];
  }
}

/** How often the daemon fetches every realm it tracks (DESIGN.md §5); BLUE_REALM_FETCH_SECONDS, 0 turns it off. */
function fetchIntervalMs(): number {
  const s = Number(process.env.BLUE_REALM_FETCH_SECONDS ?? 300);
  return Number.isFinite(s) && s > 0 ? s * 1000 : 0;
}

export async function runDaemon(): Promise<void> {
  // Long-lived: the JIT pays (system/jit.ts).
  fullJit();
  const files = daemonFiles();
  ensurePrivateDir(blueHome());
  ensurePrivateDir(dirname(files.info));
  // Files an older blue left readable by others (the runtime dir's own are rewritten 0600 below).
  for (const f of [files.log, files.token, trustPath(blueHome())]) restrictFile(f);
  // No terminal here: a store repaired while running (trust.json) is logged, and told by the next command.
  setNoticeSink((text) => {
    log(`warning: ${text}`);
    leaveNotice(text);
  });
  const token = ensureToken(files.token);
  let db: ReturnType<typeof openDaemonDb>;
  try {
    db = openDaemonDb(files.db);
  } catch (e) {
    // One line: the CLI shows the log's last line as the reason the daemon did not start.
    log(`cannot open ${files.db}: ${(e as Error).message.split("\n")[0]}`);
    process.exit(1);
  }
  if (db.recovered) notice(recoveryNotice(files.db, db.recovered));

  const startedAt = new Date().toISOString();
  let port = 0;
  const deps = { db, token, port: () => port, version: pkg.version, startedAt, clock: clockNow };
  const app = createApp({ ...deps, syncRealm: fetchRealm });
  const removed = app.sweepSessions();
  if (removed) log(`removed ${removed} orphaned session(s)`);
  // Before answering anyone: what the lost database held that the realms on this machine say, read from their
  // clones as they are (no network; the next fetch adds what is new).
  if (db.recovered) await rebuildFromClones(db, createApp({ ...deps, syncRealm: (name, path) => fetchRealm(name, path, { network: false }) }), log);

  let server: ReturnType<typeof Bun.serve>;
  try {
    server = Bun.serve({ hostname: "127.0.0.1", port: daemonPort(), fetch: app.fetch, idleTimeout: 30 });
  } catch (e) {
    log(`cannot listen on 127.0.0.1:${daemonPort()}: ${(e as Error).message}`);
    db.close();
    process.exit(1);
  }
  port = server.port ?? 0;

  // Published only once the port is bound, so a client that reads them can connect.
  const info: DaemonInfo = { pid: process.pid, port, version: pkg.version, started_at: startedAt };
  writeFileAtomic(files.pid, `${process.pid}\n`, PRIVATE_FILE);
  writeFileAtomic(files.info, `${JSON.stringify(info)}\n`, PRIVATE_FILE);
  log(`blue daemon ${pkg.version} listening on 127.0.0.1:${port} (pid ${process.pid})`);

  const sweep = setInterval(() => {
    const n = app.sweepSessions();
    if (n) log(`removed ${n} orphaned session(s)`);
  }, SWEEP_MS);
  const every = fetchIntervalMs();
  const fetcher = every
    ? setInterval(async () => {
        for (const r of db.realms()) {
          try {
            const done = await app.syncRealm(r.name, r.local_path);
            if (done.notifications) log(`fetched ${r.name}: ${done.notifications} notification(s)`);
          } catch (e) {
            if (e instanceof SyncBusy) continue; // a fetch is waiting already: it brings what this one would
            log(`fetch of ${r.name} failed: ${(e as Error).message.split("\n")[0]}`);
          }
        }
      }, every)
    : undefined;

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: finishing in-flight requests`);
    clearInterval(sweep);
    if (fetcher) clearInterval(fetcher);
    // Open dashboard event streams never finish by themselves: end them, or the graceful stop waits for ever.
    app.closeDashboard();
    await server.stop(false);
    db.close();
    // Remove the files only if they are still ours (a replacement daemon may have written its own).
    for (const f of [files.pid, files.info]) {
      try {
        if (readFileSync(f, "utf8").includes(String(process.pid))) rmSync(f, { force: true });
      } catch {}
    }
    log("stopped");
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
}
