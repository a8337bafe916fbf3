import { defineCommand } from "../../cli-args.ts";
import { ExitCode, UsageError } from "../../errors.ts";
import { loadValidRealm } from "../../realm/load.ts";
import { RfcName, type WorktreeDoc, type WorktreeRepoPlan } from "../../worktree/plan.ts";
import { memberHere, runWorktree } from "../../worktree/run.ts";
import { ensureRealmClone } from "../../realm/clone.ts";
import { dim, errorLine, failLine, json, line, ok, warnLine, warnProblems } from "../../ui/output.ts";
import { splitList } from "./admin/init.ts";
import { repoProgress } from "../../ui/progress.ts";
import { printOperationTable, resumeHint } from "../../ui/operation-table.ts";

export const worktree = defineCommand({
  meta: {
    name: "worktree",
    description: "Create (or --remove) branch feat/<rfc> and a worktree for it in every repo of this repo's domains",
    examples: ["blue realm worktree --rfc training-metrics-v2", "blue realm worktree --rfc training-metrics-v2 --domain s3-access --dry-run", "blue realm worktree --rfc training-metrics-v2 --remove"],
  },
  args: {
    rfc: { type: "string", description: "Name of the change: the branch is feat/<rfc>, the worktree .worktrees/feat-<rfc>/", required: true, valueHint: "name" },
    domain: { type: "string", description: "Only the members of this domain (one of this repo's)", valueHint: "name" },
    repos: { type: "string", description: "Exactly these realm repos, comma-separated", valueHint: "a,b" },
    remove: { type: "boolean", description: "Remove the worktrees, and each branch that has nothing unmerged" },
    force: { type: "boolean", description: "With --remove: also remove worktrees that have uncommitted changes (they are lost)" },
    "dry-run": { type: "boolean", description: "Print the plan and change nothing" },
    resume: { type: "boolean", description: "Finish a create that stopped part-way; the same command again does the same" },
    json: { type: "boolean", description: "Print one JSON document" },
  },
  async run({ args }) {
    const rfc = RfcName.safeParse(args.rfc);
    if (!rfc.success) throw new UsageError(`'${args.rfc}' is not a valid RFC name: ${rfc.error.issues[0]?.message}`, "Use a-z, 0-9, '.', '_' and '-', starting with a letter or digit.");
    if (args.resume && (args.remove || args["dry-run"])) throw new UsageError("--resume takes no --remove or --dry-run", "Run 'blue realm worktree --rfc NAME --resume' to finish a create that stopped part-way.");
    if (args.force && !args.remove) throw new UsageError("--force only applies with --remove", "Use --remove --force to remove worktrees with uncommitted changes.");
    const member = await memberHere();
    const realm = member.config.realm.name;
    const clone = await ensureRealmClone(member);
    const { model, warnings } = loadValidRealm(clone, realm);
    warnProblems(warnings);
    const action = args.remove ? "remove" : "create";
    const dryRun = Boolean(args["dry-run"]);
    const outcome = await runWorktree({
      model,
      realm,
      current: { repo: member.config.repo, root: member.root },
      rfc: rfc.data,
      action,
      force: Boolean(args.force),
      dryRun,
      resume: Boolean(args.resume),
      selection: { domain: args.domain, repos: args.repos === undefined ? undefined : splitList(args.repos) },
      progress: repoProgress(),
    });
    const { plan } = outcome;
    let session: WorktreeDoc["session"] = null;
    if (outcome.applied && plan.refused.length === 0) {
      const { recordActiveRfc } = await import("../../daemon/rfc-session.ts");
      const touched = plan.repos.filter((r) => r.worktree && (action === "remove" ? r.steps.includes("remove-worktree") : true));
      session = await recordActiveRfc(member.config.realm, touched.map((r) => ({ repo: r.repo, worktree: r.worktree! })), action === "create" ? plan.rfc : null);
    }
    const doc: WorktreeDoc = { ...plan, dry_run: dryRun, applied: outcome.applied, rolled_back: outcome.rolledBack, operation: outcome.operation, session };
    const code = plan.refused.length > 0 ? ExitCode.failed : ExitCode.ok;
    if (args.json) {
      json(doc);
      return code;
    }
    render(doc);
    const failedMidway = doc.operation?.rows.find((r) => r.state === "failed");
    if (failedMidway) {
      errorLine(`blue realm worktree stopped at ${failedMidway.repo}: ${failedMidway.reason}`, resumeHint(`blue realm worktree --rfc ${plan.rfc}`, failedMidway.reason ?? ""));
    } else if (code !== ExitCode.ok) {
      errorLine(
        `${action === "create" ? "cannot create" : "cannot remove"} the worktrees of '${plan.branch}': ${plan.refused.join(", ")} refused`,
        action === "create" ? "Nothing was left half-made; fix what is named above and run the command again." : undefined,
      );
    }
    return code;
  },
});

function describe(r: WorktreeRepoPlan, branch: string): string {
  const parts: string[] = [];
  for (const s of r.steps) {
    if (s === "clone") parts.push(`clone into ${r.root}`);
    if (s === "branch") parts.push(`create branch ${branch} from ${r.base}`);
    if (s === "worktree") parts.push(`add worktree ${r.worktree}/`);
    if (s === "exclude") parts.push("add /.worktrees/ to .git/info/exclude");
    if (s === "remove-worktree") parts.push(`remove worktree ${r.worktree}/`);
    if (s === "delete-branch") parts.push(`delete branch ${branch}`);
  }
  return [...parts, ...r.notes].join("; ");
}

function render(doc: WorktreeDoc): void {
  const verb = doc.action === "create" ? "Creating" : "Removing";
  if (doc.dry_run) {
    line(`Plan for '${doc.branch}' (dry run, nothing changed):`);
    for (const r of doc.repos) {
      if (r.state === "refused") failLine(`${r.repo}: ${r.reason}`);
      else if (r.state === "exists") line(`  ${r.repo}: ${r.worktree}/ exists${r.steps.length ? ` (${describe(r, doc.branch)})` : ""}`);
      else if (r.state === "absent") line(`  ${r.repo}: nothing to remove${r.notes.length ? ` (${r.notes.join("; ")})` : ""}`);
      else line(`  ${r.repo}: ${describe(r, doc.branch)}`);
    }
    return;
  }
  if (doc.operation && !doc.operation.complete) {
    line(`${verb} unified worktree '${doc.branch}' stopped part-way:`);
    printOperationTable(doc.operation);
    for (const w of doc.rolled_back) line(dim(`  rolled back: ${w}`));
    return;
  }
  line(`${verb} unified worktree '${doc.branch}':`);
  for (const r of doc.repos) {
    if (r.state === "refused") failLine(`${r.repo}: ${r.reason}`);
    else if (!doc.applied) line(dim(`  ${r.repo}: ${r.state === "exists" ? "exists" : "not changed"}`));
    else if (r.state === "exists") ok(`${r.repo}: ${r.worktree}/ (exists)`);
    else if (r.state === "create") ok(`${r.repo}: ${r.worktree}/${r.steps.includes("clone") ? ` (cloned into ${r.root})` : ""}`);
    else if (r.state === "remove") ok(`${r.repo}: ${describe(r, doc.branch).replace(/^remove/, "removed").replace("delete branch", "deleted branch")}`);
    else ok(`${r.repo}: nothing to remove${r.notes.length ? ` (${r.notes.join("; ")})` : ""}`);
  }
  for (const w of doc.rolled_back) line(dim(`  rolled back: ${w}`));
  if (!doc.applied || doc.refused.length > 0) return;
  if (doc.action === "create") {
    const made = doc.repos.filter((r) => r.steps.includes("branch")).map((r) => r.repo);
    if (made.length) line(`Branch '${doc.branch}' created in ${made.length === doc.repos.length && made.length > 1 ? (made.length === 2 ? "both repos" : `all ${made.length} repos`) : made.join(", ")}.`);
    else line(`Branch '${doc.branch}' already exists in every repo.`);
  }
  if (doc.session?.error) warnLine(`active RFC not recorded in the daemon: ${doc.session.error}`);
}
