import { defineCommand } from "citty";
import type { Notification } from "../../daemon/api.ts";
import { body, ensureDaemon, type Connection } from "../../daemon/client.ts";
import { cliSession } from "../../daemon/session.ts";
import { diffValues } from "../../realm/compat/index.ts";
import { extractExportCached } from "../../realm/extract.ts";
import { openCache } from "../../store/cache-db.ts";
import { loadValidRealm } from "../../realm/load.ts";
import { ExportBinding } from "../../realm/schema.ts";
import { ago, describeChange, rangeSatisfied, repoView, type RepoView, type StatusDoc } from "../../realm/status.ts";
import { dim, emoji, json, line, warnLine, warnProblems, warnStderr } from "../../ui/output.ts";
import { ensureRealmClone } from "../../realm-clone.ts";
import { requireMember, type Member } from "../../workspace.ts";

export const status = defineCommand({
  meta: { name: "status", description: "Show this repo's realm: domains, contracts, local contract changes, sessions and notifications" },
  args: {
    json: { type: "boolean", description: "Print one JSON document" },
    cache: { type: "boolean", default: true, description: "Reuse extracted values from .blue/cache.db (--no-cache: read them afresh)" },
  },
  async run({ args }) {
    const member = requireMember();
    const { repo, realm } = { repo: member.config.repo, realm: member.config.realm.name };
    const clone = await ensureRealmClone(member);

    let view: RepoView | undefined;
    let sessions: StatusDoc["sessions"] = null;
    let notifications: Notification[] | null = null;
    let daemonError: string | null = null;
    try {
      const conn = await ensureDaemon({ start: true });
      const { client } = conn;
      const session = cliSession(member);
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
      daemon_error: daemonError,
    };
    const cache = openCache(member.root, { enabled: args.cache !== false && view.exports.length > 0, warn: warnStderr });
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

    if (args.json) return json(doc);
    render(doc);
  },
});

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

function render(doc: StatusDoc): void {
  const now = new Date();
  line(`${emoji("📊")}${doc.repo} (in realm: ${doc.realm})`);
  line();
  line("Domains:");
  if (doc.domains.length === 0) line("  none yet (blue realm admin domain create)");
  for (const d of doc.domains) {
    line(`  ${d.name} (${d.role})`);
    for (const c of d.contracts) {
      const imp = c.import;
      const state = imp ? ` · import ${imp.range}${imp.resolved_version ? `, at ${imp.resolved_version}` : ", not resolved yet"}${imp.stale ? " (stale)" : ""}${imp.satisfied ? "" : " (NOT satisfied)"}` : "";
      line(`    Contract: ${c.name} v${c.version}${state}`);
    }
  }
  for (const lc of doc.local_changes) {
    line();
    warnLine("Contract change detected:");
    line(`  ${lc.contract} has local changes:`);
    for (const c of lc.changes) line(`    ${c.text}`);
    if (lc.affected.length) {
      line("  Affected repos:");
      for (const a of lc.affected) line(`    - ${a.repo} (imports ${a.range})`);
    }
    line("  Run 'blue realm sync' to update realm");
  }
  for (const e of doc.extract_errors) warnLine(`${e.contract}: cannot read the exported value: ${e.message}`);
  line();
  if (doc.sessions) {
    line("Active sessions:");
    if (doc.sessions.length === 0) line("  none");
    for (const s of doc.sessions) {
      const what = s.active_rfc ? ` - working on ${s.active_rfc}` : s.state === "idle" ? " - idle" : "";
      line(`  • ${s.repo}${s.you ? " (you)" : ""}${what}`);
    }
    line();
  }
  if (doc.notifications) {
    line("Notifications:");
    if (doc.notifications.length === 0) line("  none");
    for (const n of doc.notifications) {
      line(`  ${emoji("🔔")}Notification from ${n.from_repo} (${ago(n.created_at, now)}):`);
      line(`    Contract '${n.contract}' ${n.change_type === "breaking" ? "changed incompatibly" : "updated"}${n.version ? ` to ${n.version}` : ""}`);
      for (const c of n.changes) line(`    ${c}`);
      if (n.import_range) {
        line(n.still_satisfied ? `    Your import (${n.import_range}) is still satisfied.` : `    Your import (${n.import_range}) is NOT satisfied by ${n.version}.`);
        line("    Update binding when ready.");
      }
    }
  }
  if (doc.daemon_error) line(dim(`Sessions and notifications unavailable: ${doc.daemon_error}`));
}
