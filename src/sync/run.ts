// Carries out `blue realm sync` for a member repo: fetch the realm, read what this repo's code exports and
// what is waiting on open sync branches, plan, then (unless --dry-run) push the sync branches, open or update
// their PRs, tell the local daemon (sync/publish.ts, journaled step by step: a sync that stopped part-way is
// finished by the next), and merge the open sync branches that governance now allows.
import { z } from "zod";
import { BlueError, BranchMoved, Refused } from "../errors.ts";
import { plainGitHost, type SyncHost } from "./host.ts";
import { git, headOf, isMerged } from "../git/realm-repo.ts";
import { commitSyncBranch, commitsSinceMain, fastForwardMain, fetchRealm, fetchRealmRefs, listRealmRefs, mergeBase, mergeConflicts, readChangedFiles } from "./branches.ts";
import { withLock } from "../system/lock.ts";
import { removeLeftoverWorktrees } from "../git/scratch-worktree.ts";
import { openCache, type Cache } from "../store/cache-db.ts";
import { warnStderr } from "../ui/output.ts";
import type { Progress } from "../ui/progress.ts";
import { extractExportCached, readSchemaFile } from "../check/extract.ts";
import { extractGate, type Consent } from "../trust/consent.ts";
import { loadValidRealm, type LoadedFiles, type RealmModel } from "../realm/load.ts";
import { keepModelAtCommit, keptAtCommit, loadValidRealmKept } from "../realm/kept.ts";
import { evaluate, MergeVerdict } from "./merge-policy.ts";
import { ExportBinding } from "../realm/schema.ts";
import { BranchPlan, planBranches, type Extracted, type JudgedUpdates, type PlanInput } from "./plan.ts";
import { toPending, type PendingSync } from "./pending.ts";
import { parseData } from "../yaml/source.ts";
import { Journal, OperationTable } from "../journal/journal.ts";
import { blueHome } from "../system/home.ts";
import { publishAll } from "./publish.ts";
import { commitMessage, needsMain, writePlan } from "./write-plan.ts";
import { syncBranchComplete, syncOperationKey } from "./resume.ts";
import { claimRetirement, closedAmong } from "./closed.ts";
import { takeFetched } from "./fetched.ts";

export const SyncReport = z.object({
  realm: z.string(),
  repo: z.string(),
  dry_run: z.boolean(),
  forge: z.enum(["none", "forgejo", "github"]),
  realm_commit: z.string().nullable(),
  in_sync: z.boolean(),
  branches: z.array(BranchPlan.extend({ published: z.object({ ref: z.string(), url: z.string().nullable(), opened: z.boolean() }).nullable(), pushed: z.boolean(), resumed: z.boolean().default(false) })),
  /** Versions this repo already proposed on an open branch, unchanged since. */
  proposed: z.array(z.string()),
  unsatisfied: z.array(z.string()),
  /** Versions not acknowledged because the provider's branch proposing them was recorded closed without merging. */
  ignored: z.array(z.string()).default([]),
  /** Open sync branches of the realm: what each waits for, and whether this run merged it. */
  merges: z.array(MergeVerdict.extend({ merged: z.boolean(), conflicts: z.array(z.string()), removed: z.boolean().default(false) })),
  notified: z.array(z.string()),
  acknowledged_prs: z.array(z.string()),
  /** The journal's table of the branches this run published (null in a dry run): done, failed with its reason, not started. */
  operation: OperationTable.nullable().default(null),
});
export type SyncReport = z.infer<typeof SyncReport>;

export type SyncContext = {
  realm: string;
  repo: string;
  repoRoot: string;
  clone: string;
  now: Date;
  dryRun: boolean;
  host?: SyncHost;
  /** Reuse extracted values from .blue/cache.db (default true; `--no-cache` passes false). */
  cache?: boolean;
  /** Tells the local daemon at once (best effort); the importers' daemons learn it when they fetch. */
  /** Whether an extract command the realm names may run here (trust/store.ts machineConsent). */
  consent: Consent;
  /** A line per sync branch as it is pushed and its PR opened (ui/progress.ts: a terminal only). */
  progress?: Progress;
  /** The step journal (opened by the caller for `--resume`, else here). */
  journal?: Journal;
  notify?: (n: { domain: string; contract: string; version: string; breaking: boolean; changes: string[]; recipients: string[] }) => Promise<boolean>;
};

// What readPending read of a branch against one model, by branch, its commit and main's: a sync reads the open
// branches again after publishing, and a branch none of which moved reads the same (its base branch's commit is
// checked too: a provider's rebuilt branch makes its acknowledgements obsolete). Kept with the model, and gone with it.
const readBefore = new WeakMap<RealmModel, Map<string, { p: PendingSync | null; baseSha: string | undefined }>>();

/** Read every open sync branch of the clone against main's model (`refs`: main and the branches, as just listed). */
export async function readPending(clone: string, model: RealmModel, refs?: { main: string | undefined; sync: { branch: string; sha: string }[] }): Promise<PendingSync[]> {
  const out: PendingSync[] = [];
  const { main, sync: listed } = refs ?? (await listRealmRefs(clone));
  const open = new Map(listed.map((b) => [b.branch, b.sha]));
  const memo = readBefore.get(model) ?? new Map();
  readBefore.set(model, memo);
  for (const { branch, sha } of listed) {
    const key = `${clone}\0${branch}\0${sha}\0${main}`;
    const seen = memo.get(key);
    if (seen && (seen.p?.base ? open.get(seen.p.base.branch) === seen.baseSha : true)) {
      if (seen.p) out.push(structuredClone(seen.p));
      continue;
    }
    const p = await readBranch(clone, model, branch, sha, open);
    if (main) memo.set(key, { p: p ? structuredClone(p) : null, baseSha: p?.base ? open.get(p.base.branch) : undefined });
    if (p) out.push(p);
  }
  return out;
}

async function readBranch(clone: string, model: RealmModel, branch: string, sha: string, open: Map<string, string>): Promise<PendingSync | undefined> {
  const ref = `origin/${branch}`;
  const commits = await commitsSinceMain(clone, ref);
  if (commits.length === 0) return undefined; // already merged
  const first = toPending({ branch, sha, commits, files: new Map() }, model, false);
  if (!first) return undefined;
  const since = first.base ? first.base.sha : await mergeBase(clone, ref);
  const files = await readChangedFiles(clone, since, sha);
  const p = toPending({ branch, sha, commits, files }, model, first.base ? await isMerged(clone, first.base.sha) : true);
  if (!p) return undefined;
  if (!p.base) p.conflicts = await mergeConflicts(clone, branch);
  else if (!p.base_merged) p.obsolete = !(await isMerged(clone, p.base.sha, `origin/${p.base.branch}`));
  if (p.obsolete && !open.has(p.base!.branch)) p.base_closed = true;
  return p;
}

/** On a forge a provider's PR closed without merging leaves its branch: the acknowledgements built on it are
 *  obsolete all the same (their base will not merge). */
export async function markClosedBases(pending: PendingSync[], host: SyncHost): Promise<void> {
  if (!host.closedUnmerged) return;
  for (const p of pending) {
    if (p.base && !p.base_merged && !p.obsolete && (await host.closedUnmerged(p.base.branch))) Object.assign(p, { obsolete: true, base_closed: true });
  }
}

/**
 * Sync never runs over hand edits in the realm clone (and never resets them away). A contract file edited by
 * a repo that does not own it is the RFC's "Contract Ownership" refusal, naming the owner.
 */
async function refuseHandEdits(clone: string, repo: string): Promise<void> {
  const g = git(clone);
  const edited = (await g.raw(["diff", "--name-only", "HEAD"]).catch(() => "")).split("\n").filter(Boolean);
  for (const file of edited) {
    const m = /^domains\/([^/]+)\/contracts\/([^/]+)\.ya?ml$/.exec(file);
    if (!m) continue;
    const before = await g.raw(["show", `HEAD:${file}`]).catch(() => "");
    let owner: string | undefined;
    try {
      owner = (parseData(file, before) as { owner?: string } | null)?.owner;
    } catch {}
    if (owner && owner !== repo) {
      throw new Refused(`contract '${m[2]}' is owned by '${owner}': ${repo} cannot change it (${file} is edited in the realm clone)`, `Ask ${owner}'s maintainers for the change; discard the edit with: git -C ${clone} checkout -- ${file}`);
    }
  }
  if (edited.length > 0) {
    throw new Refused(`the realm clone has hand edits: ${edited.join(", ")}`, `blue publishes contract changes from your code; change a binding with 'blue realm export' (how a contract is read) or 'blue realm import' (a range). Discard the edits with: git -C ${clone} checkout -- ${edited.join(" ")}`);
  }
}

async function extractAll(repoRoot: string, repo: string, model: RealmModel, cache: Cache, consent: Consent): Promise<Extracted[]> {
  const out: Extracted[] = [];
  for (const [dname, d] of model.domains) {
    const b = d.bindings.get(repo);
    if (b?.role !== "provider") continue;
    for (const exp of b.exports) {
      const binding = ExportBinding.parse(exp);
      const got = await extractExportCached(repoRoot, binding, cache, { gate: extractGate(consent, dname, repo) });
      if (!got || !binding.extract) continue;
      let schema: Record<string, unknown> | undefined;
      if (exp.schema_file) schema = readSchemaFile(repoRoot, exp.schema_file);
      const how = binding.extract;
      const from = "file" in how ? { file: how.file, pointer: valuePointer(how.pointer) } : { file: `the output of ${[how.command].flat().join(" ")}`, pointer: "" };
      out.push({ domain: dname, contract: exp.contract, value: got.value, ...(schema ? { schema } : {}), from: { ...from, ...(exp.schema_file ? { schema_file: exp.schema_file } : {}) } });
    }
  }
  return out;
}

/** An extract's pointer as a prefix of the pointers under it ("" for the whole document, as getPointer reads it). */
function valuePointer(pointer: string): string {
  if (pointer === "" || pointer === "/") return "";
  return pointer.startsWith("/") ? pointer : `/${pointer}`;
}

const RACE_ATTEMPTS = 4;

export async function runSync(ctx: SyncContext): Promise<SyncReport> {
  return withLock(`${ctx.clone}.lock`, async () => {
    // What a killed sync left behind (its scratch worktree in .git) goes first (a dry run writes nothing).
    if (!ctx.dryRun) await removeLeftoverWorktrees(ctx.clone);
    // The fetch moves only remote-tracking refs (no file, not main), so it runs while the clone is checked for
    // hand edits and its main read; main is fast-forwarded after the check, as before.
    // The in-sync fast path may have fetched already in this process (sync/fetched.ts).
    const fetched = takeFetched(ctx.clone) ? Promise.resolve() : fetchRealmRefs(ctx.clone);
    fetched.catch(() => undefined); // awaited below; a refusal of hand edits is the answer when both fail
    const [before] = await Promise.all([headOf(ctx.clone, "HEAD"), refuseHandEdits(ctx.clone, ctx.repo)]).catch(async (e) => {
      await fetched.catch(() => undefined);
      throw e;
    });
    await fetched;
    for (let attempt = 1; ; attempt++) {
      try {
        return await syncLocked(ctx, { fetched: attempt === 1, head: before });
      } catch (e) {
        // Nothing of a failed sync stays in the clone: main goes back to where it was.
        if (before) await git(ctx.clone).raw(["reset", "-q", "--hard", before]).catch(() => undefined);
        // Another machine pushed the same sync branch first: fetch, plan and push again from what it pushed.
        if (e instanceof BranchMoved && attempt < RACE_ATTEMPTS) continue;
        throw e;
      }
    }
  });
}

/** `start.fetched`: the realm was fetched for this attempt already; `start.head`: the clone's main as the attempt starts. */
type Start = { fetched: boolean; head: string | undefined };

async function syncLocked(ctx: SyncContext, start: Start): Promise<SyncReport> {
  // The member repo's cache.db: extracted values, and the realm files a load found valid (a sync in a realm of a
  // thousand contracts parses the few files that changed since, not all of them).
  const cache = openCache(ctx.repoRoot, { enabled: ctx.cache !== false, warn: warnStderr });
  try {
    return await syncWith(ctx, cache, start);
  } finally {
    cache.close();
  }
}

async function syncWith(ctx: SyncContext, cache: Cache, start: Start): Promise<SyncReport> {
  const host = ctx.host ?? plainGitHost(ctx.clone);
  const files = cache.enabled ? cache : undefined;
  if (!start.fetched) await fetchRealmRefs(ctx.clone);
  // The fetched refs first: main is merged only when the fetch moved the realm's main past the clone's.
  const refs = await listRealmRefs(ctx.clone);
  await fastForwardMain(ctx.clone, { head: start.head, fetched: refs.main });
  const { model } = files ? loadValidRealmKept(ctx.clone, ctx.realm, files) : loadValidRealm(ctx.clone, ctx.realm);
  if (refs.main && !keptAtCommit(ctx.clone, refs.main)) await keepForInSync(ctx.clone, model);
  if (!model.repos.has(ctx.repo)) throw new Refused(`${ctx.repo} is not a member of realm '${ctx.realm}'`, "Run 'blue realm admin join' first.");
  const pending = await readPending(ctx.clone, model, refs);
  const extracted = await extractAll(ctx.repoRoot, ctx.repo, model, cache, ctx.consent);
  const taken = new Set(pending.map((p) => p.branch));
  const input = { realm: ctx.realm, repo: ctx.repo, model, extracted, pending, now: ctx.now, taken, closed: await closedAmong(ctx.clone, pending, ctx.repo) };
  const plan = planBranches(input, await judgeUpdates(ctx, model, extracted, input));
  // Before anything is written, in a dry run too: the run would refuse the same way.
  if (plan.refused.length) {
    const { describeRefusals } = await import("./publishable.ts");
    throw new Refused(describeRefusals(plan.refused), "Fix the value or the schema in this repo, then sync again; nothing was pushed.");
  }
  const report: SyncReport = {
    realm: ctx.realm,
    repo: ctx.repo,
    dry_run: ctx.dryRun,
    forge: host.kind,
    realm_commit: refs.main ?? null,
    in_sync: plan.branches.length === 0,
    branches: plan.branches.map((b) => ({ ...b, published: null, pushed: false, resumed: false })),
    proposed: plan.proposed,
    unsatisfied: plan.unsatisfied,
    ignored: plan.ignored,
    merges: [],
    notified: [],
    acknowledged_prs: [],
    operation: null,
  };
  if (ctx.dryRun) {
    report.merges = (await verdicts(host, model, pending, ctx.now)).map((v) => ({ ...v, merged: false, removed: false, conflicts: pending.find((p) => p.branch === v.branch)?.conflicts ?? [] }));
    return report;
  }

  const journal = ctx.journal ?? Journal.open("sync", syncOperationKey(ctx.realm, ctx.repo), { home: blueHome(), now: () => ctx.now }, { resume: false, command: "blue realm sync" });
  const commit = async (b: SyncReport["branches"][number]) => {
    const replace = b.rebuild ? pending.find((p) => p.branch === b.branch)?.sha : undefined;
    // Only the plan's files are checked out, unless main has to be merged in first (that needs them all).
    const mergeMain = await needsMain(ctx.clone, b);
    await commitSyncBranch(ctx.clone, { branch: b.branch, start: b.start, message: commitMessage(b, ctx.repo, ctx.now), edit: (dir) => writePlan(dir, ctx.clone, b, ctx.now, mergeMain), ...(mergeMain ? {} : { files: b.files }), replace });
  };
  await publishAll({ ctx, host, journal, report, pending, commit });
  report.operation = journal.table(syncBranchComplete(journal));
  report.in_sync = report.in_sync && report.branches.length === 0;
  // Stopped part-way: what is published stays; nothing is merged until the next sync has finished it.
  if (!report.operation.complete) return report;
  // The realm was fetched at the start of this sync; publishing pushed only sync branches (their remote-tracking
  // refs moved with the push). With nothing pushed, the open branches are the ones read above.
  cache.flush();
  report.merges = await settle(ctx.clone, ctx.realm, host, ctx.now, { model, files, ...(report.branches.length === 0 ? { pending } : {}) });
  return report;
}

/** Keep the model just loaded for the clone's commit (sync/in-sync.ts decides "in sync" from it without loading the
 *  realm) when the clone has exactly that commit out, with no edit and no untracked file, so the files the load read
 *  are that commit's. Once per realm commit: two git commands. */
async function keepForInSync(clone: string, model: RealmModel): Promise<void> {
  const g = git(clone);
  const [head, status] = await Promise.all([g.exec(["rev-parse", "HEAD"]), g.exec(["status", "--porcelain", "--untracked-files=all"])]);
  const commit = head.stdout.trim();
  if (head.code === 0 && commit && status.code === 0 && status.stdout === "" && !keptAtCommit(clone, commit)) keepModelAtCommit(clone, commit, model);
}

/** The contract versions the code asks for. A value and schema that are the contract's, as data, ask for none (the
 *  engine finds nothing between a version and itself): only the exports that differ are judged, so an in-sync sync
 *  never loads the compatibility engine, ajv, the witness search or the importers' history (sync/update.ts). Every
 *  export that differs is compared, validated and judged for its importers exactly as before. */
async function judgeUpdates(ctx: SyncContext, model: RealmModel, extracted: Extracted[], input: Omit<PlanInput, "versions">): Promise<JudgedUpdates> {
  const differing = extracted.filter((x) => {
    const c = model.domains.get(x.domain)?.contracts.get(x.contract);
    return c !== undefined && !(Bun.deepEquals(x.value, c.value, true) && Bun.deepEquals(x.schema ?? c.schema, c.schema, true));
  });
  if (differing.length === 0) return { updates: [], refused: [] };
  const { planContractUpdate, planUpdates, waiverScope } = await import("./update.ts");
  const { reliedVersions } = await import("../impact/run.ts");
  // Only contracts the code changed are judged for their importers: history is read for those alone.
  const changed = differing.filter((x) => planContractUpdate(x.domain, model.domains.get(x.domain)!.contracts.get(x.contract)!, x, waiverScope(model, x.domain, x.contract, ctx.now)) !== undefined);
  const versions = await reliedVersions(ctx.clone, model, changed);
  return planUpdates({ ...input, extracted: differing, versions });
}

async function verdicts(host: SyncHost, model: RealmModel, pending: PendingSync[], now: Date): Promise<MergeVerdict[]> {
  const out: MergeVerdict[] = [];
  for (const p of pending) {
    const pr = await host.describe(p.branch);
    if (!pr) continue; // a forge PR that was closed: not ours to merge
    const stale = [...(p.stale_approvals ?? []), ...(pr.stale_approvals ?? [])];
    const judged = stale.length ? { ...p, stale_approvals: stale } : p;
    out.push(evaluate(judged, { model, pending, now, pr: pr.ref, ...(host.kind === "none" ? {} : { approvals: [...p.approvals, ...pr.approvals] }) }));
  }
  return out;
}

/**
 * Merge every open sync branch that governance allows, providers before the acknowledgements built on them,
 * until nothing more is due. Called by `sync` and by the daemon after it fetches (caller holds the lock).
 * `fresh`: the caller fetched the realm itself just before (sync, after publishing): the first round reads
 * what it fetched. Each later round fetches again, since a merge changed the realm, except after a plain-git
 * merge, whose own push moved the clone's refs.
 */
export async function settle(clone: string, realm: string, host: SyncHost, now: Date, fresh?: { model: RealmModel; pending?: PendingSync[]; files?: LoadedFiles }): Promise<SyncReport["merges"]> {
  const results = new Map<string, SyncReport["merges"][number]>();
  await removeLeftoverWorktrees(clone);
  // A plain-git merge is one atomic push, which moves origin/main and removes the merged branch in the clone too:
  // the round after it reads that (main fast-forwarded) without fetching. What anyone else pushed meanwhile is seen
  // at the next fetch; every merge push is leased to what was read, so a stale read is refused, never pushed over.
  let pushedHere = false;
  for (let round = 0; round < 20; round++) {
    if (pushedHere) await fastForwardMain(clone);
    else if (round > 0 || !fresh) await fetchRealm(clone);
    pushedHere = false;
    const model = round === 0 && fresh ? fresh.model : (fresh?.files ? loadValidRealmKept(clone, realm, fresh.files) : loadValidRealm(clone, realm)).model;
    const pending = round === 0 && fresh?.pending ? fresh.pending : await readPending(clone, model);
    await markClosedBases(pending, host);
    const all = await verdicts(host, model, pending, now);
    for (const v of all) if (!results.get(v.branch)?.merged) results.set(v.branch, { ...v, merged: false, removed: false, conflicts: pending.find((p) => p.branch === v.branch)?.conflicts ?? [] });
    const obsolete = pending.find((p) => p.obsolete);
    if (obsolete) {
      // A closed base is recorded in the realm remote (sync/closed.ts) before its acknowledgement goes, and only the
      // machine that wins the record's swap comments on the PR (a realm remote refusing the record: as before it).
      const comment = obsolete.base_closed ? await claimRetirement(clone, realm, obsolete, now).catch(() => true) : true;
      await host.retire(
        obsolete.branch,
        comment ? `Closed by blue: this acknowledgement was built on ${obsolete.base?.branch ?? "a provider's sync branch"}, which was closed without merging, so it can no longer merge. The next \`blue realm sync\` in ${obsolete.repo} acknowledges what is on main.`
          : null,
      );
      results.set(obsolete.branch, { branch: obsolete.branch, repo: obsolete.repo, due: false, reason: null, waiting_for: [], pr: null, merged: false, conflicts: [], removed: true });
      continue;
    }
    const next = all.find((v) => v.due && !results.get(v.branch)?.conflicts.length);
    // Nothing (more) to merge: this round's fetch is the realm as it now is (kept for the next in-sync sync when merges moved it).
    if (!next) {
      if (round > 0) await keepForInSync(clone, model);
      return [...results.values()];
    }
    const p = pending.find((x) => x.branch === next.branch)!;
    const outcome = await host.merge(next.branch, `Merge ${next.branch}: ${[...p.updates.map((u) => `${u.contract} ${u.version}`), ...(p.waivers ?? []).map((w) => `waiver of ${w.rule} in ${w.contract}`)].join(", ") || "acknowledgement"} (${next.reason})`);
    results.set(next.branch, { ...next, removed: false, merged: outcome.merged, conflicts: outcome.merged ? [] : outcome.conflicts });
    pushedHere = outcome.merged && host.kind === "none";
  }
  await fetchRealm(clone);
  return [...results.values()];
}

export function describeFailure(e: unknown): string {
  return e instanceof BlueError ? e.message : String(e);
}

/** Open sync branches that concern `repo` (its own, or ones waiting for its acknowledgement), with what each waits for. */
export async function syncStatus(clone: string, realm: string, repo: string, host: SyncHost, now: Date): Promise<MergeVerdict[]> {
  const { model } = loadValidRealm(clone, realm);
  const pending = await readPending(clone, model);
  const mine = (v: MergeVerdict) => v.repo === repo || v.waiting_for.some((w) => w.split(" to acknowledge ")[0]!.split(", ").includes(repo));
  return (await verdicts(host, model, pending, now)).filter(mine);
}
