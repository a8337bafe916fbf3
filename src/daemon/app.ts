// The daemon's Hono app. Routes are chained so `typeof app` carries them and the client is derived from it.
// Security (DESIGN.md §7): the Host must be this daemon's loopback address, a foreign Origin is refused, and
// every route but /health needs the bearer token.
import { zValidator } from "@hono/zod-validator";
import semver from "semver";
import { timingSafeEqual } from "node:crypto";
import { Hono, type Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ZodType } from "zod";
import { formatProblem } from "../errors.ts";
import { hasErrors, type LoadResult } from "../realm/load.ts";
import { contractNotices, notificationKey, stillPending, unresolvedNotices, type ContractNotice, type PendingAckLike, type VersionRef } from "../sync/notify.ts";
import { repoView } from "../realm/view.ts";
import type { DaemonDb, OwnershipWarning, SessionRow } from "../store/daemon-db.ts";
import { Ack, type ForgeNotification, IdParam, NotificationInput, RealmParam, RepoParams, NotificationQuery, RegisterRealm, RepoAck, RepoNotificationQuery, SessionInput, StatusQuery } from "./api.ts";
import { BODY_LIMITS, jsonBody } from "./limits.ts";
import { createRealmCache } from "./realm-cache.ts";
import { createSyncQueue, SyncAbandoned, SyncBusy } from "./sync-queue.ts";
import { fitChanges, VERSION_HEADER } from "./wire.ts";
import { processAlive } from "../system/process-alive.ts";
import { createDashboard, isDashboardPath } from "../dashboard/routes.ts";

export const IDLE_AFTER_MS = 15 * 60 * 1000;

export type AppDeps = {
  db: DaemonDb;
  token: string;
  /** The bound port (known only after Bun.serve binds when the port is 0). */
  port: () => number;
  version: string;
  startedAt: string;
  clock: () => Date;
  /** Fetch a realm's clone: its new head, notices of versions proposed on sync branches, and the URL it fetched from. */
  /** `violations`: commits the fetch brought that changed files their authors may not change. */
  /** `forge`: what the daemons following the realm's coordinated changes decided (follow/run.ts). */
  /** `withdrawn`: versions only a sync branch closed without merging proposed (their notices are owed by nobody). */
  syncRealm: (name: string, localPath: string) => Promise<{ head: string; proposed?: ContractNotice[]; acks?: PendingAckLike[]; url?: string; violations?: OwnershipWarning[]; forge?: ForgeNotification[]; withdrawn?: VersionRef[] }>;
};

type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 429 | 500 | 502;
const fail = (c: Context, status: ErrorStatus, code: string, message: string) => c.json({ error: { code, message } }, status);

/** Why a realm does not load, in the words the CLI would use (a refusal's line, else its first error), or undefined. */
export function brokenBecause(name: string, load: Pick<LoadResult, "problems" | "refusal">): string | undefined {
  if (load.refusal) return load.refusal.message;
  const errors = load.problems.filter((p) => p.severity === "error");
  if (errors.length === 0) return undefined;
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : "";
  return `realm '${name}' does not load: ${formatProblem(errors[0]!)}${more}`;
}

/** zValidator with blue's error shape instead of a ZodError dump. */
const valid = <T extends ZodType, K extends "json" | "query" | "param">(target: K, schema: T) =>
  zValidator(target, schema, (result, c) => {
    if (!result.success) {
      const issue = result.error.issues[0];
      const where = issue?.path.length ? `${issue.path.join(".")}: ` : "";
      return fail(c, 400, "invalid_request", `${where}${issue?.message ?? "invalid request"}`);
    }
  });

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** One notice per realm/domain/contract/version: a version seen landing and still unresolved is one notice. */
function dedupe(notices: ContractNotice[]): ContractNotice[] {
  const seen = new Set<string>();
  return notices.filter((n) => {
    const k = `${n.domain}/${n.contract}@${n.version}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** How long status shows a commit that broke ownership. */
export const OWNERSHIP_WARNING_DAYS = 30;

export function createApp(deps: AppDeps) {
  const realmModel = createRealmCache();
  /** Per realm, the acknowledgements on open sync branches at its last fetch. */
  const pendingAcks = new Map<string, PendingAckLike[]>();
  /** A repo's notifications as the realm now says: pending until it resolves the version (on main or on its own
   *  open sync branch) or dismisses it here. */
  const notificationsOf = (row: { name: string; local_path: string }, repo: string, all: boolean) => {
    const { model, problems } = realmModel(row.local_path);
    const acks = pendingAcks.get(row.name) ?? [];
    return deps.db
      .notifications({ realm: row.name, repo, pending: !all })
      .map((n) => ({ ...n, key: notificationKey(n), pending: !n.acknowledged_by.includes(repo) && !n.withdrawn_at && (hasErrors(problems) || stillPending(n, repo, model, acks)) }))
      .filter((n) => all || n.pending);
  };

  const syncOnce = async (name: string, localPath: string) => {
    const before = realmModel(localPath);
    const { head, proposed = [], acks = [], url, violations = [], forge = [], withdrawn = [] } = await deps.syncRealm(name, localPath);
    pendingAcks.set(name, acks);
    const after = realmModel(localPath);
    const at = deps.clock().toISOString();
    if (violations.length) deps.db.addOwnershipWarnings(name, violations, at);
    const forgeNew = forge.length ? deps.db.addForgeNotifications(forge, at) : 0;
    // A version a commit brought against ownership is shown as a warning by status, never announced.
    const forged = new Set(violations.map((v) => v.file));
    const landed = (hasErrors(before.problems) || hasErrors(after.problems) ? [] : contractNotices(name, before.model, after.model)).filter(
      (n) => !forged.has(`domains/${n.domain}/contracts/${n.contract}.yaml`),
    );
    // A version is announced once, whether seen first on a sync branch, from `blue realm sync`, or on main.
    // What importers still have not resolved is owed too, even if this daemon never saw it land.
    const owed = hasErrors(after.problems) ? [] : unresolvedNotices(name, after.model).filter((n) => !forged.has(`domains/${n.domain}/contracts/${n.contract}.yaml`));
    const notified = dedupe([...proposed, ...landed, ...owed]).filter((n) => !deps.db.hasNotification(n));
    for (const n of notified) deps.db.addNotification({ ...n, changes: fitChanges(n.changes) }, at);
    // What only a closed sync branch proposed is owed by nobody, until the realm proposes or publishes it again.
    deps.db.markWithdrawn(name, withdrawn, [...proposed, ...landed, ...owed].filter((n): n is ContractNotice & VersionRef => n.version !== undefined), at);
    deps.db.markRealmSynced(name, at, url, brokenBecause(name, after) ? "broken" : "active");
    dashboard.hub.publish({ kind: "fetched", realm: name, at });
    return { name, head, last_sync: at, notifications: notified.length + forgeNew };
  };
  /** Fetch a realm and turn the contract versions that changed into notifications for their importers. One at a
   *  time per realm (two overlapping syncs would both see the same change and notify twice), at most one waiting. */
  const syncRealm = createSyncQueue(syncOnce, () => deps.clock().getTime());
  /** A repo's view of a tracked realm, or why there is none (the realm has errors; the repo is not in it). */
  const viewOf = (row: { name: string; local_path: string }, repo: string) => {
    const load = realmModel(row.local_path);
    const { model } = load;
    const broken = brokenBecause(row.name, load);
    if (broken) return { status: 409, code: "invalid_realm", message: broken } as const;
    if (!model.repos.has(repo) && !model.pending.includes(repo)) return { status: 404, code: "not_found", message: `'${repo}' is not a member of realm '${row.name}'` } as const;
    return { view: repoView(model, repo) };
  };
  const idle = (s: SessionRow) => deps.clock().getTime() - Date.parse(s.last_activity) > IDLE_AFTER_MS;
  const withState = (s: SessionRow) => ({ ...s, state: idle(s) ? ("idle" as const) : ("active" as const) });
  /** A session without a pid has no process to outlive: it expires once idle. */
  const expired = (s: SessionRow) => s.pid === null && idle(s);
  /** Remove the sessions that are over: their process is gone, or (registered without a pid) idle. The daemon
   *  runs this at start and every minute; returns how many went. */
  const sweepSessions = () => deps.db.removeSessionsWhere((s) => (s.pid !== null ? !processAlive(s.pid) : expired(s)));
  /** The repos a tracked realm counts in (members and pending ones), or undefined when that is not known: the
   *  realm is not tracked here or does not load. */
  const inRealm = (name: string): Set<string> | undefined => {
    const row = deps.db.realm(name);
    if (!row) return undefined;
    const load = realmModel(row.local_path);
    return brokenBecause(row.name, load) ? undefined : new Set([...load.model.repos.keys(), ...load.model.pending]);
  };
  /** The sessions to list (of one realm, or all). Those of repos that left their realm are removed instead. */
  const liveSessions = (realm?: string) => {
    const rows = deps.db.sessions({ realm });
    const members = new Map<string, Set<string> | undefined>();
    const left = new Set(
      rows
        .filter((s) => {
          if (expired(s)) return true;
          if (!members.has(s.realm)) members.set(s.realm, inRealm(s.realm));
          const repos = members.get(s.realm);
          return repos !== undefined && !repos.has(s.repo);
        })
        .map((s) => s.id),
    );
    if (left.size) deps.db.removeSessionsWhere((s) => left.has(s.id));
    return rows.filter((s) => !left.has(s.id)).map(withState);
  };

  // Its pages take a session, not the bearer token (DESIGN.md §7); the code that opens one is minted below.
  const dashboard = createDashboard({
    port: deps.port,
    clock: deps.clock,
    realms: () => deps.db.realms(),
    load: realmModel,
    broken: brokenBecause,
    notifications: (row, repo) => notificationsOf(row, repo, false).map(({ key: _k, pending: _p, ...n }) => n),
    sessions: (realm) => liveSessions(realm),
    fetch: (name, clone) => syncRealm(name, clone),
  });

  const app = new Hono()
    .use("*", async (c, next) => {
      c.header(VERSION_HEADER, deps.version);
      const port = deps.port();
      const host = c.req.header("host");
      if (host !== `127.0.0.1:${port}` && host !== `localhost:${port}`) {
        return fail(c, 403, "forbidden_host", "requests must be addressed to the daemon's loopback address");
      }
      const origin = c.req.header("origin");
      if (origin !== undefined && origin !== `http://127.0.0.1:${port}` && origin !== `http://localhost:${port}`) {
        return fail(c, 403, "forbidden_origin", "cross-origin requests are refused");
      }
      if (c.req.path !== "/health" && !isDashboardPath(c.req.path)) {
        const auth = c.req.header("authorization") ?? "";
        const token = auth.startsWith("Bearer ") ? auth.slice(7) : "";
        if (!sameSecret(token, deps.token)) return fail(c, 401, "unauthorized", "missing or wrong bearer token (see daemon.token)");
      }
      await next();
    })
    .get("/health", (c) => c.json({ status: "ok" as const, version: deps.version, pid: process.pid, started_at: deps.startedAt }))
    .post("/dashboard-codes", (c) => {
      const { code, expiresAt } = dashboard.access.mintCode();
      return c.json({ code, expires_at: new Date(expiresAt).toISOString() }, 201);
    })
    .route("/dashboard", dashboard.routes)
    .get("/realms", (c) => c.json({ realms: deps.db.realms().map(({ forgejo_url, ...r }) => ({ ...r, url: forgejo_url })) }))
    .post("/realms", jsonBody(BODY_LIMITS.realm), valid("json", RegisterRealm), (c) => {
      const r = c.req.valid("json");
      const known = deps.db.realm(r.name) !== undefined;
      deps.db.upsertRealm(r);
      if (!known) {
        // A daemon new to a realm owes its importers what they have not resolved yet.
        const { model, problems } = realmModel(r.local_path);
        const at = deps.clock().toISOString();
        if (!hasErrors(problems)) for (const n of unresolvedNotices(r.name, model)) if (!deps.db.hasNotification(n)) deps.db.addNotification(n, at);
      }
      return c.json({ ok: true as const }, 201);
    })
    .get("/realms/:name", valid("param", RealmParam), (c) => {
      const row = deps.db.realm(c.req.param("name"));
      if (!row) return fail(c, 404, "not_found", `no realm '${c.req.param("name")}' is tracked by this daemon`);
      const load = realmModel(row.local_path);
      const { model, problems } = load;
      const broken = brokenBecause(row.name, load) ?? null;
      return c.json({
        realm: { name: row.name, url: row.forgejo_url, local_path: row.local_path, last_sync: row.last_sync, status: broken ? "broken" : row.status },
        repos: [...model.repos.keys()],
        pending: model.pending,
        domains: [...model.domains.values()].map((d) => ({
          name: d.name,
          members: d.file.members,
          contracts: [...d.contracts.values()].map((k) => ({ name: k.name, version: k.version, owner: k.owner })),
        })),
        problems: problems.length,
        error: broken,
      });
    })
    .get("/realms/:name/repos/:repo", valid("param", RepoParams), (c) => {
      const row = deps.db.realm(c.req.param("name"));
      if (!row) return fail(c, 404, "not_found", `no realm '${c.req.param("name")}' is tracked by this daemon`);
      const found = viewOf(row, c.req.param("repo"));
      return "view" in found ? c.json({ view: found.view }) : fail(c, found.status, found.code, found.message);
    })
    .post("/realms/:name/repos/:repo/status", valid("param", RepoParams), jsonBody(BODY_LIMITS.session), valid("json", StatusQuery), (c) => {
      const row = deps.db.realm(c.req.param("name"));
      if (!row) return fail(c, 404, "not_found", `no realm '${c.req.param("name")}' is tracked by this daemon`);
      const repo = c.req.param("repo");
      deps.db.touchSession(c.req.valid("json").session, deps.clock().toISOString());
      const found = viewOf(row, repo);
      return c.json({
        view: "view" in found ? found.view : null,
        view_error: "view" in found ? null : found.message,
        notifications: notificationsOf(row, repo, false).map(({ key: _k, pending: _p, ...n }) => n),
        sessions: liveSessions(row.name),
        ownership_warnings: deps.db.ownershipWarnings(row.name, new Date(deps.clock().getTime() - OWNERSHIP_WARNING_DAYS * 86_400_000).toISOString()),
        forge_notifications: deps.db.forgeNotifications(row.name, repo, new Date(deps.clock().getTime() - OWNERSHIP_WARNING_DAYS * 86_400_000).toISOString()),
      });
    })
    .get("/realms/:name/repos/:repo/notifications", valid("param", RepoParams), valid("query", RepoNotificationQuery), (c) => {
      const row = deps.db.realm(c.req.param("name"));
      if (!row) return fail(c, 404, "not_found", `no realm '${c.req.param("name")}' is tracked by this daemon`);
      return c.json({ notifications: notificationsOf(row, c.req.param("repo"), c.req.valid("query").all === "true") });
    })
    .post("/realms/:name/repos/:repo/ack", valid("param", RepoParams), jsonBody(BODY_LIMITS.ack), valid("json", RepoAck), (c) => {
      const row = deps.db.realm(c.req.param("name"));
      if (!row) return fail(c, 404, "not_found", `no realm '${c.req.param("name")}' is tracked by this daemon`);
      const repo = c.req.param("repo");
      const a = c.req.valid("json");
      const at = deps.clock().toISOString();
      const chosen = notificationsOf(row, repo, false).filter((n) =>
        a.key !== undefined
          ? n.key === a.key
          : a.contract !== undefined
            ? n.contract === a.contract
            : n.domain === a.up_to!.domain && n.contract === a.up_to!.contract && (!n.version || !semver.valid(n.version) || !semver.valid(a.up_to!.version) || semver.lte(n.version, a.up_to!.version)),
      );
      for (const n of chosen) deps.db.acknowledge(n.id, repo, at);
      // A sync acknowledged (and may have merged) even when nothing here was still pending: the pages follow.
      dashboard.hub.publish({ kind: "ack", realm: row.name, at });
      return c.json({ acknowledged: chosen.map((n) => ({ ...n, pending: false })) });
    })
    .post("/realms/:name/sync", valid("param", RealmParam), async (c) => {
      const row = deps.db.realm(c.req.param("name"));
      if (!row) return fail(c, 404, "not_found", `no realm '${c.req.param("name")}' is tracked by this daemon`);
      try {
        return c.json(await syncRealm(row.name, row.local_path, c.req.raw.signal));
      } catch (e) {
        if (e instanceof SyncBusy) {
          c.header("Retry-After", String(e.retryAfter));
          return fail(c, 429, "sync_busy", e.message);
        }
        // Nobody reads this answer: the client is gone, and nothing was done for it.
        if (e instanceof SyncAbandoned) return fail(c, 409, "abandoned", e.message);
        return fail(c, 502, "sync_failed", (e as Error).message);
      }
    })
    .get("/sessions", valid("query", NotificationQuery.pick({ realm: true })), (c) => {
      return c.json({ sessions: liveSessions(c.req.valid("query").realm) });
    })
    .post("/sessions", jsonBody(BODY_LIMITS.session), valid("json", SessionInput), (c) => {
      return c.json({ session: withState(deps.db.touchSession(c.req.valid("json"), deps.clock().toISOString())) }, 201);
    })
    .delete("/sessions/:id", valid("param", IdParam), (c) => {
      if (!deps.db.deleteSession(c.req.param("id"))) return fail(c, 404, "not_found", `no session '${c.req.param("id")}'`);
      return c.body(null, 204);
    })
    .get("/notifications", valid("query", NotificationQuery), (c) => {
      const q = c.req.valid("query");
      if (q.pending === "true" && !q.repo) return fail(c, 400, "invalid_request", "pending=true needs repo=<name>");
      return c.json({ notifications: deps.db.notifications({ realm: q.realm, repo: q.repo, pending: q.pending === "true", limit: q.limit }) });
    })
    .post("/notifications", jsonBody(BODY_LIMITS.notification), valid("json", NotificationInput), (c) => {
      const n = deps.db.addNotification(c.req.valid("json"), deps.clock().toISOString());
      dashboard.hub.publish({ kind: "sync", realm: n.realm, at: n.created_at });
      return c.json({ notification: n }, 201);
    })
    .post("/notifications/:id/ack", valid("param", IdParam), jsonBody(BODY_LIMITS.ack), valid("json", Ack), (c) => {
      const id = Number(c.req.param("id"));
      const n = Number.isInteger(id) ? deps.db.acknowledge(id, c.req.valid("json").repo, deps.clock().toISOString()) : undefined;
      if (!n) return fail(c, 404, "not_found", `no notification ${c.req.param("id")}`);
      return c.json({ notification: n });
    })
    .notFound((c) => fail(c, 404, "not_found", `no route ${c.req.method} ${c.req.path}`))
    // Hono's own refusals (a body that is not JSON) keep their status: the client's mistake is not a 500.
    .onError((e, c) => (e instanceof HTTPException && e.status < 500 ? fail(c, e.status as 400, "invalid_request", e.message) : fail(c, 500, "internal", e.message)));
  return Object.assign(app, { syncRealm, sweepSessions, closeDashboard: dashboard.hub.closeAll });
}

export type App = ReturnType<typeof createApp>;
