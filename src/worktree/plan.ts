// `blue realm worktree`, planned: which repos take part, where each lives on this machine, and what to do in each
// (clone, exclude, branch, worktree; or remove), or why a repo is refused. Pure: git facts come in as data.
import { join } from "node:path";
import { z } from "zod";
import { UnknownName, UsageError } from "../errors.ts";
import type { RealmModel } from "../realm/load.ts";
import { Name } from "../realm/schema.ts";
import { OperationTable } from "../journal/journal.ts";

/** An RFC name: a realm name that is also a valid git branch component (git check-ref-format). */
export const RfcName = Name.refine((s) => !s.endsWith(".lock") && !s.endsWith("."), "must not end with '.lock' or '.'");

export const featureBranch = (rfc: string) => `feat/${rfc}`;
export const worktreePath = (root: string, rfc: string) => join(root, ".worktrees", `feat-${rfc}`);

/** Where a repo is on this machine, or why it is not. */
export const RepoTarget = z.object({
  repo: z.string(),
  root: z.string().nullable(),
  /** current: the repo blue runs in; path: repos/<repo>.yaml's path; checkout: an earlier clone under
   *  $BLUE_HOME/checkouts; clone: to be cloned there from repos/<repo>.yaml's url. */
  source: z.enum(["current", "path", "checkout", "clone", "missing"]),
  url: z.string().nullable(),
  missing: z.string().nullable(),
});
export type RepoTarget = z.infer<typeof RepoTarget>;

/** What git says about a repo, read before anything changes (src/git/worktree.ts probeRepo). */
export const RepoFacts = z.object({
  head: z.string().nullable(),
  head_branch: z.string().nullable(),
  branch_exists: z.boolean(),
  remote_branch: z.boolean(),
  /** The worktree (main checkout included) that has the feature branch checked out. */
  checked_out_at: z.string().nullable(),
  path_state: z.enum(["absent", "empty", "worktree", "other-worktree", "occupied"]),
  /** Tracked files with staged or unstaged changes in the main checkout. */
  dirty: z.array(z.string()),
  /** Changed or untracked files in the feature worktree itself. */
  worktree_dirty: z.array(z.string()),
  /** Commits on the feature branch that the main checkout's HEAD does not have. */
  unmerged_commits: z.number(),
  excluded: z.boolean(),
});
export type RepoFacts = z.infer<typeof RepoFacts>;

export const Step = z.enum(["clone", "exclude", "branch", "worktree", "remove-worktree", "delete-branch"]);
export type Step = z.infer<typeof Step>;

export const WorktreeRepoPlan = z.object({
  repo: z.string(),
  root: z.string().nullable(),
  source: RepoTarget.shape.source,
  worktree: z.string().nullable(),
  state: z.enum(["create", "exists", "remove", "absent", "refused"]),
  steps: z.array(Step),
  /** What a new branch starts from. */
  base: z.string().nullable(),
  reason: z.string().nullable(),
  notes: z.array(z.string()),
});
export type WorktreeRepoPlan = z.infer<typeof WorktreeRepoPlan>;

export const WorktreePlan = z.object({
  realm: z.string(),
  rfc: z.string(),
  branch: z.string(),
  action: z.enum(["create", "remove"]),
  repos: z.array(WorktreeRepoPlan),
  refused: z.array(z.string()),
});
export type WorktreePlan = z.infer<typeof WorktreePlan>;

export type Selection = { domain?: string; repos?: string[] };

/** The repos a coordinated change spans: members of the current repo's domains, narrowed by --domain or named by --repos. */
export function selectRepos(model: RealmModel, current: string, sel: Selection): string[] {
  const mine = [...model.domains.values()].filter((d) => d.file.members.includes(current));
  let pool: Set<string>;
  if (sel.domain !== undefined) {
    const d = model.domains.get(sel.domain);
    if (!d) throw new UnknownName(`unknown domain '${sel.domain}'`, `Domains of ${current}: ${mine.map((m) => m.name).join(", ") || "none"}.`, sel.domain, mine.map((m) => m.name));
    if (!d.file.members.includes(current)) throw new UsageError(`${current} is not a member of domain '${sel.domain}'`, `See its members with 'blue realm admin domain show ${sel.domain}'.`);
    pool = new Set(d.file.members);
  } else {
    pool = new Set([current, ...mine.flatMap((d) => d.file.members)]);
  }
  if (sel.repos === undefined) return [...pool].sort();
  if (sel.repos.length === 0) throw new UsageError("--repos names no repo", "Name the repos, comma-separated: --repos aperture,fungal-image-analysis.");
  for (const r of sel.repos) {
    if (!model.repos.has(r)) throw new UsageError(`'${r}' is not a repo of this realm`, `Repos: ${[...model.repos.keys()].join(", ")}.`);
    if (sel.domain !== undefined && !pool.has(r)) throw new UsageError(`'${r}' is not a member of domain '${sel.domain}'`, `See its members with 'blue realm admin domain show ${sel.domain}'.`);
  }
  return [...new Set(sel.repos)].sort();
}

/** Where each repo is: this repo's own root; repos/<repo>.yaml's path; an earlier clone; else a clone from its url. */
export function locateRepos(
  model: RealmModel,
  repos: readonly string[],
  current: { repo: string; root: string },
  env: { checkouts: string; isGitRepo: (dir: string) => boolean },
): RepoTarget[] {
  return repos.map((repo) => {
    const base = { repo, url: null, missing: null };
    if (repo === current.repo) return { ...base, root: current.root, source: "current" as const };
    const file = model.repos.get(repo);
    if (!file) return { ...base, root: null, source: "missing" as const, missing: `has not joined the realm (no repos/${repo}.yaml)` };
    if (file.path && env.isGitRepo(file.path)) return { ...base, root: file.path, source: "path" as const };
    const checkout = join(env.checkouts, repo);
    if (env.isGitRepo(checkout)) return { ...base, root: checkout, source: "checkout" as const };
    if (file.url) return { ...base, root: checkout, source: "clone" as const, url: file.url };
    const why = file.path
      ? `its path ${file.path} is not a git repository on this machine, and repos/${repo}.yaml has no url to clone`
      : `repos/${repo}.yaml has neither a path nor a url`;
    return { ...base, root: null, source: "missing" as const, missing: why };
  });
}

/** A repo not cloned yet, as git will see it after the clone. */
export const FRESH: RepoFacts = {
  head: "HEAD",
  head_branch: null,
  branch_exists: false,
  remote_branch: false,
  checked_out_at: null,
  path_state: "absent",
  dirty: [],
  worktree_dirty: [],
  unmerged_commits: 0,
  excluded: false,
};

export function planWorktrees(
  input: { realm: string; rfc: string; action: "create" | "remove"; force?: boolean; targets: readonly RepoTarget[] },
  facts: ReadonlyMap<string, RepoFacts>,
): WorktreePlan {
  const branch = featureBranch(input.rfc);
  const repos = input.targets.map((t) => {
    const f = facts.get(t.repo) ?? (t.source === "clone" ? FRESH : undefined);
    const worktree = t.root ? worktreePath(t.root, input.rfc) : null;
    const plan: WorktreeRepoPlan = { repo: t.repo, root: t.root, source: t.source, worktree, state: "refused", steps: [], base: null, reason: null, notes: [] };
    if (input.action === "remove") return planRemove(plan, t, f, branch, input.force ?? false);
    if (!f || !worktree) return { ...plan, reason: t.missing ?? "is not on this machine" };
    return planCreate(plan, t, f, branch, worktree);
  });
  return { realm: input.realm, rfc: input.rfc, branch, action: input.action, repos, refused: repos.filter((r) => r.state === "refused").map((r) => r.repo) };
}

function planCreate(plan: WorktreeRepoPlan, t: RepoTarget, f: RepoFacts, branch: string, worktree: string): WorktreeRepoPlan {
  const refuse = (reason: string) => ({ ...plan, reason });
  const rel = `.worktrees/feat-${branch.slice(5)}`;
  if (f.path_state === "worktree") return { ...plan, state: "exists", steps: f.excluded ? [] : ["exclude"] };
  if (f.path_state === "other-worktree") return refuse(`${rel} is a worktree of another branch; remove it first (git worktree remove ${worktree})`);
  if (f.path_state === "occupied") return refuse(`${rel} exists and is not a worktree of ${branch}; move it away first`);
  if (f.checked_out_at) return refuse(`${branch} is checked out in another worktree at ${f.checked_out_at}`);
  const steps: Step[] = t.source === "clone" ? ["clone"] : [];
  if (!f.excluded) steps.push("exclude");
  let base: string | null = null;
  if (!f.branch_exists) {
    if (!f.head && !f.remote_branch) return refuse(`has no commit to start ${branch} from`);
    // The branch starts at HEAD: changes not committed there would be missing from the new worktree.
    if (f.dirty.length > 0) {
      const shown = f.dirty.slice(0, 3).join(", ") + (f.dirty.length > 3 ? `, … (${f.dirty.length} files)` : "");
      return refuse(`uncommitted changes to tracked files (${shown}): ${branch} would start from HEAD without them; commit or stash them first`);
    }
    base = f.remote_branch ? `origin/${branch}` : t.source === "clone" ? "origin's default branch" : `HEAD${f.head_branch ? ` (${f.head_branch})` : ""}`;
    steps.push("branch");
  }
  steps.push("worktree");
  return { ...plan, state: "create", steps, base };
}

function planRemove(plan: WorktreeRepoPlan, t: RepoTarget, f: RepoFacts | undefined, branch: string, force: boolean): WorktreeRepoPlan {
  if (!f || t.source === "clone") return { ...plan, state: "absent", notes: [t.missing ?? "not on this machine"] };
  const steps: Step[] = [];
  const notes: string[] = [];
  if (f.path_state === "worktree") {
    if (f.worktree_dirty.length > 0 && !force) {
      return { ...plan, reason: `uncommitted changes in ${plan.worktree} (${f.worktree_dirty.slice(0, 3).join(", ")}${f.worktree_dirty.length > 3 ? ", …" : ""}); commit them, or pass --force to discard them` };
    }
    if (f.worktree_dirty.length > 0) notes.push(`discards ${f.worktree_dirty.length} uncommitted change(s)`);
    steps.push("remove-worktree");
  }
  if (f.branch_exists) {
    const elsewhere = f.checked_out_at && f.path_state !== "worktree";
    if (elsewhere) notes.push(`kept ${branch}: checked out at ${f.checked_out_at}`);
    else if (!f.head) notes.push(`kept ${branch}: the main checkout has no commit to compare it with`);
    else if (f.unmerged_commits > 0) notes.push(`kept ${branch}: ${f.unmerged_commits} commit(s) not in ${f.head_branch ?? "HEAD"}`);
    else steps.push("delete-branch");
  }
  return { ...plan, state: steps.length ? "remove" : "absent", steps, notes };
}

/** `blue realm worktree --json`: the plan, whether it was carried out, what a failure took back, and the table. */
export const WorktreeDoc = WorktreePlan.extend({
  dry_run: z.boolean(),
  applied: z.boolean(),
  rolled_back: z.array(z.string()),
  /** The journal's table of a create that ran: each repo done, failed with its reason, or not started. */
  operation: OperationTable.nullable().default(null),
  /** The active RFC on each repo's daemon session; null when not attempted (dry run, refusal). */
  session: z.object({ recorded: z.boolean(), error: z.string().nullable() }).nullable(),
});
export type WorktreeDoc = z.infer<typeof WorktreeDoc>;
