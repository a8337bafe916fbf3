import { defineCommand } from "../../cli-args.ts";
import type { StatusDoc } from "../../realm/view.ts";
import { buildStatus, requireMemberQuick } from "../../status/report.ts";
import { ago, dim, emoji, json, line, warnLine } from "../../ui/output.ts";

export const status = defineCommand({
  meta: { name: "status", description: "Show this repo's realm: domains, contracts, local contract changes, sessions and notifications" },
  args: {
    json: { type: "boolean", description: "Print one JSON document" },
    refresh: { type: "boolean", description: "Have the daemon fetch the realm now (and merge what is due) before reporting" },
    cache: { type: "boolean", default: true, description: "Reuse extracted values from .blue/cache.db (--no-cache: read them afresh)" },
  },
  async run({ args }) {
    const doc = await buildStatus(await requireMemberQuick(), { startDaemon: true, refresh: args.refresh, cache: args.cache !== false });
    if (args.json) return json(doc);
    // The command that widens an import is worded by the realm view (semver), loaded only when a notification needs it.
    const unsatisfied = doc.notifications?.some((n) => n.import_range && n.version && n.still_satisfied === false);
    render(doc, unsatisfied ? (await import("../../realm/view.ts")).widenCommand : undefined);
  },
});

function render(doc: StatusDoc, widenCommand?: (contract: string, range: string, version: string) => string): void {
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
  for (const w of doc.ownership_warnings) {
    warnLine(`Ownership: commit ${w.commit.slice(0, 10)} by ${w.author ?? "unknown"} changed ${w.file}: ${w.message} (not announced to other repos)`);
  }
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
      // What to do depends on the case: acknowledge a version the range takes; a version it does not take needs
      // the code changed first, then the range.
      if (n.import_range && n.still_satisfied) {
        line(`    Your import (${n.import_range}) is still satisfied: run 'blue realm sync' to acknowledge ${n.version ?? "it"}`);
      } else if (n.import_range && n.version && widenCommand) {
        line(`    Your import (${n.import_range}) is NOT satisfied by ${n.version}: update your code, then '${widenCommand(n.contract, n.import_range, n.version)}'`);
      }
    }
  }
  for (const s of doc.syncs) {
    const name = s.pr && s.pr !== s.branch ? `${s.pr} (${s.branch})` : s.branch;
    if (s.due) line(`Sync ${name}: ready to merge (the next 'blue realm sync' merges it)`);
    else line(`Sync ${name} waits for: ${s.waiting_for.join("; ")}`);
  }
  if (doc.syncs.length) line();
  if (doc.daemon_error) line(dim(`Sessions and notifications unavailable: ${doc.daemon_error}`));
}
