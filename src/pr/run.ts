// `blue realm pr`, carried out: find the repos that have the feature branch, plan, push each branch to its
// origin in merge order, then open or update one PR per repo through its PrOpener and mark the blockers.
// Each step is journaled (pr/apply.ts): a run that fails part-way is finished by the same command again.
import { realpathSync } from "node:fs";
import { Refused, UsageError } from "../errors.ts";
import { currentBranch, mainCheckoutOf, remoteBranchState, worktreesOf } from "../git/worktree.ts";
import { featureBranchFacts, type FeatureBranchFacts } from "../git/feature-branch.ts";
import { requireRepoRoot, type Member } from "../realm/workspace.ts";
import { realmEdges, type RealmModel } from "../realm/load.ts";
import type { PrOpenerFor } from "./opener.ts";
import { nextToMerge, planPrs, type PrOpener, type PrPlan, type PrRef, type PrStatusDoc, type PrTarget } from "./plan.ts";
import { prRefusals, refusalText, type PrRefusal, type PrRepoFacts } from "./refusals.ts";
import { chooseRfc } from "./rfc.ts";
import { applyPrs } from "./apply.ts";
import { PrRequestText, prOperationKey, prOperationPrefix, prRepoComplete, prStepLabel } from "./resume.ts";
import { listOperations } from "../store/operations.ts";
import { Journal, type OperationTable } from "../journal/journal.ts";
import { blueHome } from "../system/home.ts";
import { clockNow } from "../system/clock.ts";
import { featureBranch } from "../worktree/plan.ts";
import { worktreeTargets } from "../worktree/run.ts";
import type { Progress } from "../ui/progress.ts";

export type PrRequest = {
  model: RealmModel;
  member: Member;
  rfc: string;
  title: string;
  body: string;
  draft: boolean;
  openerFor: PrOpenerFor;
  /** A line per repo as it is worked on (ui/progress.ts: a terminal only). */
  progress?: Progress;
  /** `--resume`: there must be a journal of this operation. */
  resume?: boolean;
  now?: () => Date;
  /** Called once nothing refuses, before the first push, with the plan as it stands (work that may run alongside the pushes). */
  beforePush?: (plan: PrPlan, known: PrKnown) => void;
};

type Found = { target: PrTarget & { forge: string }; opener: PrOpener; facts: FeatureBranchFacts };

/** The worktree set: the realm's repos on this machine that have branch feat/<rfc> (whichever repo it runs in). */
async function findSet(req: Pick<PrRequest, "model" | "member" | "rfc" | "openerFor">, opts = { askOrigin: false }): Promise<Found[]> {
  const branch = featureBranch(req.rfc);
  const targets = worktreeTargets({ model: req.model, current: { repo: req.member.config.repo, root: req.member.root }, selection: { repos: [...req.model.repos.keys()] } });
  // Every repo is asked at once (each one's answer is its own git's), and the set kept in the targets' order.
  const asked = await Promise.all(
    targets.map(async (t): Promise<Found | undefined> => {
      if (!t.root || t.source === "clone" || t.source === "missing") return undefined;
      const facts = await featureBranchFacts(t.root, branch, opts);
      if (!facts) return undefined;
      const target: PrTarget = { repo: t.repo, root: t.root, branch, base: facts.base, remote_url: facts.remote_url };
      const opener = await req.openerFor(target);
      return { target: { ...target, forge: opener.forge }, opener, facts };
    }),
  );
  const found = asked.filter((f): f is Found => f !== undefined);
  if (found.length === 0) {
    throw new Refused(`no repo of this realm has branch ${branch} on this machine`, `Create it with 'blue realm worktree --rfc ${req.rfc}'.`);
  }
  return found;
}

const realPath = (p: string) => {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
};

/** The change blue runs for (pr/rfc.ts): --rfc, the current feat/<rfc> branch, or the main checkout's one unified worktree. */
export async function findRfc(flag: string | undefined, dir: string = process.cwd()): Promise<string> {
  if (flag !== undefined) return chooseRfc({ flag, root: "", worktrees: [] });
  const here = requireRepoRoot(dir);
  const branch = await currentBranch(here);
  const root = realPath((await mainCheckoutOf(here)) ?? here);
  return chooseRfc({ branch, root, worktrees: await worktreesOf(root) });
}

/** What the real run checks before its first push: origins, work trees with uncommitted changes, pushes origin would
 *  reject (origin's answer to a dry-run push, and the work trees' changes, were read while the set was found). */
function refusalsOf(set: readonly Found[], order: readonly string[]): PrRefusal[] {
  const facts = set.map(({ target, facts }): PrRepoFacts => ({
    repo: target.repo,
    root: realPath(target.root),
    branch: target.branch,
    remote_url: target.remote_url,
    checkout: facts.checkout,
    uncommitted: facts.uncommitted,
    push: facts.push,
  }));
  return prRefusals(facts.sort((a, b) => order.indexOf(a.repo) - order.indexOf(b.repo)));
}

/** What the record of the set (follow/publish.ts) needs of each repo, as this run read it: its origin and the commit pushed. */
export type PrKnown = ReadonlyMap<string, { remote_url: string | null; head: string }>;

export async function runPr(req: PrRequest, dryRun: boolean): Promise<PrPlan & { refusals: PrRefusal[]; operation: OperationTable | null; known: PrKnown }> {
  const set = await findSet(req, { askOrigin: true });
  const known: PrKnown = new Map(set.map(({ target, facts }) => [target.repo, { remote_url: target.remote_url, head: facts.sha }]));
  const prs = new Map<string, PrRef>();
  // A dry run shows which PRs exist; the real run asks the forge repo by repo, as it gets there (pr/apply.ts).
  if (dryRun) {
    for (const { target, opener } of set) {
      const ref = await opener.find(target);
      if (ref) prs.set(target.repo, ref);
    }
  }
  const pushed = new Map<string, "pushed" | "up-to-date">();
  const plan = () =>
    planPrs({ realm: req.model.realm?.name ?? "", rfc: req.rfc, branch: featureBranch(req.rfc), title: req.title, body: req.body, draft: req.draft, targets: set.map((s) => s.target), edges: realmEdges(req.model), prs, pushed });
  const refusals = refusalsOf(set, plan().order);
  if (dryRun) return { ...plan(), refusals, operation: null, known };
  if (refusals.length > 0) {
    const { message, hint } = refusalText(refusals);
    throw new Refused(`${message}: nothing was pushed`, hint);
  }
  const journal = Journal.open("pr", prOperationKey(req.model.realm?.name ?? "", featureBranch(req.rfc), req.title), { home: blueHome(), now: req.now ?? clockNow }, { resume: req.resume ?? false, command: "blue realm pr" });
  journal.clearFailures();
  journal.setOrder(plan().order);
  journal.setData("request", { title: req.title, body: req.body, draft: req.draft } satisfies PrRequestText);
  req.beforePush?.(plan(), known);
  const opened = await applyPrs({ set, journal, draft: req.draft, plan, prs, pushed, progress: req.progress });
  const final = plan();
  const forgeOf = (repo: string) => set.find((s) => s.target.repo === repo)!.target.forge;
  const operation = journal.table(prRepoComplete(forgeOf), prStepLabel);
  return { ...final, repos: final.repos.map((r) => (opened.has(r.repo) ? { ...r, pr_action: "open" as const } : r)), refusals: [], operation, known };
}

/** The title, body and draft flag of the last journaled run for this change (`blue realm pr --resume` alone). */
export function lastPrText(realm: string, rfc: string): PrRequestText {
  const prefix = prOperationPrefix(realm, featureBranch(rfc));
  const last = listOperations(blueHome(), "pr", clockNow)
    .filter((op) => op.key.startsWith(prefix))
    .sort((a, b) => b.updated_at.localeCompare(a.updated_at))[0];
  const text = PrRequestText.safeParse(last?.data.request);
  if (!text.success) throw new UsageError(`nothing to resume: this machine has no journal of blue realm pr for ${featureBranch(rfc)}`, "Run it with --title to start it.");
  return text.data;
}

export async function prStatus(req: Pick<PrRequest, "model" | "member" | "rfc" | "openerFor">): Promise<PrStatusDoc> {
  const set = await findSet(req);
  const prs = new Map<string, PrRef>();
  for (const { target, opener } of set) {
    const ref = await opener.find(target);
    if (ref) prs.set(target.repo, ref);
  }
  const plan = planPrs({ realm: req.model.realm?.name ?? "", rfc: req.rfc, branch: featureBranch(req.rfc), title: "", body: "", draft: false, targets: set.map((s) => s.target), edges: realmEdges(req.model), prs });
  const byRepo = new Map(set.map((s) => [s.target.repo, s]));
  const repos = await Promise.all(
    plan.repos.map(async (r) => {
      const { target, opener } = byRepo.get(r.repo)!;
      const git = await remoteBranchState(target.root, target.branch, target.base);
      return { repo: r.repo, position: r.position, branch: r.branch, base: r.base, blocked_by: r.blocked_by, ...git, pr: r.pr, pr_state: r.pr ? await opener.status(target, r.pr) : null };
    }),
  );
  return { realm: plan.realm, rfc: plan.rfc, branch: plan.branch, order_line: plan.order_line, repos, next: nextToMerge(repos) };
}
