// Builds the document `blue realm status` reports (and the MCP tool realm_status returns): the repo's view of
// its realm (from the daemon's cached model, else read here), local contract changes read from its code,
// and the sessions and notifications the daemon holds. Rendering is the caller's.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Notification, SessionInput } from "../daemon/api.ts";
import { askDaemon, body, ensureDaemon, type Connection } from "../daemon/client.ts";
import { cliSession } from "../daemon/session.ts";
import { Untrusted } from "../errors.ts";
import { quickMember, type Member } from "../realm/member.ts";
import { findRepoRoot } from "../system/repo-root.ts";
import { ensureRealmClone } from "../realm/clone.ts";
import { warnProblems, warnStderr } from "../ui/output.ts";
import type { RepoView, StatusDoc } from "../realm/view.ts";

// What is imported above is what a status answered by a running daemon needs. The realm loader, zod, `yaml`
// and semver are loaded only when there is work for them: no daemon, exports read from code, or notifications
// to compare with this repo's imports.

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
  let ownership: StatusDoc["ownership_warnings"] = [];
  let forge: StatusDoc["forge_notifications"] = [];
  try {
    const session = opts.session ?? cliSession(member);
    const param = { name: realm, repo };
    const ask = ({ client }: Connection) => client.realms[":name"].repos[":repo"].status.$post({ param, json: { session } });
    let conn: Connection;
    let res: Awaited<ReturnType<typeof ask>>;
    if (opts.refresh) {
      conn = await ensureDaemon({ start: opts.startDaemon });
      await refreshRealm(conn, member, clone);
      res = await ask(conn);
    } else {
      ({ conn, res } = await askDaemon({ start: opts.startDaemon }, ask));
    }
    if (res.status === 404) {
      // The daemon has not seen this realm yet: register it and have it fetch once (what is proposed on open
      // sync branches, and what this repo has not resolved, is owed to it however long no daemon ran), then ask again.
      await trackRealm(conn, member, clone);
      res = await ask(conn);
    }
    const answer = await body(res);
    view = (answer.view as RepoView | null) ?? undefined;
    notifications = answer.notifications;
    ownership = answer.ownership_warnings ?? [];
    forge = (answer.forge_notifications ?? []).map(({ realm: _r, decision: _d, ...n }) => n);
    sessions = answer.sessions.map((s) => ({
      repo: s.repo,
      you: s.id === session.id,
      state: s.state,
      active_rfc: s.active_rfc,
      repo_path: s.repo_path,
      branch: s.branch,
      pid: s.pid,
      client_id: s.client_id,
      started_at: s.started_at,
      last_activity: s.last_activity,
    }));
  } catch (e) {
    daemonError = (e as Error).message;
  }
  if (!view) {
    // No daemon, or it could not read the realm: read the clone here (its problems, if any, are reported in full).
    const [{ loadValidRealm }, { repoView }] = await Promise.all([import("../realm/load.ts"), import("../realm/view.ts")]);
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
    notifications: notifications && (await notificationsFor(notifications, view)),
    syncs: await pendingSyncs(clone, realm, repo),
    acknowledgements: view.acknowledgements ?? [],
    ownership_warnings: ownership,
    forge_notifications: forge,
    daemon_error: daemonError,
  };
  // An export not read from code has nothing to compare. (The bindings come validated from the realm loader.)
  const extracting = view.exports.filter((e) => e.binding.extract !== undefined);
  if (extracting.length > 0) await addLocalChanges(doc, member, extracting, opts.cache !== false);
  return doc;
}

/** Read each export from code (its value, and its schema_file when it names one) and compare it with the
 *  realm's contract: `local_changes` and `extract_errors`. */
export async function addLocalChanges(doc: StatusDoc, member: Member, exports: RepoView["exports"], useCache: boolean): Promise<void> {
  const [{ extractExportCached, readSchemaFile }, { openCache }, { compareSchemas, diffValues, isBreaking }, { ExportBinding }, { describeChange, describeSchemaChange }, { extractGate }, { machineConsent }, { blueHome }] = await Promise.all([
    import("../check/extract.ts"),
    import("../store/cache-db.ts"),
    import("../compat/index.ts"),
    import("../realm/schema.ts"),
    import("../realm/view.ts"),
    import("../trust/consent.ts"),
    import("../trust/store.ts"),
    import("../system/home.ts"),
  ]);
  const cache = openCache(member.root, { enabled: useCache, warn: warnStderr });
  const consent = machineConsent(blueHome(), member.config.realm.name, member.config.trusted_commands);
  for (const exp of exports) {
    try {
      const gate = extractGate(consent, exp.domain, member.config.repo);
      const binding = ExportBinding.parse(exp.binding);
      const extracted = await extractExportCached(member.root, binding, cache, { gate });
      if (!extracted) continue;
      const changes = diffValues(exp.value, extracted.value);
      // The schema sync would publish with it: the schema_file's, compared as the compatibility engine does.
      const findings = binding.schema_file ? compareSchemas(exp.schema, readSchemaFile(member.root, binding.schema_file)) : [];
      if (changes.length === 0 && findings.length === 0) continue;
      doc.local_changes.push({
        contract: exp.contract,
        domain: exp.domain,
        changes: changes.map((c) => ({ kind: c.kind, pointer: c.pointer, text: describeChange(c) })),
        schema_changes: findings.map((f) => {
          const breaking = isBreaking(f, exp.compatibility);
          return { rule: f.rule, pointer: f.pointer, breaking, text: describeSchemaChange(f, breaking) };
        }),
        affected: exp.importers,
      });
    } catch (e) {
      // Not run because the realm named a command this machine has not consented to: say how to review it.
      const review = e instanceof Untrusted ? "; run 'blue realm trust' to review it" : "";
      doc.extract_errors.push({ contract: exp.contract, message: `${(e as Error).message}${review}` });
    }
  }
  cache.close();
}

/** Have the daemon track this repo's realm and fetch it once: what is proposed on open sync branches, and what this
 *  repo has not resolved, is owed to it however long no daemon ran. */
export async function trackRealm(conn: Pick<Connection, "client">, member: Member, clone: string): Promise<void> {
  await registerRealm(conn, member, clone);
  await refreshRealm(conn, member, clone).catch(() => undefined);
}

/** Have the daemon track this repo's realm, kept in `clone`. */
async function registerRealm({ client }: Pick<Connection, "client">, member: Member, clone: string): Promise<void> {
  await body(await client.realms.$post({ json: { name: member.config.realm.name, url: member.config.realm.url, local_path: clone } }));
}

/** Ask the daemon to fetch the realm now (registering it first if it has not seen it). */
async function refreshRealm({ client }: Pick<Connection, "client">, member: Member, clone: string): Promise<void> {
  const param = { name: member.config.realm.name };
  let res = await client.realms[":name"].sync.$post({ param });
  if (res.status === 404) {
    await registerRealm({ client }, member, clone);
    res = await client.realms[":name"].sync.$post({ param });
  }
  await body(res);
}

/** Only when the clone has sync branches is git (and the merge policy) loaded: a plain `status` stays fast. */
async function pendingSyncs(clone: string, realm: string, repo: string): Promise<StatusDoc["syncs"]> {
  const refs = join(clone, ".git", "refs", "remotes", "origin", "sync");
  const packed = join(clone, ".git", "packed-refs");
  if (!existsSync(refs) && !(existsSync(packed) && readFileSync(packed, "utf8").includes("refs/remotes/origin/sync/"))) return [];
  const { syncStatus } = await import("../sync/run.ts");
  const { syncHostFor } = await import("../sync/host-for.ts");
  const { clockNow } = await import("../system/clock.ts");
  let host: Awaited<ReturnType<typeof syncHostFor>>;
  try {
    host = await syncHostFor(realm, clone, "");
  } catch (e) {
    // A forge this machine did not pin (or no token): the syncs are not read, and status says why in one line.
    warnStderr(`open syncs not shown: ${(e as Error).message}`);
    return [];
  }
  const verdicts = await syncStatus(clone, realm, repo, host, clockNow());
  return verdicts.map((v) => ({ branch: v.branch, repo: v.repo, pr: v.pr, due: v.due, waiting_for: v.waiting_for }));
}

async function notificationsFor(notes: Notification[], view: RepoView): Promise<NonNullable<StatusDoc["notifications"]>> {
  const importOf = (n: Notification) => view.domains.find((d) => d.name === n.domain)?.contracts.find((c) => c.name === n.contract)?.import;
  // semver (with the schemas beside it) is loaded only when a notification touches one of this repo's imports.
  const satisfies = notes.some((n) => n.version && importOf(n)) ? (await import("../realm/view.ts")).rangeSatisfied : undefined;
  return notes.map((n) => {
    const imp = importOf(n);
    return {
      id: n.id,
      key: `${n.domain}/${n.contract}@${n.version ?? "?"}`, // as sync/notify.ts notificationKey, without loading it
      from_repo: n.from_repo,
      domain: n.domain,
      contract: n.contract,
      change_type: n.change_type,
      version: n.version,
      changes: n.changes,
      created_at: n.created_at,
      import_range: imp?.range ?? null,
      still_satisfied: imp && n.version && satisfies ? satisfies(n.version, imp.range) : null,
    };
  });
}

/** The member repo around `dir`, read the quick way when it can be; else by realm/workspace.ts, which explains a
 *  missing or broken config. */
export async function requireMemberQuick(dir: string = process.cwd()): Promise<Member> {
  const root = findRepoRoot(dir);
  const quick = root ? quickMember(root) : undefined;
  return quick ?? (await import("../realm/workspace.ts")).requireMember(dir);
}
