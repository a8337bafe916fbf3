import { defineCommand } from "citty";
import { body, ensureDaemon } from "../../daemon/client.ts";
import { cliSession, registerSession } from "../../daemon/session.ts";
import { diffValues } from "../../realm/compat/index.ts";
import { extractExport } from "../../realm/extract.ts";
import { loadValidRealm } from "../../realm/load.ts";
import { ago, describeChange, importersOf, rangeSatisfied, repoDomains, type StatusDoc } from "../../realm/status.ts";
import { dim, emoji, json, line, warnLine, warnProblems } from "../../ui/output.ts";
import { ensureRealmClone } from "../../realm-clone.ts";
import { requireMember } from "../../workspace.ts";

export const status = defineCommand({
  meta: { name: "status", description: "Show this repo's realm: domains, contracts, local contract changes, sessions and notifications" },
  args: { json: { type: "boolean", description: "Print one JSON document" } },
  async run({ args }) {
    const member = requireMember();
    const { repo, realm } = { repo: member.config.repo, realm: member.config.realm.name };
    const clone = await ensureRealmClone(member);
    const { model, warnings } = loadValidRealm(clone, realm);
    warnProblems(warnings);

    const doc: StatusDoc = {
      realm,
      repo,
      domains: repoDomains(model, repo),
      local_changes: [],
      extract_errors: [],
      sessions: null,
      notifications: null,
      daemon_error: null,
    };
    for (const [dname, d] of model.domains) {
      const binding = d.bindings.get(repo);
      if (binding?.role !== "provider") continue;
      for (const exp of binding.exports) {
        const contract = d.contracts.get(exp.contract);
        if (!contract) continue;
        try {
          const extracted = await extractExport(member.root, exp);
          if (!extracted) continue;
          const changes = diffValues(contract.value, extracted.value);
          if (changes.length === 0) continue;
          doc.local_changes.push({
            contract: contract.name,
            domain: dname,
            changes: changes.map((c) => ({ kind: c.kind, pointer: c.pointer, text: describeChange(c) })),
            affected: importersOf(model, dname, contract.name),
          });
        } catch (e) {
          doc.extract_errors.push({ contract: exp.contract, message: (e as Error).message });
        }
      }
    }

    try {
      const conn = await ensureDaemon({ start: true });
      // Our session must be registered before sessions are listed; notifications need not wait for it.
      const [notes, sessions] = await Promise.all([
        conn.client.notifications.$get({ query: { realm, repo, pending: "true" } }).then(body),
        registerSession(conn, member, clone).then(async () => body(await conn.client.sessions.$get({ query: { realm } }))),
      ]);
      const me = cliSession(member).id;
      doc.sessions = sessions.sessions.map((s) => ({ repo: s.repo, you: s.id === me, state: s.state, active_rfc: s.active_rfc, last_activity: s.last_activity }));
      doc.notifications = notes.notifications.map((n) => {
        const imp = model.domains.get(n.domain)?.bindings.get(repo)?.imports.find((i) => i.contract === n.contract);
        return {
          id: n.id,
          from_repo: n.from_repo,
          domain: n.domain,
          contract: n.contract,
          change_type: n.change_type,
          version: n.version,
          changes: n.changes,
          created_at: n.created_at,
          import_range: imp?.version ?? null,
          still_satisfied: imp && n.version ? rangeSatisfied(n.version, imp.version) : null,
        };
      });
    } catch (e) {
      doc.daemon_error = (e as Error).message;
    }

    if (args.json) return json(doc);
    render(doc);
  },
});

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
