// Why `blue realm pr` would push nothing: the checks made before the first push, the same for a real run and
// --dry-run, so a dry run reports every refusal the real run would hit. Pure: git facts come in as data.
import { relative } from "node:path";
import { z } from "zod";

/** What git says about one repo of the change before anything is pushed (pr/run.ts reads it). */
export type PrRepoFacts = {
  repo: string;
  root: string;
  branch: string;
  remote_url: string | null;
  /** The work tree that has the branch checked out (its unified worktree, usually); null when none has. */
  checkout: string | null;
  /** Changed, staged and untracked files there: a PR carries commits only. */
  uncommitted: readonly string[];
  /** What origin says of pushing the branch; null when not asked (no origin). */
  push: "ok" | "rejected" | null;
};

export const PrRefusal = z.object({
  repo: z.string(),
  kind: z.enum(["no-origin", "uncommitted", "push-rejected"]),
  reason: z.string(),
});
export type PrRefusal = z.infer<typeof PrRefusal>;

const shown = (files: readonly string[]) => files.slice(0, 3).join(", ") + (files.length > 3 ? `, … (${files.length} files)` : "");
const where = (root: string, dir: string) => {
  const rel = relative(root, dir);
  return rel === "" ? "the main checkout" : rel.startsWith("..") ? dir : rel;
};

export function prRefusals(facts: readonly PrRepoFacts[]): PrRefusal[] {
  return facts.flatMap((f): PrRefusal[] => {
    const out: PrRefusal[] = [];
    if (!f.remote_url) out.push({ repo: f.repo, kind: "no-origin", reason: "no 'origin' remote" });
    if (f.checkout && f.uncommitted.length > 0) {
      out.push({ repo: f.repo, kind: "uncommitted", reason: `uncommitted changes in ${where(f.root, f.checkout)} (${shown(f.uncommitted)})` });
    }
    if (f.push === "rejected") out.push({ repo: f.repo, kind: "push-rejected", reason: `origin's ${f.branch} has commits the local branch lacks` });
    return out;
  });
}

const HINTS: Record<PrRefusal["kind"], string> = {
  "no-origin": "add one (git remote add origin <url>) in each",
  uncommitted: "commit or stash them",
  "push-rejected": "merge or rebase onto origin's branch (git pull in the worktree)",
};

/** One line for all refusals, and one hint line: `no 'origin' remote in consumer; uncommitted changes in middle's .worktrees/feat-x (a.txt)`. */
export function refusalText(refusals: readonly PrRefusal[]): { message: string; hint: string } {
  const kinds = PrRefusal.shape.kind.options.filter((k) => refusals.some((r) => r.kind === k));
  const parts = kinds.map((k) => {
    const of = refusals.filter((r) => r.kind === k);
    if (k === "no-origin") return `no 'origin' remote in ${of.map((r) => r.repo).join(", ")}`;
    if (k === "uncommitted") return `uncommitted changes in ${of.map((r) => r.reason.replace(/^uncommitted changes in (the )?/, `${r.repo}'s `)).join(", ")}`;
    return `${of[0]!.reason} in ${of.map((r) => r.repo).join(", ")}`;
  });
  const hints = kinds.map((k) => HINTS[k]).join("; ");
  return { message: parts.join("; "), hint: `${hints[0]!.toUpperCase()}${hints.slice(1)}, then run 'blue realm pr' again.` };
}
