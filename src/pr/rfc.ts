// Which change `blue realm pr` is about: --rfc; else the current branch when it is feat/<rfc> (inside a unified
// worktree); else, in the main checkout as the RFC runs it, this repo's one unified worktree. Pure.
import { UsageError } from "../errors.ts";
import { featureBranch, RfcName, worktreePath } from "../worktree/plan.ts";

export type RfcContext = {
  flag?: string;
  /** The branch checked out where blue runs. */
  branch?: string;
  /** The repo's main checkout and its live worktrees, real paths both. */
  root: string;
  worktrees: readonly { path: string; branch: string | null }[];
};

/** The RFCs whose unified worktree this repo has: `.worktrees/feat-<rfc>` with `feat/<rfc>` checked out. */
export function unifiedRfcs(root: string, worktrees: RfcContext["worktrees"]): string[] {
  return worktrees
    .flatMap((w) => {
      const name = w.branch?.match(/^refs\/heads\/feat\/(.+)$/)?.[1];
      return name !== undefined && RfcName.safeParse(name).success && w.path === worktreePath(root, name) ? [name] : [];
    })
    .sort();
}

export function chooseRfc(ctx: RfcContext): string {
  const named = ctx.flag ?? ctx.branch?.match(/^feat\/(.+)$/)?.[1];
  if (named !== undefined) {
    const parsed = RfcName.safeParse(named);
    if (!parsed.success) throw new UsageError(`'${named}' is not a valid RFC name: ${parsed.error.issues[0]?.message}`, "Use a-z, 0-9, '.', '_' and '-', starting with a letter or digit.");
    return parsed.data;
  }
  const rfcs = unifiedRfcs(ctx.root, ctx.worktrees);
  if (rfcs.length === 1) return rfcs[0]!;
  if (rfcs.length === 0) {
    throw new UsageError(
      "no RFC given: the current branch is not feat/<rfc> and this repo has no unified worktree",
      "Pass --rfc <name>, or start the change with 'blue realm worktree --rfc <name>'.",
    );
  }
  throw new UsageError(
    `this repo has ${rfcs.length} unified worktrees (${rfcs.map(featureBranch).join(", ")}): say which change with --rfc`,
    `Pass --rfc with one of: ${rfcs.join(", ")}; or run 'blue realm pr' inside that change's worktree.`,
  );
}
