// `blue realm pr`, carried out: find the repos that have the feature branch, plan, push each branch to its
// origin in merge order, then open or update one PR per repo through its PrOpener and mark the blockers.
// A rerun pushes again (a no-op when nothing changed) and updates the PRs it finds instead of opening new ones.
import { realpathSync } from "node:fs";
import { Refused } from "../errors.ts";
import { baseBranch, branchExists, currentBranch, mainCheckoutOf, originUrl, pushBranch, pushCheck, remoteBranchState, uncommittedFiles, worktreesOf } from "../git/worktree.ts";
import { requireRepoRoot, type Member } from "../realm/workspace.ts";
import { realmEdges, type RealmModel } from "../realm/load.ts";
import type { PrOpenerFor } from "./opener.ts";
import { nextToMerge, planPrs, type PrOpener, type PrPlan, type PrRef, type PrStatusDoc, type PrTarget } from "./plan.ts";
import { prRefusals, refusalText, type PrRefusal, type PrRepoFacts } from "./refusals.ts";
import { chooseRfc } from "./rfc.ts";
import { featureBranch } from "../worktree/plan.ts";
import { worktreeTargets } from "../worktree/run.ts";
import type { Progress } from "../ui/progress.ts";

export type PrRequest = { model: RealmModel; member: Member; rfc: string; title: string; body: string; draft: boolean; openerFor: PrOpenerFor; progress?: Progress };

type Found = { target: PrTarget & { forge: string }; opener: PrOpener };

/** The worktree set: the realm's repos on this machine that have branch feat/<rfc> (whichever repo it runs in). */
async function findSet(req: Pick<PrRequest, "model" | "member" | "rfc" | "openerFor">): Promise<Found[]> {
  const branch = featureBranch(req.rfc);
  const targets = worktreeTargets({ model: req.model, current: { repo: req.member.config.repo, root: req.member.root }, selection: { repos: [...req.model.repos.keys()] } });
  const found: Found[] = [];
  for (const t of targets) {
    if (!t.root || t.source === "clone" || t.source === "missing" || !(await branchExists(t.root, branch))) continue;
    const target: PrTarget = { repo: t.repo, root: t.root, branch, base: await baseBranch(t.root, branch), remote_url: (await originUrl(t.root)) ?? null };
    const opener = await req.openerFor(target);
    found.push({ target: { ...target, forge: opener.forge }, opener });
  }
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

/** What the real run checks before its first push: origins, work trees with uncommitted changes, pushes origin would reject. */
async function refusalsOf(set: readonly Found[], order: readonly string[]): Promise<PrRefusal[]> {
  const facts = await Promise.all(
    set.map(async ({ target }): Promise<PrRepoFacts> => {
      const checkout = (await worktreesOf(target.root)).find((w) => w.branch === `refs/heads/${target.branch}`)?.path ?? null;
      return {
        repo: target.repo,
        root: realPath(target.root),
        branch: target.branch,
        remote_url: target.remote_url,
        checkout,
        uncommitted: checkout ? await uncommittedFiles(checkout) : [],
        push: target.remote_url ? await pushCheck(target.root, target.branch) : null,
      };
    }),
  );
  return prRefusals(facts.sort((a, b) => order.indexOf(a.repo) - order.indexOf(b.repo)));
}

export async function runPr(req: PrRequest, dryRun: boolean): Promise<PrPlan & { refusals: PrRefusal[] }> {
  const set = await findSet(req);
  const prs = new Map<string, PrRef>();
  for (const { target, opener } of set) {
    const ref = await opener.find(target);
    if (ref) prs.set(target.repo, ref);
  }
  const pushed = new Map<string, "pushed" | "up-to-date">();
  const plan = () =>
    planPrs({ realm: req.model.realm?.name ?? "", rfc: req.rfc, branch: featureBranch(req.rfc), title: req.title, body: req.body, draft: req.draft, targets: set.map((s) => s.target), edges: realmEdges(req.model), prs, pushed });
  const refusals = await refusalsOf(set, plan().order);
  if (dryRun) return { ...plan(), refusals };
  if (refusals.length > 0) {
    const { message, hint } = refusalText(refusals);
    throw new Refused(`${message}: nothing was pushed`, hint);
  }
  const byRepo = new Map(set.map((s) => [s.target.repo, s]));
  const progress = req.progress ?? (() => undefined);
  const order = plan().order;
  const step = (repo: string, doing: string) => progress({ n: order.indexOf(repo) + 1, total: order.length, name: repo, doing });
  for (const repo of order) {
    const { target } = byRepo.get(repo)!;
    step(repo, `pushing ${target.branch}`);
    pushed.set(repo, (await pushBranch(target.root, target.branch)) ? "pushed" : "up-to-date");
  }
  // Open in merge order; bodies name later PRs only once they exist, so every PR is updated after the last opens.
  const opened = new Set<string>();
  for (const r of plan().repos) {
    if (r.pr_action !== "open") continue;
    const { target, opener } = byRepo.get(r.repo)!;
    step(r.repo, "opening PR");
    const ref = await opener.open(target, { title: r.title, body: r.body, draft: req.draft });
    if (ref) {
      prs.set(r.repo, ref);
      opened.add(r.repo);
    }
  }
  const final = plan();
  for (const r of final.repos) {
    if (!r.pr) continue;
    const { target, opener } = byRepo.get(r.repo)!;
    step(r.repo, "updating PR");
    await opener.update(target, r.pr, { title: r.title, body: r.body, draft: req.draft });
    const blockers = r.blocked_by.flatMap((b) => {
      const ref = prs.get(b);
      return ref ? [{ target: byRepo.get(b)!.target, ref }] : [];
    });
    if (blockers.length) await opener.markBlockedBy(target, r.pr, blockers);
  }
  return { ...final, repos: final.repos.map((r) => (opened.has(r.repo) ? { ...r, pr_action: "open" as const } : r)), refusals: [] };
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
