// The record of a coordinated change that the daemons follow: what `blue realm pr` opened (repos, origins, merge
// order, whether the user opted in to merging), and every decision any machine took about it. It lives in the
// realm remote (git/set-ref.ts: refs/blue/sets/<rfc>, outside main, so it is neither realm content nor judged by
// the ownership check), because that is the one place every teammate's daemon can see and the one place a
// compare-and-swap between them can happen.
import { z } from "zod";
import { yamlLibrary } from "../yaml/library.ts";
import { parseUntrusted } from "../yaml/source.ts";
import { PrRef } from "../pr/plan.ts";
import { RfcName } from "../worktree/plan.ts";
import { fetchSetRefs, listSetRefs, pushRecord, readSetRecord, SETS, swapSetFile, writeRecordCommit } from "../git/set-ref.ts";

export const FollowRepo = z.object({
  repo: z.string(),
  position: z.number().int(),
  remote_url: z.string().nullable(),
  branch: z.string(),
  base: z.string(),
  forge: z.string(),
  pr: PrRef.nullable(),
  blocked_by: z.array(z.string()),
  /** The branch's head when `blue realm pr` last pushed it: tells "merged, then deleted" from "deleted unmerged". */
  head: z.string().nullable(),
});
export type FollowRepo = z.infer<typeof FollowRepo>;

export const FollowAction = z.enum(["merge", "unblocked", "blocked", "cannot_merge", "stale_approval", "merge_failed"]);
export type FollowAction = z.infer<typeof FollowAction>;

export const FollowDecision = z.object({
  /** What the decision is about, the same on every machine: taken once per key, ever. */
  key: z.string(),
  repo: z.string(),
  action: FollowAction,
  reason: z.string(),
  /** Which daemon (or command) took it: host and BLUE_HOME. */
  by: z.string(),
  at: z.string(),
});
export type FollowDecision = z.infer<typeof FollowDecision>;

export const FollowSet = z.object({
  realm: z.string(),
  /** Also the ref's name (refs/blue/sets/<rfc>): a record kept under another name is not followed. */
  rfc: RfcName,
  branch: z.string(),
  /** The user's opt-in (`blue realm pr --auto-merge`): dependents merge themselves once ready. */
  auto_merge: z.boolean(),
  opted_in_by: z.string().nullable(),
  repos: z.array(FollowRepo),
  decisions: z.array(FollowDecision),
});
export type FollowSet = z.infer<typeof FollowSet>;

export type StoredSet = { set: FollowSet; commit: string };

export async function readSets(clone: string, opts: { fetch: boolean }): Promise<StoredSet[]> {
  if (opts.fetch) await fetchSetRefs(clone);
  const out: StoredSet[] = [];
  for (const r of await listSetRefs(clone)) {
    const stored = await readSet(clone, r.name);
    if (stored) out.push(stored);
  }
  return out;
}

/** The record kept at refs/blue/sets/<rfc>; null when there is none or it is not a record blue can follow (it does
 *  not parse, is bigger than any set needs, or names another change). */
export async function readSet(clone: string, rfc: string): Promise<StoredSet | null> {
  const stored = await readSetRecord(clone, rfc);
  if (stored === null || stored.text === null) return null;
  const { commit, text } = stored;
  let data: unknown;
  try {
    data = parseUntrusted("set.yaml", text);
  } catch {
    return null;
  }
  const parsed = FollowSet.safeParse(data);
  return parsed.success && parsed.data.rfc === rfc ? { set: parsed.data, commit } : null;
}

/** Push `set` as the record's next state on top of `parent`; "lost" when another machine moved it first. */
export function swapSet(clone: string, set: FollowSet, parent: string | null, message: string): Promise<"won" | "lost"> {
  return swapSetFile(clone, set.rfc, yamlLibrary().stringify(FollowSet.parse(set)), parent, message);
}

type NextSet = Omit<FollowSet, "decisions" | "opted_in_by">;
type OptIn = { auto_merge: boolean; by: string };

/** A record's next state built on the clone's copy of it: its commit written, nothing pushed. */
export type PreparedSet = { set: FollowSet; text: string; old: StoredSet | null; commit: string };

/** The set as it is now, keeping the decisions taken so far and the earlier opt-in unless this run opts in. */
function nextState(next: NextSet, old: StoredSet | null, optIn: OptIn): { set: FollowSet; text: string } {
  const set: FollowSet = {
    ...next,
    auto_merge: optIn.auto_merge || (old?.set.auto_merge ?? false),
    opted_in_by: optIn.auto_merge ? optIn.by : (old?.set.opted_in_by ?? null),
    repos: next.repos.map((r) => ({ ...r, head: r.head ?? old?.set.repos.find((o) => o.repo === r.repo)?.head ?? null })),
    decisions: old?.set.decisions ?? [],
  };
  return { set, text: yamlLibrary().stringify(FollowSet.parse(set)) };
}

const messageOf = (next: NextSet) => `blue realm pr: ${next.branch}`;

/** Build the record's next state on the clone's copy (what `publishSet` pushes first), e.g. while the branches are pushed. */
export async function prepareSet(clone: string, next: NextSet, optIn: OptIn): Promise<PreparedSet> {
  const old = await readSet(clone, next.rfc);
  const { set, text } = nextState(next, old, optIn);
  return { set, text, old, commit: await writeRecordCommit(clone, SETS, text, old?.commit ?? null, messageOf(next)) };
}

/**
 * What `blue realm pr` records: the set as it is now, keeping the decisions taken so far and the earlier opt-in
 * unless this run opts in. Retried on a lost race (another machine's daemon wrote a decision meanwhile).
 * The first try builds on the record as this clone last fetched it, without a fetch: its push is leased to that
 * commit (or to no record), so the realm remote takes it only if that is still the record there, the same
 * outcome a fetch first would give. When it is not, the records are fetched and the next try builds on them.
 * `early`: the first try prepared beforehand (prepareSet); its commit is pushed when it holds the same text.
 */
export async function publishSet(clone: string, next: NextSet, optIn: OptIn, early?: Promise<PreparedSet>): Promise<FollowSet> {
  for (let attempt = 0; attempt < 6; attempt++) {
    if (attempt > 0) await fetchSetRefs(clone);
    const ready = attempt === 0 && early ? await early.catch(() => undefined) : undefined;
    const old = ready ? ready.old : await readSet(clone, next.rfc);
    const { set, text } = nextState(next, old, optIn);
    const commit = ready?.text === text ? ready.commit : await writeRecordCommit(clone, SETS, text, old?.commit ?? null, messageOf(next));
    if ((await pushRecord(clone, SETS, next.rfc, commit, old?.commit ?? null)) === "won") return set;
  }
  throw new Error(`the record of ${next.rfc} kept changing under this run; run 'blue realm pr' again`);
}
