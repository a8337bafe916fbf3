// `blue realm worktree`, carried out: probe every repo, plan, then act. A refusal anywhere stops creation before
// any change. Each step is journaled per repo (journal/journal.ts); a failure midway takes back that repo's own
// steps of this run, keeps the repos done before it, and stops with the table: the same command again probes
// git afresh (the plan never trusts the journal alone) and does only what is left.
import { join } from "node:path";
import {
  addWorktree,
  cloneCheckout,
  createBranch,
  deleteBranch,
  excludeWorktrees,
  isGitRepo,
  mainCheckoutOf,
  probeRepo,
  removeWorktree,
  type Undo,
} from "../git/worktree.ts";
import { blueHome } from "../system/home.ts";
import type { Progress } from "../ui/progress.ts";
import { clockNow } from "../system/clock.ts";
import { failureReason, Journal, type OperationTable } from "../journal/journal.ts";
import { readMember, requireMember, requireRepoRoot, type Member } from "../realm/workspace.ts";
import type { RealmModel } from "../realm/load.ts";
import {
  featureBranch,
  locateRepos,
  planWorktrees,
  selectRepos,
  worktreePath,
  type RepoFacts,
  type RepoTarget,
  type Selection,
  type WorktreePlan,
} from "./plan.ts";

export type WorktreeRequest = {
  model: RealmModel;
  realm: string;
  current: { repo: string; root: string };
  rfc: string;
  action: "create" | "remove";
  force: boolean;
  dryRun: boolean;
  selection: Selection;
  /** A line per repo as it is worked on (ui/progress.ts: a terminal only). */
  progress?: Progress;
  /** `--resume`: there must be a journal of this operation. */
  resume?: boolean;
  now?: () => Date;
};

/** `operation`: the journal's table of a create that ran (null for a dry run, a refusal, a removal). */
export type WorktreeOutcome = { plan: WorktreePlan; applied: boolean; rolledBack: string[]; operation: OperationTable | null };

/** The journal's step names. */
export const WORKTREE_STEPS = { clone: "cloned", exclude: "excluded", branch: "branch created", worktree: "worktree added" } as const;

export const checkoutsDir = () => join(blueHome(), "checkouts");

export function worktreeTargets(req: Pick<WorktreeRequest, "model" | "current" | "selection">): RepoTarget[] {
  const repos = selectRepos(req.model, req.current.repo, req.selection);
  return locateRepos(req.model, repos, req.current, { checkouts: checkoutsDir(), isGitRepo });
}

async function probeAll(targets: readonly RepoTarget[], rfc: string): Promise<Map<string, RepoFacts>> {
  const facts = new Map<string, RepoFacts>();
  await Promise.all(
    targets.map(async (t) => {
      if (t.root && t.source !== "clone" && t.source !== "missing") facts.set(t.repo, await probeRepo(t.root, featureBranch(rfc), worktreePath(t.root, rfc)));
    }),
  );
  return facts;
}

export async function runWorktree(req: WorktreeRequest): Promise<WorktreeOutcome> {
  const targets = worktreeTargets(req);
  const planOf = (facts: Map<string, RepoFacts>) =>
    planWorktrees({ realm: req.realm, rfc: req.rfc, action: req.action, force: req.force, targets }, facts);
  let plan = planOf(await probeAll(targets, req.rfc));
  // Opened (and --resume checked) before anything is refused; written only once a step is about to run.
  const journal =
    req.action === "create" && !req.dryRun
      ? Journal.open("worktree", `worktree ${req.realm} ${req.rfc}`, { home: blueHome(), now: req.now ?? clockNow }, { resume: req.resume ?? false, command: "blue realm worktree" })
      : undefined;
  if (req.dryRun || plan.refused.length > 0) return { plan, applied: false, rolledBack: [], operation: null };
  if (req.action === "remove") return { plan: await applyRemove(plan), applied: true, rolledBack: [], operation: null };

  if (!journal) throw new Error("unreachable: a create that runs has its journal");
  journal.clearFailures();
  journal.setOrder(plan.repos.map((r) => r.repo));
  const finished = new Set(plan.repos.filter((r) => r.state === "exists" && r.steps.length === 0).map((r) => r.repo));
  const table = () => journal.table((repo) => finished.has(repo));
  // A failure stops the run: this repo's own steps of this run are taken back, so no repo is left half-made;
  // the repos done before it stay done (journaled), and the same command again does the rest.
  const fail = async (repo: string, step: string, reason: string, undo: Undo[]): Promise<WorktreeOutcome> => {
    const rolledBack: string[] = [];
    for (const u of undo.reverse()) {
      await u.undo().catch(() => undefined);
      rolledBack.push(u.what);
    }
    journal.fail(repo, step, reason);
    const repos = plan.repos.map((r) => (r.repo === repo ? { ...r, state: "refused" as const, reason } : r));
    return { plan: { ...plan, repos, refused: [repo] }, applied: finished.size > 0, rolledBack, operation: table() };
  };

  const progress = req.progress ?? (() => undefined);
  const total = targets.length;
  const tell = (repo: string, doing: string) => progress({ n: targets.findIndex((t) => t.repo === repo) + 1, total, name: repo, doing });
  // Clones first, so the plan can look at them.
  const clones = new Map<string, Undo>();
  for (const t of targets.filter((t) => t.source === "clone")) {
    tell(t.repo, `cloning into ${t.root}`);
    try {
      clones.set(t.repo, await cloneCheckout(t.url!, t.root!));
      journal.record(t.repo, WORKTREE_STEPS.clone, t.root);
    } catch (e) {
      return fail(t.repo, WORKTREE_STEPS.clone, failureReason(e), [...clones.values()]);
    }
  }
  if (clones.size > 0) {
    plan = planOf(await probeAll(targets, req.rfc));
    const refused = plan.repos.find((r) => r.state === "refused");
    if (refused) return fail(refused.repo, WORKTREE_STEPS.clone, refused.reason!, [...clones.values()]);
  }

  for (const r of plan.repos) {
    if (r.state !== "create" && r.state !== "exists") continue;
    if (r.steps.length) tell(r.repo, `${r.state === "create" ? "creating" : "completing"} ${r.worktree}/`);
    const undo: Undo[] = clones.has(r.repo) ? [clones.get(r.repo)!] : [];
    let step: string = WORKTREE_STEPS.exclude;
    try {
      for (const s of r.steps) {
        if (s === "exclude") {
          step = WORKTREE_STEPS.exclude;
          const u = await excludeWorktrees(r.root!);
          if (u) undo.push(u);
        } else if (s === "branch") {
          step = WORKTREE_STEPS.branch;
          undo.push(await createBranch(r.root!, plan.branch, r.base?.startsWith("origin/") ? r.base : "HEAD"));
        } else if (s === "worktree") {
          step = WORKTREE_STEPS.worktree;
          undo.push(await addWorktree(r.root!, r.worktree!, plan.branch));
        } else continue;
        journal.record(r.repo, step, s === "worktree" ? r.worktree : s === "branch" ? plan.branch : null);
      }
    } catch (e) {
      return fail(r.repo, step, failureReason(e), undo);
    }
    finished.add(r.repo);
  }
  return { plan, applied: true, rolledBack: [], operation: table() };
}

/** Removal cannot be taken back, so it starts only when no repo refused; a git failure stops it where it is. */
async function applyRemove(plan: WorktreePlan): Promise<WorktreePlan> {
  const repos = [];
  let failed: string | undefined;
  for (const r of plan.repos) {
    if (failed || r.state !== "remove") {
      repos.push(r);
      continue;
    }
    try {
      if (r.steps.includes("remove-worktree")) await removeWorktree(r.root!, r.worktree!, r.notes.some((n) => n.startsWith("discards")));
      if (r.steps.includes("delete-branch")) await deleteBranch(r.root!, plan.branch);
      repos.push(r);
    } catch (e) {
      failed = r.repo;
      repos.push({ ...r, state: "refused" as const, reason: (e as Error).message });
    }
  }
  return { ...plan, repos, refused: failed ? [failed] : [] };
}

/** The member repo blue runs in, as its main checkout, also when run from inside one of its worktrees
 *  (where .blue/config.yaml may not be committed yet). */
export async function memberHere(dir: string = process.cwd()): Promise<Member> {
  const root = requireRepoRoot(dir);
  const main = (await mainCheckoutOf(root)) ?? root;
  const member = readMember(main) ?? readMember(root);
  if (!member) return requireMember(main);
  return { ...member, root: main };
}
