import { defineCommand } from "../../cli-args.ts";
import { maxWaitArg, useMaxWait } from "../../forge/rate-limit.ts";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { ExitCode, UsageError } from "../../errors.ts";
import { loadValidRealm } from "../../realm/load.ts";
import { prOpenerFor } from "../../pr/opener.ts";
import { placeLine, type PrPlan, type PrStatusDoc } from "../../pr/plan.ts";
import { refusalText } from "../../pr/refusals.ts";
import { findRfc, lastPrText, prStatus, runPr, type PrKnown } from "../../pr/run.ts";
import type { PrRunDoc } from "../../pr/resume.ts";
import { printOperationTable, resumeHint } from "../../ui/operation-table.ts";
import { memberHere } from "../../worktree/run.ts";
import { ensureRealmClone } from "../../realm/clone.ts";
import { errorLine, failLine, json, line, ok, warnLine, warnProblems, warnStderr } from "../../ui/output.ts";
import { fileErrorText } from "../../system/file-error.ts";
import { repoProgress } from "../../ui/progress.ts";
import { withLock } from "../../system/lock.ts";
import { blueHome } from "../../system/home.ts";
import { clockNow } from "../../system/clock.ts";
import { identityEmail } from "../../git/identity.ts";
import { preparePrSet, recordPrSet, type PrFollowDoc } from "../../follow/publish.ts";
import type { PreparedSet } from "../../follow/record.ts";

// Following a set (`--status`), who the follower is and the consent to merge are loaded where they are used: a run
// that pushes loads neither the follower nor its forge clients.
const followHere = async (clone: string, realm: string) => {
  const { followDeps } = await import("../../follow/run.ts");
  return followDeps({ clone, realm, home: blueHome(), now: () => clockNow(), log: () => undefined });
};

export const pr = defineCommand({
  meta: {
    name: "pr",
    description: "Push feat/<rfc> in every repo that has it and open one PR per repo, in merge order (providers first)",
    examples: ["blue realm pr --title 'feat: training metrics v2' --dry-run", "blue realm pr --title 'feat: training metrics v2' --body-file rfc.md", "blue realm pr --status --rfc training-metrics-v2"],
  },
  args: {
    title: { type: "string", description: "Title of every PR", valueHint: "text" },
    "body-file": { type: "string", description: "A file whose text opens every PR's body", valueHint: "path" },
    draft: { type: "boolean", description: "Open the PRs as drafts" },
    rfc: { type: "string", description: "The change (default: the current branch feat/<rfc>, else this repo's one unified worktree)", valueHint: "name" },
    status: { type: "boolean", description: "Show each repo's branch and PR state, which may merge next, and what the daemons following the set decided" },
    refresh: { type: "boolean", description: "With --status: follow the set now (merge, note or block dependents) instead of waiting for the daemon's next fetch" },
    "auto-merge": { type: "boolean", description: "Let the daemons merge each dependent, in merge order, once its providers merged, its checks pass and its required reviews are given" },
    "dry-run": { type: "boolean", description: "Print the plan and every refusal the real run would hit; push and open nothing" },
    resume: { type: "boolean", description: "Finish a run that stopped part-way (its title and body are the journal's unless given); the same command again does the same" },
    json: { type: "boolean", description: "Print one JSON document" },
    "max-wait": maxWaitArg,
  },
  async run({ args }) {
    useMaxWait(args["max-wait"]);
    const rfc = await findRfc(args.rfc);
    if (args.status && (args.title || args["body-file"] || args.draft || args["dry-run"] || args.resume || args["auto-merge"])) {
      throw new UsageError("--status takes no --title, --body-file, --draft, --dry-run, --resume or --auto-merge", "Run 'blue realm pr --status' on its own.");
    }
    if (args.refresh && !args.status) throw new UsageError("--refresh goes with --status", "Run 'blue realm pr --status --refresh'.");
    if (args.resume && args["dry-run"]) throw new UsageError("--resume takes no --dry-run", "Run 'blue realm pr --dry-run' to see the plan.");
    if (!args.status && !args.resume && !args.title?.trim()) throw new UsageError("--title is required", "Example: blue realm pr --title 'feat: training metrics v2'");
    const member = await memberHere();
    const clone = await ensureRealmClone(member);
    const { model, warnings } = loadValidRealm(clone, member.config.realm.name);
    warnProblems(warnings);
    const base = { model, member, rfc, openerFor: prOpenerFor };

    if (args.status) {
      const follow = await followHere(clone, member.config.realm.name);
      const { followRealm, followState } = await import("../../follow/run.ts");
      const { blockedSyncsOf, followStatusOf } = await import("../../follow/publish.ts");
      const { fetchSetRefs } = await import("../../git/set-ref.ts");
      // Following first, so the branch states shown are those after whatever it merged.
      const followed = args.refresh ? ((await withLock(`${clone}.lock`, () => followRealm(follow, { fetch: true, only: rfc }))).sets[0] ?? null) : null;
      const status = await prStatus(base);
      const blocked = await blockedSyncsOf(clone, status.repos.map((r) => r.repo));
      const doc: PrFollowDoc = { ...status, follow: followStatusOf(followed ?? (await fetchSetRefs(clone).then(() => followState(follow, rfc)))), blocked_syncs: blocked };
      return args.json ? json(doc) : renderStatus(doc);
    }
    let body = "";
    if (args["body-file"]) {
      try {
        body = readFileSync(resolve(args["body-file"]), "utf8");
      } catch (e) {
        throw new UsageError(`cannot read --body-file ${args["body-file"]}: ${fileErrorText(e)}`, "Give the path of a readable text file (relative to this directory), or leave --body-file out.");
      }
    }
    const dryRun = Boolean(args["dry-run"]);
    // --resume alone finishes the last run for this change, with the text it had.
    const text = args.resume && !args.title?.trim() ? lastPrText(model.realm?.name ?? "", rfc) : { title: args.title!.trim(), body, draft: Boolean(args.draft) };
    // Who records the set, and the record itself as the plan stands, are worked out while the branches are pushed:
    // the record is pushed after them, and only if they all were (a record whose text changed meanwhile, with the
    // PR numbers a forge gave, is built again).
    const autoMerge = Boolean(args["auto-merge"]);
    let asked: Promise<{ auto_merge: boolean; by: string }> | undefined;
    // Who opts in is asked of git only when this run opts in: a record keeps `by` for an opt-in alone (follow/record.ts).
    const optIn = () =>
      (asked ??= autoMerge
        ? identityEmail(member.root, "committer")
            .catch(() => undefined)
            .then(async (email) => ({ auto_merge: true, by: email ?? (await import("../../follow/run.ts")).followerName(blueHome()) }))
        : Promise.resolve({ auto_merge: false, by: "" }));
    let early: Promise<PreparedSet> | undefined;
    const beforePush = (planned: PrPlan, known: PrKnown) => {
      early = preparePrSet(clone, planned, optIn(), known);
      early.catch(() => undefined); // a failed preparation: the record is built afresh after the pushes
    };
    const { known, ...plan } = await runPr({ ...base, ...text, resume: Boolean(args.resume), progress: repoProgress(), beforePush }, dryRun);
    const doc: PrRunDoc = { ...plan, dry_run: dryRun };
    // A dry run exits as the real run would: 1 when it would refuse; a run that stopped part-way exits 1.
    const stopped = doc.operation !== null && !doc.operation.complete;
    // The daemons (this machine's and teammates') follow the set from its record in the realm remote: once every
    // PR of it exists (a run that stopped part-way records it when the rerun finishes).
    if (!dryRun && !stopped && doc.refusals.length === 0) {
      try {
        const set = await recordPrSet(clone, plan, await optIn(), known, early);
        if (autoMerge) (await import("../../follow/consent.ts")).consentToMerge(blueHome(), set, clockNow());
      } catch (e) {
        // The PRs are pushed and open: not recording them for the daemons is worth a warning, not a failure.
        warnStderr(`the change is not recorded in the realm, so no daemon follows it: ${(e as Error).message.split("\n")[0]}`);
      }
    }
    const code = doc.refusals.length > 0 || stopped ? ExitCode.failed : ExitCode.ok;
    if (args.json) {
      json(doc);
      return code;
    }
    if (stopped) {
      line(`Coordinated PRs for '${doc.branch}' stopped part-way:`);
      printOperationTable(doc.operation!);
      const failed = doc.operation!.rows.find((r) => r.state === "failed");
      errorLine(`blue realm pr stopped${failed ? ` at ${failed.repo}: ${failed.reason}` : " part-way"}`, resumeHint("blue realm pr", failed?.reason ?? ""));
      return code;
    }
    render(doc);
    if (doc.refusals.length > 0) {
      const { message, hint } = refusalText(doc.refusals);
      errorLine(`blue realm pr would refuse: ${message}: nothing would be pushed`, hint);
    }
    return code;
  },
});

function render(doc: PrRunDoc): void {
  const refOf = (repo: string) => doc.repos.find((r) => r.repo === repo)!.ref;
  if (doc.dry_run) {
    line(`Plan for '${doc.branch}' (dry run, nothing pushed or opened):`);
    for (const r of doc.repos) {
      const pr = r.pr_action === "none" ? `no forge: no PR` : r.pr_action === "update" ? `update PR #${r.pr!.number}` : `open a PR into ${r.base}`;
      line(`  ${r.position}. ${r.repo}: push ${r.branch} to origin; ${pr} (${placeLine(r, refOf)})`);
    }
    line(doc.order_line);
    for (const x of doc.refusals) failLine(`${x.repo}: ${x.reason}`);
    return;
  }
  line(`Coordinated PRs for '${doc.branch}':`);
  for (const r of doc.repos) {
    const push = r.push === "pushed" ? `pushed ${r.branch} to origin` : `${r.branch} up to date on origin`;
    const pr = r.pr ? `PR #${r.pr.number} ${r.pr_action === "open" ? "opened" : "updated"}, ` : "";
    ok(`${r.repo}: ${pr}${push} (${placeLine(r, refOf)})`);
  }
  const plain = doc.repos.filter((r) => r.pr_action === "none").map((r) => r.repo);
  if (plain.length) line(`No forge for ${plain.join(", ")}: no PR can be opened there; the branch${plain.length > 1 ? "es are" : " is"} pushed.`);
  line(doc.order_line);
}

function renderStatus(doc: PrFollowDoc): void {
  line(`'${doc.branch}' in ${doc.repos.length} repo${doc.repos.length === 1 ? "" : "s"}`);
  for (const r of doc.repos) {
    const sync = !r.pushed ? "not pushed" : r.ahead || r.behind ? `pushed; ${r.ahead} ahead, ${r.behind} behind origin` : "pushed, up to date";
    const work = r.merged ? `nothing left to merge into ${r.base}` : r.commits === null ? `${r.base} not on origin` : `${r.commits} commit${r.commits === 1 ? "" : "s"} not in ${r.base}`;
    const pr = r.pr
      ? `PR #${r.pr.number}${r.pr_state ? ` ${r.pr_state.state}${r.pr_state.draft ? " (draft)" : ""}, checks ${r.pr_state.checks ?? "none"}, ${r.pr_state.approvals} approval${r.pr_state.approvals === 1 ? "" : "s"}` : ""}`
      : "no PR";
    line(`  ${r.position}. ${r.repo}: ${sync} · ${work} · ${pr}${r.blocked_by.length ? ` · after ${r.blocked_by.join(", ")}` : ""}`);
  }
  line(doc.order_line);
  line(doc.next ? `Next to merge: ${doc.next}` : "Everything is merged.");
  for (const b of doc.blocked_syncs) warnLine(`${b.repo}: ${b.message}`);
  if (!doc.follow) return;
  const f = doc.follow;
  line(`Followed by the daemons: auto-merge ${f.auto_merge ? `on${f.opted_in_by ? ` (opted in by ${f.opted_in_by})` : ""}` : "off (dependents are told when they are unblocked)"}`);
  for (const r of f.repos) if (r.state === "blocked" || r.state === "waiting" || r.state === "ready") line(`  ${r.repo}: ${r.note}`);
  for (const d of f.decisions) line(`  ${d.at} ${d.action} ${d.repo}: ${d.reason}`);
}
