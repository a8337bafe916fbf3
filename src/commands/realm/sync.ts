import { defineCommand } from "../../cli-args.ts";
import { maxWaitArg, useMaxWait } from "../../forge/rate-limit.ts";
import { ExitCode, UsageError } from "../../errors.ts";
import { printOperationTable, resumeHint } from "../../ui/operation-table.ts";
import { ensureRealmClone } from "../../realm/clone.ts";
import { clockNow } from "../../system/clock.ts";
import { blueHome } from "../../system/home.ts";
import { runSync, type SyncReport } from "../../sync/run.ts";
import { emoji, errorLine, failLine, json, line, ok, warnLine } from "../../ui/output.ts";
import { requireMember } from "../../realm/workspace.ts";
import { demandLines } from "../../sync/demands.ts";
import { repoProgress } from "../../ui/progress.ts";

export const sync = defineCommand({
  meta: {
    name: "sync",
    description: "Publish this repo's contract changes and acknowledgements to the realm as sync branches and PRs, and merge what governance allows",
    examples: ["blue realm sync --dry-run", "blue realm sync"],
  },
  args: {
    "dry-run": { type: "boolean", description: "Print the plan (versions, files, branches, PRs, reviewers) and change nothing" },
    json: { type: "boolean", description: "Print one JSON document" },
    resume: { type: "boolean", description: "Finish a sync that stopped part-way (any sync does that first; this one insists there is one)" },
    cache: { type: "boolean", default: true, description: "Reuse extracted values from .blue/cache.db", negativeDescription: "Read exported values afresh instead of reusing them from .blue/cache.db" },
    "max-wait": maxWaitArg,
  },
  async run({ args }) {
    useMaxWait(args["max-wait"]);
    const member = requireMember();
    const clone = await ensureRealmClone(member);
    const { syncHostFor } = await import("../../sync/host-for.ts");
    const { notifyDaemon, acknowledgeInDaemon } = await import("../../daemon/notify-client.ts");
    const { machineConsent } = await import("../../trust/store.ts");
    const realm = member.config.realm.name;
    const repo = member.config.repo;
    if (args.resume && args["dry-run"]) throw new UsageError("--resume takes no --dry-run", "Run 'blue realm sync --dry-run' to see the plan.");
    const { Journal } = await import("../../journal/journal.ts");
    const { syncOperationKey } = await import("../../sync/resume.ts");
    const journal = args["dry-run"] ? undefined : Journal.open("sync", syncOperationKey(realm, repo), { home: blueHome(), now: clockNow }, { resume: Boolean(args.resume), command: "blue realm sync" });
    const report = await runSync({
      journal,
      realm,
      repo,
      repoRoot: member.root,
      clone,
      now: clockNow(),
      dryRun: Boolean(args["dry-run"]),
      cache: args.cache !== false,
      host: await syncHostFor(member.config.realm.name, clone, member.config.realm.url),
      consent: machineConsent(blueHome(), realm, member.config.trusted_commands),
      progress: repoProgress(),
      notify: (n) => notifyDaemon({ realm, from_repo: repo, clone, url: member.config.realm.url, ...n }),
    });
    if (!report.dry_run) {
      // This repo's acknowledgements clear its notifications on this machine now; elsewhere at the next fetch.
      const acks = report.branches.filter((b) => b.pushed).flatMap((b) => b.acknowledgements.map((a) => ({ domain: a.domain, contract: a.contract, version: a.to })));
      await acknowledgeInDaemon(realm, repo, acks);
    }
    const stopped = report.operation !== null && !report.operation.complete;
    if (args.json) {
      json(report);
    } else {
      render(report);
    }
    if (stopped) {
      const failed = report.operation!.rows.find((r) => r.state === "failed");
      if (!args.json) errorLine(`blue realm sync stopped${failed ? ` at ${failed.repo}: ${failed.reason}` : " part-way"}`, resumeHint("blue realm sync", failed?.reason ?? ""));
      return ExitCode.failed;
    }
    const conflicted = report.merges.some((m) => m.conflicts.length > 0 && m.repo === repo);
    return conflicted ? ExitCode.failed : ExitCode.ok;
  },
});

function render(r: SyncReport): void {
  line(`${emoji("📤")}Syncing with realm '${r.realm}'...${r.dry_run ? " (dry run: nothing is written)" : ""}`);
  for (const u of r.unsatisfied) warnLine(u);
  for (const i of r.ignored) line(i);
  for (const p of r.proposed) line(`Already proposed: ${p}`);
  if (r.in_sync && r.proposed.length === 0) ok(`${r.repo} is in sync with the realm: no contract changes, no acknowledgements due`);
  for (const b of r.branches) {
    if (b.resumed) {
      line(`Finishing sync branch: ${b.branch} (an earlier sync stopped part-way)`);
      if (b.published && r.forge !== "none") ok(`PR ${b.published.ref}: "${b.pr.title}"${b.published.url ? ` ${b.published.url}` : ""}`);
      continue;
    }
    const verb = b.rebuild ? (r.dry_run ? "Would rebuild" : "Rebuilding") : r.dry_run ? (b.reuse ? "Would update" : "Would create") : b.reuse ? "Updating" : "Creating";
    line(`${verb} sync branch: ${b.branch}${b.base ? ` (on ${b.base.branch})` : ""}${b.rebuild ? " from main (it conflicted with main)" : ""}`);
    for (const u of b.updates) {
      line(`Contract update: ${u.contract} ${u.from} → ${u.to} (${u.compatible ? "compatible" : "breaking"})`);
      for (const d of demandLines(u.to, u.bump, u.demands)) line(`  ${d}`);
      for (const c of u.changes) line(`  ${c}`);
      if (u.impact && u.impact.importers.length) line(`  impact: ${u.impact.summary}`);
    }
    if (b.acknowledgements.length) {
      line("Binding updated:");
      for (const a of b.acknowledgements) line(`  ${a.contract}: resolved_version ${a.from ?? "(none)"} → ${a.to}`);
    }
    if (r.dry_run) {
      line(`  files: ${b.files.join(", ")}`);
      line(`  PR: "${b.pr.title}" [${b.pr.labels.join(", ")}]${b.pr.reviewers.length ? `, reviewers: ${b.pr.reviewers.join(", ")}` : ""}`);
      if (b.notify.length) line(`  would notify: ${b.notify.join(", ")}`);
      continue;
    }
    if (b.published && r.forge !== "none") ok(`PR ${b.published.ref}${b.published.opened ? "" : " updated"}: "${b.pr.title}"${b.published.url ? ` ${b.published.url}` : ""}`);
    else if (b.pushed) ok(`Pushed ${b.branch}: "${b.pr.title}"`);
    if (b.pr.reviewers.length) line(`Reviewers: ${b.pr.reviewers.join(", ")}`);
  }
  for (const p of r.acknowledged_prs) ok(p);
  for (const n of r.notified) ok(`${n} notified`);
  for (const m of r.merges) {
    const name = r.forge === "none" ? m.branch : `${m.pr ?? m.branch}`;
    if (m.merged) ok(`Merged ${name} (${m.reason?.replace("_", " ")})`);
    else if (m.removed) ok(`Removed ${name}: the branch it acknowledged was rebuilt`);
    else if (m.conflicts.length) failLine(`${name} conflicts with the realm's main in ${m.conflicts.join(", ")}: sync again in ${m.repo} to rebuild it`);
    else if (r.dry_run && m.due) line(`Would merge ${name} (${m.reason?.replace("_", " ")})`);
    else if (m.repo === r.repo || r.branches.some((b) => b.branch === m.branch)) line(`${name} waits for: ${m.waiting_for.join("; ")}`);
  }
  if (r.operation && !r.operation.complete) {
    line("Stopped part-way:");
    printOperationTable(r.operation);
    return;
  }
  if (!r.dry_run && !r.in_sync) ok("Realm synced");
}
