// Builds the document `blue realm status` reports (and the MCP tool realm_status returns): the repo's view of
// its realm (from the daemon's cached model, else read here), local contract changes read from its code,
// and the sessions and notifications the daemon holds. Rendering is the caller's.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Notification, SessionInput } from "../daemon/api.ts";
import { body, ensureDaemon, type Connection } from "../daemon/client.ts";
import { cliSession } from "../daemon/session.ts";
import { ensureRealmClone } from "../realm-clone.ts";
import { warnProblems, warnStderr } from "../ui/output.ts";
import type { Member } from "../workspace.ts";
import { diffValues } from "./compat/index.ts";
import { extractExportCached } from "./extract.ts";
import { openCache } from "../store/cache-db.ts";
import { loadValidRealm } from "./load.ts";
import { ExportBinding } from "./schema.ts";
import { describeChange, rangeSatisfied, repoView, type RepoView, type StatusDoc } from "./status.ts";

export type StatusOptions = {
  /** Start the daemon when it is not running (status does; a caller that must not leave one behind passes false). */
  startDaemon: boolean;
  /** Have the daemon fetch the realm now (and merge what is due) before reporting. */
  refresh?: boolean;
  /** Reuse extracted values from .blue/cache.db (default true; `--no-cache` passes false). */
  cache?: boolean;
  /** The session to register (and mark as "you"); default: this shell's CLI session. */
  session?: SessionInput;
};

export async function buildStatus(member: Member, opts: StatusOptions): Promise<StatusDoc> {
  const { repo, realm } = { repo: member.config.repo, realm: member.config.realm.name };
  const clone = await ensureRealmClone(member);

  let view: RepoView | undefined;
  let sessions: StatusDoc["sessions"] = null;
  let notifications: Notification[] | null = null;
  let daemonError: string | null = null;
  try {
    const conn = await ensureDaemon({ start: opts.startDaemon });
    const { client } = conn;
    const session = opts.session ?? cliSession(member);
    if (opts.refresh) await refreshRealm(conn, member, clone);
    const [v, notes, listed] = await Promise.all([
      repoViewFromDaemon(conn, member, clone).catch(() => undefined),
      client.notifications.$get({ query: { realm, repo, pending: "true" } }).then(body),
      // Our session must be registered before sessions are listed.
      client.sessions.$post({ json: session }).then(body).then(async () => body(await client.sessions.$get({ query: { realm } }))),
    ]);
    view = v;
    notifications = notes.notifications;
    sessions = listed.sessions.map((s) => ({ repo: s.repo, you: s.id === session.id, state: s.state, active_rfc: s.active_rfc, last_activity: s.last_activity }));
  } catch (e) {
    daemonError = (e as Error).message;
  }
  if (!view) {
    // No daemon, or it could not read the realm: read the clone here (its problems, if any, are reported in full).
    const { model, warnings } = loadValidRealm(clone, realm);
    warnProblems(warnings);
    view = repoView(model, repo);
  }

  const doc: StatusDoc = {
    realm,
    repo,
    domains: view.domains,
    local_changes: [],
    extract_errors: [],
    sessions,
    notifications: notifications && notificationsFor(notifications, view),
    syncs: await pendingSyncs(clone, realm, repo),
    daemon_error: daemonError,
  };
  // Opened only when some export is read from code (opening it costs a plain `status` ~10 ms).
  const extracting = view.exports.some((e) => e.binding.extract !== undefined);
  const cache = openCache(member.root, { enabled: opts.cache !== false && extracting, warn: warnStderr });
  for (const exp of view.exports) {
    try {
      const extracted = await extractExportCached(member.root, ExportBinding.parse(exp.binding), cache);
      if (!extracted) continue;
      const changes = diffValues(exp.value, extracted.value);
      if (changes.length === 0) continue;
      doc.local_changes.push({
        contract: exp.contract,
        domain: exp.domain,
        changes: changes.map((c) => ({ kind: c.kind, pointer: c.pointer, text: describeChange(c) })),
        affected: exp.importers,
      });
    } catch (e) {
      doc.extract_errors.push({ contract: exp.contract, message: (e as Error).message });
    }
  }
  cache.close();
  return doc;
}

/** The repo's view from the daemon's cached model; the realm is registered with the daemon on first use. */
async function repoViewFromDaemon({ client }: Connection, member: Member, clone: string): Promise<RepoView> {
  const param = { name: member.config.realm.name, repo: member.config.repo };
  let res = await client.realms[":name"].repos[":repo"].$get({ param });
  if (res.status === 404) {
    await body(await client.realms.$post({ json: { name: param.name, url: member.config.realm.url, local_path: clone } }));
    res = await client.realms[":name"].repos[":repo"].$get({ param });
  }
  return (await body(res)).view as RepoView;
}

/** Ask the daemon to fetch the realm now (registering it first if it has not seen it). */
async function refreshRealm({ client }: Connection, member: Member, clone: string): Promise<void> {
  const param = { name: member.config.realm.name };
  let res = await client.realms[":name"].sync.$post({ param });
  if (res.status === 404) {
    await body(await client.realms.$post({ json: { name: param.name, url: member.config.realm.url, local_path: clone } }));
    res = await client.realms[":name"].sync.$post({ param });
  }
  await body(res);
}

/** Only when the clone has sync branches is git (and the merge policy) loaded: a plain `status` stays fast. */
async function pendingSyncs(clone: string, realm: string, repo: string): Promise<StatusDoc["syncs"]> {
  const refs = join(clone, ".git", "refs", "remotes", "origin", "sync");
  const packed = join(clone, ".git", "packed-refs");
  if (!existsSync(refs) && !(existsSync(packed) && readFileSync(packed, "utf8").includes("refs/remotes/origin/sync/"))) return [];
  const { syncStatus } = await import("./sync-run.ts");
  const { syncHostFor } = await import("../forge/host-for.ts");
  const { clockNow } = await import("../clock.ts");
  const verdicts = await syncStatus(clone, realm, repo, await syncHostFor(clone, ""), clockNow());
  return verdicts.map((v) => ({ branch: v.branch, repo: v.repo, pr: v.pr, due: v.due, waiting_for: v.waiting_for }));
}

function notificationsFor(notes: Notification[], view: RepoView): NonNullable<StatusDoc["notifications"]> {
  return notes.map((n) => {
    const imp = view.domains.find((d) => d.name === n.domain)?.contracts.find((c) => c.name === n.contract)?.import;
    return {
      id: n.id,
      from_repo: n.from_repo,
      domain: n.domain,
      contract: n.contract,
      change_type: n.change_type,
      version: n.version,
      changes: n.changes,
      created_at: n.created_at,
      import_range: imp?.range ?? null,
      still_satisfied: imp && n.version ? rangeSatisfied(n.version, imp.range) : null,
    };
  });
}
