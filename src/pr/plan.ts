// `blue realm pr`, planned: the merge order of the repos that have the feature branch (providers before
// importers: a topological sort of the realm's export → import edges, ties by name), each PR's place, blockers
// and body; and the seam (PrOpener) through which a forge opens and updates the PRs. Pure.
import { z } from "zod";
import { mergeOrder, type Edge } from "../realm/graph.ts";
import { PrRefusal } from "./refusals.ts";

export const PrRef = z.object({ number: z.number().int(), url: z.string() });
export type PrRef = z.infer<typeof PrRef>;

export const PrState = z.object({
  state: z.enum(["open", "closed", "merged"]),
  draft: z.boolean(),
  checks: z.enum(["pending", "success", "failure"]).nullable(),
  approvals: z.number().int(),
});
export type PrState = z.infer<typeof PrState>;

/** One repo of the change as git sees it: where it is, its feature branch, the branch it merges into, its origin. */
export const PrTarget = z.object({
  repo: z.string(),
  root: z.string(),
  branch: z.string(),
  base: z.string(),
  remote_url: z.string().nullable(),
});
export type PrTarget = z.infer<typeof PrTarget>;

export type PrText = { title: string; body: string; draft: boolean };

/**
 * How PRs reach a forge. The forge layer implements this per forge (Forgejo, GitHub); repos with no forge (a
 * plain git remote) use `noForge` in opener-forge.ts, where no PR exists and branch names stand in for numbers.
 * Every method must be safe to call again: `blue realm pr` is rerun to update.
 */
export interface PrOpener {
  /** "none" for a plain git remote. */
  readonly forge: string;
  /** The open PR from `target.branch` into `target.base`, if there is one. */
  find(target: PrTarget): Promise<PrRef | null>;
  /** Open the PR; null when this forge cannot hold one. */
  open(target: PrTarget, text: PrText): Promise<PrRef | null>;
  update(target: PrTarget, ref: PrRef, text: PrText): Promise<void>;
  /** Mark the PR blocked by its predecessors where the forge enforces it (Forgejo dependencies). */
  markBlockedBy(target: PrTarget, ref: PrRef, blockers: readonly { target: PrTarget; ref: PrRef }[]): Promise<"linked" | "unsupported">;
  status(target: PrTarget, ref: PrRef): Promise<PrState | null>;
}

export const PrRepoPlan = z.object({
  repo: z.string(),
  root: z.string(),
  branch: z.string(),
  base: z.string(),
  forge: z.string(),
  position: z.number().int(),
  blocked_by: z.array(z.string()),
  blocks: z.array(z.string()),
  /** How the others name this PR: aperture#45; aperture#? before it is opened; aperture:feat/x with no forge. */
  ref: z.string(),
  pr: PrRef.nullable(),
  pr_action: z.enum(["open", "update", "none"]),
  push: z.enum(["pending", "pushed", "up-to-date"]),
  title: z.string(),
  body: z.string(),
});
export type PrRepoPlan = z.infer<typeof PrRepoPlan>;

export const PrPlan = z.object({
  realm: z.string(),
  rfc: z.string(),
  branch: z.string(),
  draft: z.boolean(),
  order: z.array(z.string()),
  order_line: z.string(),
  repos: z.array(PrRepoPlan),
});
export type PrPlan = z.infer<typeof PrPlan>;

/** `blue realm pr --json`; `refusals` (pr/refusals.ts) is empty but in a dry run, since a real run stops on them. */
export const PrDoc = PrPlan.extend({ dry_run: z.boolean(), refusals: z.array(PrRefusal) });
export type PrDoc = z.infer<typeof PrDoc>;

/**
 * Edges among `set` only: u → v when v is reachable from u through repos outside the set, so a provider still
 * comes before a consumer whose middle repo is not part of the change.
 */
export function inducedEdges(edges: readonly Edge[], set: ReadonlySet<string>): Edge[] {
  const out = new Map<string, Edge[]>();
  for (const e of edges) out.set(e.from, [...(out.get(e.from) ?? []), e]);
  const result: Edge[] = [];
  for (const start of [...set].sort()) {
    const seen = new Set<string>([start]);
    const stack = [...(out.get(start) ?? [])];
    const reached = new Set<string>();
    while (stack.length > 0) {
      const e = stack.pop()!;
      if (seen.has(e.to)) continue;
      seen.add(e.to);
      if (set.has(e.to)) reached.add(e.to);
      else stack.push(...(out.get(e.to) ?? []));
    }
    for (const to of [...reached].sort()) result.push({ from: start, to, domain: "" });
  }
  return result;
}

const PLACES = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth"];
export const place = (position: number) => PLACES[position - 1] ?? `${position}th`;

export type PrPlanInput = {
  realm: string;
  rfc: string;
  branch: string;
  title: string;
  /** The user's own text (--body-file), put above blue's section. */
  body: string;
  draft: boolean;
  targets: readonly (PrTarget & { forge: string })[];
  edges: readonly Edge[];
  prs: ReadonlyMap<string, PrRef>;
  pushed?: ReadonlyMap<string, "pushed" | "up-to-date">;
};

export function planPrs(input: PrPlanInput): PrPlan {
  const set = new Set(input.targets.map((t) => t.repo));
  const edges = inducedEdges(input.edges, set);
  const order = mergeOrder(edges, set);
  const byRepo = new Map(input.targets.map((t) => [t.repo, t]));
  const refOf = (repo: string) => {
    const pr = input.prs.get(repo);
    const t = byRepo.get(repo)!;
    return pr ? `${repo}#${pr.number}` : t.forge === "none" ? `${repo}:${t.branch}` : `${repo}#?`;
  };
  const byOrder = (a: string, b: string) => order.indexOf(a) - order.indexOf(b);
  const repos = order.map((repo, i): PrRepoPlan => {
    const t = byRepo.get(repo)!;
    const pr = input.prs.get(repo) ?? null;
    const blocked_by = edges.filter((e) => e.to === repo).map((e) => e.from).sort(byOrder);
    const blocks = edges.filter((e) => e.from === repo).map((e) => e.to).sort(byOrder);
    return {
      repo,
      root: t.root,
      branch: t.branch,
      base: t.base,
      forge: t.forge,
      position: i + 1,
      blocked_by,
      blocks,
      ref: refOf(repo),
      pr,
      pr_action: t.forge === "none" ? "none" : pr ? "update" : "open",
      push: input.pushed?.get(repo) ?? "pending",
      title: input.title,
      body: "",
    };
  });
  for (const r of repos) r.body = prBody(input, r, repos, refOf);
  return {
    realm: input.realm,
    rfc: input.rfc,
    branch: input.branch,
    draft: input.draft,
    order,
    order_line: `Merge order: ${order.map(refOf).join(" → ")}`,
    repos,
  };
}

/** `merge second — blocked by aperture#45` */
export function placeLine(r: Pick<PrRepoPlan, "position" | "blocked_by" | "blocks">, refOf: (repo: string) => string): string {
  if (r.blocked_by.length > 0) return `merge ${place(r.position)} — blocked by ${r.blocked_by.map(refOf).join(", ")}`;
  if (r.blocks.length > 0) return `merge ${place(r.position)} — blocks ${r.blocks.map(refOf).join(", ")}`;
  return `merge ${place(r.position)} — independent of the others`;
}

function prBody(input: PrPlanInput, r: PrRepoPlan, all: readonly PrRepoPlan[], refOf: (repo: string) => string): string {
  const user = input.body.trim();
  const lines = [
    ...(user ? [user, "", "---", ""] : []),
    `Part of the coordinated change \`${input.branch}\` across ${all.length} repos of realm \`${input.realm}\` (opened by \`blue realm pr\`).`,
    "",
    `**This PR: ${placeLine(r, refOf)}.**`,
    "",
    "Merge order:",
    ...all.map((o) => `${o.position}. ${refOf(o.repo)}${o.repo === r.repo ? " (this PR)" : ""}${o.blocked_by.length ? ` — after ${o.blocked_by.map(refOf).join(", ")}` : ""}`),
  ];
  return `${lines.join("\n")}\n`;
}

export const PrRepoStatus = z.object({
  repo: z.string(),
  position: z.number().int(),
  branch: z.string(),
  base: z.string(),
  blocked_by: z.array(z.string()),
  pushed: z.boolean(),
  /** Commits the local branch has that origin's lacks, and the reverse. */
  ahead: z.number().int(),
  behind: z.number().int(),
  /** Commits on the branch that origin's base does not have (null: base not on origin). */
  commits: z.number().int().nullable(),
  merged: z.boolean(),
  pr: PrRef.nullable(),
  pr_state: PrState.nullable(),
});
export type PrRepoStatus = z.infer<typeof PrRepoStatus>;

export const PrStatusDoc = z.object({
  realm: z.string(),
  rfc: z.string(),
  branch: z.string(),
  order_line: z.string(),
  repos: z.array(PrRepoStatus),
  /** The first repo in merge order not merged yet whose blockers all are: the one that may merge next. */
  next: z.string().nullable(),
});
export type PrStatusDoc = z.infer<typeof PrStatusDoc>;

export function nextToMerge(repos: readonly Pick<PrRepoStatus, "repo" | "merged" | "blocked_by" | "pr_state">[]): string | null {
  const merged = new Set(repos.filter((r) => r.merged || r.pr_state?.state === "merged").map((r) => r.repo));
  return repos.find((r) => !merged.has(r.repo) && r.blocked_by.every((b) => merged.has(b)))?.repo ?? null;
}
