import { defineCommand } from "../../cli-args.ts";
import type { StatusDoc } from "../../realm/view.ts";
import { buildStatus, requireMemberQuick } from "../../status/report.ts";
import { ago, dim, emoji, json, line, warnLine } from "../../ui/output.ts";

export const status = defineCommand({
  meta: {
    name: "status",
    description: "Show this repo's realm: domains, contracts, local contract changes, sessions and notifications",
    examples: ["blue realm status", "blue realm status --refresh", "blue realm status --json"],
  },
  args: {
    json: { type: "boolean", description: "Print one JSON document" },
    refresh: { type: "boolean", description: "Have the daemon fetch the realm now (and merge what is due) before reporting" },
    cache: { type: "boolean", default: true, description: "Reuse extracted values from .blue/cache.db", negativeDescription: "Read exported values afresh instead of reusing them from .blue/cache.db" },
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
    for (const c of lc.schema_changes) line(`    ${c.text}`);
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
  const FORGE_WORDS = { merge: "merged by blue", unblocked: "unblocked", blocked: "BLOCKED", cannot_merge: "cannot merge", stale_approval: "stale approval", merge_failed: "merge failed, tried again later" } as const;
  for (const f of doc.forge_notifications) {
    // A sync branch closed without merging (sync/closed.ts) is no coordinated change: its message says it all.
    if (f.set_id.startsWith("sync/")) {
      warnLine(f.message);
      continue;
    }
    (f.kind === "blocked" || f.kind === "cannot_merge" || f.kind === "stale_approval" || f.kind === "merge_failed" ? warnLine : line)(`Coordinated change ${f.set_id}: ${FORGE_WORDS[f.kind]}: ${f.message}`);
  }
  line();
  if (doc.sessions) {
    line("Active sessions:");
    if (doc.sessions.length === 0) line("  none");
    for (const l of sessionLines(doc.sessions, now)) line(`  • ${l}`);
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
  if (doc.acknowledgements.length) {
    if (doc.notifications) line();
    line("Acknowledgements:");
    for (const a of doc.acknowledgements) {
      if (a.current) line(`  ${emoji("✅")}${a.repo} acknowledged ${a.contract} ${a.version}${a.resolved_at ? ` (${ago(a.resolved_at, now)})` : ""}`);
      else line(`  ${emoji("⏳")}${a.repo} has not acknowledged ${a.contract} ${a.version} yet (at ${a.resolved_version})`);
    }
    line();
  }
  for (const s of doc.syncs) {
    const name = s.pr && s.pr !== s.branch ? `${s.pr} (${s.branch})` : s.branch;
    if (s.due) line(`Sync ${name}: ready to merge (the next 'blue realm sync' merges it)`);
    else line(`Sync ${name} waits for: ${s.waiting_for.join("; ")}`);
  }
  if (doc.syncs.length) line();
  if (doc.daemon_error) line(dim(`Sessions and notifications unavailable: ${doc.daemon_error}`));
}

type SessionDoc = NonNullable<StatusDoc["sessions"]>[number];

/** One line per session, saying what tells it apart: its branch and work tree, its process, since when. Sessions
 *  alike in all but their process (nine shells in one checkout) share one line that counts them. Times are
 *  relative ("started 2 h ago"): a clock time would need the local time zone, whose data costs a start ~5 ms. */
export function sessionLines(sessions: readonly SessionDoc[], now: Date): string[] {
  const kind = (s: SessionDoc) => (s.client_id?.startsWith("mcp:") ? `MCP server for ${s.client_id.slice(4)}` : "shell");
  const groups = new Map<string, SessionDoc[]>();
  for (const s of sessions) {
    const key = JSON.stringify([s.repo, s.you, s.repo_path, s.branch, s.active_rfc, s.state, kind(s)]);
    groups.set(key, [...(groups.get(key) ?? []), s]);
  }
  return [...groups.values()].map((group) => {
    const s = group[0]!;
    const pids = group.flatMap((g) => (g.pid === null ? [] : [g.pid]));
    const fields = [
      [s.branch, s.repo_path && `in ${tilde(s.repo_path)}`].filter(Boolean).join(" "),
      s.client_id?.startsWith("mcp:") && group.length === 1 ? kind(s) : "",
      group.length > 1 ? `${group.length} ${kind(s)}s${pids.length ? ` (pids ${pids.join(", ")})` : ""}` : pids.length ? `pid ${pids[0]}` : "",
      `started ${ago(group.map((g) => g.started_at).sort()[0]!, now)}`,
      s.active_rfc ? `working on ${s.active_rfc}` : s.state === "idle" ? `idle, last active ${ago(group.map((g) => g.last_activity).sort().at(-1)!, now)}` : "",
    ].filter(Boolean);
    return `${s.repo}${s.you ? " (you)" : ""} — ${fields.join(", ")}`;
  });
}

function tilde(path: string): string {
  const home = process.env.HOME;
  return home && (path === home || path.startsWith(`${home}/`)) ? `~${path.slice(home.length)}` : path;
}
