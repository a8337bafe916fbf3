// Carries out `blue realm waive`: the waiver goes to the realm the way a contract change does, on a sync branch
// (`sync/<repo>/<stamp>`, a pull request on a forge) that merges only with the approval a breaking change needs
// (sync/merge-policy.ts); a waiver on a branch lets nothing through until it has merged.
import { existsSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { isMap, isSeq } from "yaml";
import { z } from "zod";
import { Refused } from "../errors.ts";
import { requireGitIdentity } from "../git/identity.ts";
import { iso } from "../realm/membership.ts";
import { loadValidRealm, type RealmModel } from "../realm/load.ts";
import type { Member } from "../realm/member.ts";
import { writeRealmFile } from "../realm/write.ts";
import { Waiver } from "../realm/schema.ts";
import { commitSyncBranch, fetchRealm, listSyncBranches } from "../sync/branches.ts";
import type { SyncHost } from "../sync/host.ts";
import { syncTrailers } from "../sync/pending.ts";
import { branchName } from "../sync/plan.ts";
import { readPending, settle, SyncReport } from "../sync/run.ts";
import { withLock } from "../system/lock.ts";
import { editYamlFile } from "../yaml/source.ts";
import { planWaiver, type WaiveInput, type WaivePlan } from "./plan.ts";

export const WaiveReport = z.object({
  realm: z.string(),
  repo: z.string(),
  domain: z.string(),
  contract: z.string(),
  file: z.string(),
  waiver: Waiver,
  replaces: Waiver.nullable(),
  dry_run: z.boolean(),
  /** The sync branch that carries it, and its PR on a forge. */
  branch: z.string().nullable(),
  published: z.object({ ref: z.string(), url: z.string().nullable(), opened: z.boolean() }).nullable(),
  /** Whether it is on the realm's main now (governance let it merge), and what it waits for otherwise. */
  merged: z.boolean(),
  waiting_for: z.array(z.string()),
  merges: SyncReport.shape.merges,
});
export type WaiveReport = z.infer<typeof WaiveReport>;

export async function runWaive(o: { member: Member; clone: string; host: SyncHost; now: Date; dryRun: boolean }, input: WaiveInput): Promise<WaiveReport> {
  const realm = o.member.config.realm.name;
  const repo = o.member.config.repo;
  return withLock(`${o.clone}.lock`, async () => {
    await fetchRealm(o.clone);
    const { model } = loadValidRealm(o.clone, realm);
    if (!model.repos.has(repo)) throw new Refused(`${repo} is not a member of realm '${realm}'`, "Run 'blue realm admin join' first.");
    // A waiver records who asked for it: the author git will commit it as (exit 78 when git cannot tell).
    const { email } = await requireGitIdentity(o.member.root, "the realm (a waiver records who asked for it)");
    const plan = planWaiver(model, repo, input, { now: o.now, recordedBy: email });
    const report: WaiveReport = { realm, repo, domain: plan.domain, contract: plan.contract, file: plan.file, waiver: plan.waiver, replaces: plan.replaces, dry_run: o.dryRun, branch: null, published: null, merged: false, waiting_for: [], merges: [] };
    if (o.dryRun) return report;
    const branch = (await openWaiverBranch(o.clone, model, o.host, repo, plan.file)) ?? branchName(repo, o.now, new Set((await listSyncBranches(o.clone)).map((b) => b.branch)));
    const title = `${repo}: waive ${plan.waiver.rule} at ${plan.waiver.pointer || "(root)"} in ${plan.contract} until ${plan.waiver.until}`;
    const message = `${title}\n\nReason: ${plan.waiver.reason}\nFor the change from ${plan.contract} ${plan.waiver.from}; recorded by ${plan.waiver.recorded_by}.\n\n${syncTrailers({ repo, at: iso(o.now), base: null })}`;
    const start = (await listSyncBranches(o.clone)).some((b) => b.branch === branch) ? `origin/${branch}` : "origin/main";
    await commitSyncBranch(o.clone, { branch, start, message, edit: (dir) => writeWaiver(dir, plan) });
    const approvers = model.domains.get(plan.domain)?.governance?.approvers ?? model.realm?.governance.approvers ?? [];
    report.branch = branch;
    report.published = await o.host.publish({ branch, title, body: prBody(plan), labels: ["waiver"], reviewers: [...approvers].sort(), blockedBy: null });
    report.merges = await settle(o.clone, realm, o.host, o.now);
    const mine = report.merges.find((m) => m.branch === branch);
    report.merged = mine?.merged ?? false;
    report.waiting_for = mine && !mine.merged ? mine.waiting_for : [];
    return report;
  });
}

/**
 * This repo's open branch of waivers of the same contract, to add one more to (two branches creating the same
 * file would conflict): only one that carries waivers alone, merges cleanly, and nobody has approved yet (an
 * approval is of what the branch held then).
 */
async function openWaiverBranch(clone: string, model: RealmModel, host: SyncHost, repo: string, file: string): Promise<string | undefined> {
  for (const p of await readPending(clone, model)) {
    if (p.repo !== repo || p.base !== null || p.updates.length || p.acks.length || p.conflicts.length || p.approvals.length || !p.contents.has(file)) continue;
    if ([...p.contents.keys()].some((f) => !/^domains\/[^/]+\/waivers\//.test(f))) continue;
    const pr = await host.describe(p.branch);
    if (pr && pr.approvals.length === 0) return p.branch;
  }
  return undefined;
}

/** Add the waiver to the contract's waiver file (people's comments kept), replacing one of the same scope. */
function writeWaiver(dir: string, plan: WaivePlan): void {
  const path = join(dir, plan.file);
  if (!existsSync(path)) {
    mkdirSync(dirname(path), { recursive: true });
    writeRealmFile(dir, plan.file, "waiver", { contract: plan.contract, waivers: [plan.waiver] });
    return;
  }
  editYamlFile(path, (doc) => {
    const list = doc.get("waivers", true);
    const node = doc.createNode(plan.waiver);
    if (!isSeq(list)) return void doc.set("waivers", doc.createNode([plan.waiver]));
    const at = list.items.findIndex((i) => isMap(i) && i.get("rule") === plan.waiver.rule && i.get("pointer") === plan.waiver.pointer && i.get("from") === plan.waiver.from);
    if (at >= 0) list.items[at] = node;
    else list.items.push(node);
  });
}

function prBody(plan: WaivePlan): string {
  const w = plan.waiver;
  return [
    `Waives the breaking finding \`${w.rule}\` at \`${w.pointer || "(root)"}\` of ${plan.domain}/${plan.contract}, for the change from ${w.from}, through ${w.until} (UTC).`,
    "",
    `Reason: ${w.reason}`,
    "",
    `Recorded by ${w.recorded_by}${plan.replaces ? `; replaces the waiver until ${plan.replaces.until} (${plan.replaces.reason})` : ""}.`,
    "",
    "A waived finding demands no major version bump. Like a breaking change, this needs a realm approver's approval (`blue realm approve`). Checks list the waiver on every run and fail again after it expires.",
  ].join("\n");
}
