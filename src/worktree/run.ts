// `blue realm worktree`, carried out: probe every repo, plan, then act. Creation is all or nothing: a refusal
// anywhere stops it before any change, and a failure midway takes back everything this run did (clones,
// exclude lines, branches, worktrees), newest first, leaving what existed before untouched.
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
};

export type WorktreeOutcome = { plan: WorktreePlan; applied: boolean; rolledBack: string[] };

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
  if (req.dryRun || plan.refused.length > 0) return { plan, applied: false, rolledBack: [] };
  if (req.action === "remove") return { plan: await applyRemove(plan), applied: true, rolledBack: [] };

  const done: Undo[] = [];
  const fail = async (repo: string, reason: string): Promise<WorktreeOutcome> => {
    const rolledBack: string[] = [];
    for (const u of done.reverse()) {
      await u.undo().catch(() => undefined);
      rolledBack.push(u.what);
    }
    const repos = plan.repos.map((r) => (r.repo === repo ? { ...r, state: "refused" as const, reason } : r));
    return { plan: { ...plan, repos, refused: [repo] }, applied: false, rolledBack };
  };

  const progress = req.progress ?? (() => undefined);
  const total = targets.length;
  const step = (repo: string, doing: string) => progress({ n: targets.findIndex((t) => t.repo === repo) + 1, total, name: repo, doing });
  // Clones first, so the plan can look at them; they are this run's to take back.
  for (const t of targets.filter((t) => t.source === "clone")) {
    step(t.repo, `cloning into ${t.root}`);
    try {
      done.push(await cloneCheckout(t.url!, t.root!));
    } catch (e) {
      return fail(t.repo, (e as Error).message);
    }
  }
  if (done.length > 0) {
    const facts = await probeAll(targets, req.rfc);
    plan = planOf(facts);
    if (plan.refused.length > 0) return fail(plan.refused[0]!, plan.repos.find((r) => r.state === "refused")!.reason!);
  }

  for (const r of plan.repos) {
    if (r.state !== "create" && r.state !== "exists") continue;
    if (r.steps.length) step(r.repo, `${r.state === "create" ? "creating" : "completing"} ${r.worktree}/`);
    try {
      for (const step of r.steps) {
        if (step === "exclude") {
          const u = await excludeWorktrees(r.root!);
          if (u) done.push(u);
        } else if (step === "branch") {
          done.push(await createBranch(r.root!, plan.branch, r.base?.startsWith("origin/") ? r.base : "HEAD"));
        } else if (step === "worktree") {
          done.push(await addWorktree(r.root!, r.worktree!, plan.branch));
        }
      }
    } catch (e) {
      return fail(r.repo, (e as Error).message);
    }
  }
  return { plan, applied: true, rolledBack: [] };
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
