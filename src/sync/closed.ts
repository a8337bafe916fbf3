// A provider's sync branch closed without merging, as a record in the realm remote (issue 20): which importers'
// acknowledgements it blocked, and which machine commented on each. Kept at refs/blue/closed/<branch> (git/set-ref.ts,
// the same compare-and-swap as a coordinated change's record), because settle removes the acknowledgements it
// blocked: afterwards only this record tells a teammate's daemon that its importer is blocked, and only a swap both
// machines see keeps two of them from commenting twice. It also caches the forge's answer: a closed PR never reopens
// as the same record, so a branch recorded here is not looked up again.
//
// On a forge the closed PR's branch stays in the realm remote, and once the record ends its versions would be
// proposed again. So the machine that makes the record (wins its first swap) deletes that branch there, leased to the
// head the record saw (`head`): a branch pushed to since (updated, or its PR reopened) is kept, is no closed branch
// any more, and its record is dropped; the forge is asked again on the next fetch. Only `sync/<repo>/...` branches
// are ever deleted, and a machine that loses the swap deletes nothing. On plain git the branch is gone already.
//
// Its end (pruneClosed, on every daemon fetch): once every importer it names has synced again (a commit of its sync
// has reached main since the record was made), or the provider has (a commit of its sync, such as its next contract
// version, has reached main), or after CLOSED_RECORD_DAYS.
import { hostname } from "node:os";
import { z } from "zod";
import { yamlLibrary } from "../yaml/library.ts";
import { parseUntrusted } from "../yaml/source.ts";
import { git, REALM_BRANCH } from "../git/realm-repo.ts";
import { deleteBranchAt, dropRecord, fetchRecordRefs, listRecordRefs, readRecordFile, recordRefCommit, swapRecordFile, type RecordKind } from "../git/set-ref.ts";
import { blueHome } from "../system/home.ts";
import { parseTrailers } from "./branches.ts";
import { takeClosedListed } from "./fetched.ts";
import { syncBranchRepo, type PendingSync } from "./pending.ts";

export const CLOSED: RecordKind = { refs: "refs/blue/closed/", file: "closed.yaml" };
export const CLOSED_RECORD_DAYS = 30;
const ATTEMPTS = 5;

export const ClosedImporter = z.object({ repo: z.string(), branch: z.string(), sha: z.string() });
/** A contract version the closed branch proposed that main did not have: withdrawn with it. */
export const WithdrawnVersion = z.object({ domain: z.string(), contract: z.string(), version: z.string() });
export type WithdrawnVersion = z.infer<typeof WithdrawnVersion>;
export const ClosedSync = z.object({
  realm: z.string(),
  /** The provider's sync branch; also the ref's name. */
  branch: z.string(),
  repo: z.string(),
  /** The realm's main when the record was made: what "since" means when it is pruned. */
  main: z.string(),
  /** The branch's head on the realm remote as the record's maker last fetched it: what it deletes there, and only
   *  that. null: the branch was gone already (plain git), or a record written before this field. */
  head: z.string().nullable().default(null),
  learned_by: z.string(),
  learned_at: z.string(),
  /** The acknowledgements built on the branch, blocked: they will not merge, and settle removes them. */
  importers: z.array(ClosedImporter),
  /** What the branch proposed (read from the acknowledgements built on it, which carry its commits): the notices
   *  of these versions are withdrawn (a record written before this field: none). */
  withdrawn: z.array(WithdrawnVersion).default([]),
  /** Taken once each, ever: `comment <acknowledgement branch>` (the one comment on its PR as it is closed). */
  decisions: z.array(z.object({ key: z.string(), by: z.string(), at: z.string() })),
});
export type ClosedSync = z.infer<typeof ClosedSync>;
export type StoredClosed = { record: ClosedSync; commit: string };

/** Who writes, as the record names it: host and BLUE_HOME (follow/run.ts followerName says the same). Two writers
 *  must differ: the same change by the same writer at the same second is the same commit, and its push no news. */
export const closedBy = () => `${hostname()}:${blueHome()}`;

export const fetchClosed = (clone: string) => fetchRecordRefs(clone, CLOSED);

/** Whether the clone holds a record of `branch` (as last fetched; no network). */
export async function isRecordedClosed(clone: string, branch: string): Promise<boolean> {
  return syncBranchRepo(branch) !== undefined && (await recordRefCommit(clone, CLOSED, branch).catch(() => null)) !== null;
}

async function readClosed(clone: string, branch: string): Promise<StoredClosed | null> {
  const commit = await recordRefCommit(clone, CLOSED, branch);
  const text = commit && (await readRecordFile(clone, CLOSED, commit));
  if (!commit || !text) return null;
  let data: unknown;
  try {
    data = parseUntrusted("closed.yaml", text);
  } catch {
    return null;
  }
  const parsed = ClosedSync.safeParse(data);
  return parsed.success && parsed.data.branch === branch ? { record: parsed.data, commit } : null;
}

/** The providers' sync branches among `pending` (another repo's, proposing versions) that are recorded closed, for the
 *  sync planner. The records are fetched only when there is such a branch to ask about, and the fast path's listing
 *  did not find them current; one that cannot be fetched leaves the clone's records as they are. */
export async function closedAmong(clone: string, pending: readonly PendingSync[], repo: string): Promise<Set<string>> {
  const providers = pending.filter((p) => p.repo !== repo && p.base === null && p.updates.length > 0);
  if (providers.length === 0) return new Set();
  // The fast path's listing found the clone's records to be the realm remote's: nothing to fetch.
  if (!takeClosedListed(clone)) await fetchClosed(clone).catch(() => undefined);
  const recorded = new Set((await listRecordRefs(clone, CLOSED).catch(() => [])).map((r) => r.name));
  return new Set(providers.map((p) => p.branch).filter((b) => recorded.has(b)));
}

/** Every record the clone holds that blue can read (one that does not parse, or names another branch, is skipped). */
export async function readClosedRecords(clone: string, opts: { fetch: boolean }): Promise<StoredClosed[]> {
  if (opts.fetch) await fetchClosed(clone);
  const out: StoredClosed[] = [];
  for (const { name } of await listRecordRefs(clone, CLOSED)) {
    if (syncBranchRepo(name) === undefined) continue;
    const got = await readClosed(clone, name);
    if (got) out.push(got);
  }
  return out;
}

/** Read, change, swap; on a lost race fetch and do it again. `change` returns null when nothing is to be written.
 *  "created" when this call's swap made the record. */
async function update(clone: string, branch: string, change: (old: StoredClosed | null) => ClosedSync | null, message: string): Promise<"created" | "changed" | null> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const old = await readClosed(clone, branch);
    const next = change(old);
    if (!next) return null;
    if ((await swapRecordFile(clone, CLOSED, branch, yamlLibrary().stringify(ClosedSync.parse(next)), old?.commit ?? null, message)) === "won") return old ? "changed" : "created";
    await fetchClosed(clone);
  }
  throw new Error(`the record of ${branch} kept changing under this run`);
}

/** What became of a closed branch on the realm remote when its record was made (see the top of this file). */
export type ClosedBranchFate = { branch: string; head: string; fate: "deleted" | "moved" | "gone" | "failed"; why?: string };

/**
 * Record the acknowledgements blocked by a closed base (readPending's `obsolete && base_closed`) in the realm remote,
 * adding the importers a record does not name yet. Reads the records as the clone has them; a lost race fetches.
 * The records this call makes have their branch deleted from the realm remote; returns what became of each.
 */
export async function recordClosed(clone: string, realm: string, pending: readonly PendingSync[], now: Date, by = closedBy()): Promise<ClosedBranchFate[]> {
  const fates: ClosedBranchFate[] = [];
  const blocked = pending.filter((p) => p.obsolete && p.base_closed && p.base);
  const bases = [...new Set(blocked.map((p) => p.base!.branch))];
  for (const base of bases) {
    const repo = syncBranchRepo(base);
    if (!repo) continue;
    const importers = blocked.filter((p) => p.base!.branch === base).map((p) => ({ repo: p.repo, branch: p.branch, sha: p.sha }));
    const main = (await git(clone).raw(["rev-parse", `origin/${REALM_BRANCH}`])).trim();
    const withdrawn = await proposedBy(clone, blocked.filter((p) => p.base!.branch === base));
    const head = await trackedHead(clone, base);
    const made = await update(
      clone,
      base,
      (old) => {
        const known = new Set(old?.record.importers.map((i) => i.branch));
        const added = importers.filter((i) => !known.has(i.branch));
        const had = new Set(old?.record.withdrawn.map(versionKey));
        const more = withdrawn.filter((w) => !had.has(versionKey(w)));
        if (old && added.length === 0 && more.length === 0) return null;
        return old
          ? { ...old.record, importers: [...old.record.importers, ...added], withdrawn: [...old.record.withdrawn, ...more] }
          : { realm, branch: base, repo, main, head, learned_by: by, learned_at: now.toISOString(), importers, withdrawn, decisions: [] };
      },
      `${base} closed without merging: blocks ${importers.map((i) => i.branch).join(", ")}`,
    );
    if (made !== "created" || head === null) continue;
    // A deletion that fails leaves the record (and so the branch ignored); its end tries again (pruneClosed).
    const fate = await deleteBranchAt(clone, base, head).catch((e: Error) => ({ why: e.message.split("\n")[0]! }));
    if (typeof fate !== "string") {
      fates.push({ branch: base, head, fate: "failed", why: fate.why });
      continue;
    }
    // Pushed to since (or reopened): not the branch that closed. Without its record it is a sync branch like any other.
    if (fate === "moved") await dropClosed(clone, base);
    fates.push({ branch: base, head, fate });
  }
  return fates;
}

/** The daemon's log line for a closed branch's fate. */
export function describeFate(f: ClosedBranchFate): string {
  if (f.fate === "deleted") return `deleted ${f.branch} (at ${f.head.slice(0, 12)}) from the realm remote: closed without merging, it proposes nothing any more`;
  if (f.fate === "moved") return `kept ${f.branch}: it moved since ${f.head.slice(0, 12)} (pushed to, or its PR reopened), so it is not the branch that closed; its record is dropped`;
  if (f.fate === "failed") return `could not delete ${f.branch} from the realm remote (${f.why}); its record stays until it can be`;
  return `${f.branch} was deleted from the realm remote already`;
}

/** The sync branch's head on the realm remote as the clone last fetched it, or null. */
async function trackedHead(clone: string, branch: string): Promise<string | null> {
  const out = await git(clone)
    .raw(["rev-parse", "--verify", "-q", `refs/remotes/origin/${branch}^{commit}`])
    .catch(() => "");
  return out.trim() || null;
}

/** Drop a record whatever it holds now (a lost race fetches and tries again). */
async function dropClosed(clone: string, branch: string): Promise<void> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const old = await readClosed(clone, branch);
    if (!old || (await dropRecord(clone, CLOSED, branch, old.commit)) === "won") return;
    await fetchClosed(clone);
  }
}

export const versionKey = (w: WithdrawnVersion) => `${w.domain}/${w.contract}@${w.version}`;

/** The contract versions a closed base proposed, as the acknowledgements built on it carry them (they hold its
 *  commits, and change no contract themselves): a contract file's version at their tip that main never had. */
async function proposedBy(clone: string, acks: readonly PendingSync[]): Promise<WithdrawnVersion[]> {
  const g = git(clone);
  const read = async (rev: string, file: string) => {
    try {
      return (parseUntrusted(file, await g.raw(["show", `${rev}:${file}`])) ?? {}) as { name?: unknown; version?: unknown; evolution?: { version?: unknown }[] };
    } catch {
      return {};
    }
  };
  const out = new Map<string, WithdrawnVersion>();
  for (const p of acks) {
    const changed = await g.raw(["diff", "--name-only", `origin/${REALM_BRANCH}`, p.sha, "--", "domains/"]).catch(() => "");
    for (const file of changed.split("\n")) {
      const m = /^domains\/([^/]+)\/contracts\/([^/]+)\.ya?ml$/.exec(file);
      if (!m) continue;
      const [tip, main] = [await read(p.sha, file), await read(`origin/${REALM_BRANCH}`, file)];
      if (typeof tip.version !== "string" || tip.version === main.version || (Array.isArray(main.evolution) && main.evolution.some((e) => e?.version === tip.version))) continue;
      const w = { domain: m[1]!, contract: typeof tip.name === "string" ? tip.name : m[2]!, version: tip.version };
      out.set(versionKey(w), w);
    }
  }
  return [...out.values()];
}

/**
 * Before settle removes an acknowledgement its closed base blocked: record it, then win the record's
 * `comment <branch>` decision. True when this machine won it (it comments on the PR as it closes it); false when
 * another machine took it first (it closes without a word).
 */
export async function claimRetirement(clone: string, realm: string, p: PendingSync, now: Date, by = closedBy()): Promise<boolean> {
  await fetchClosed(clone);
  await recordClosed(clone, realm, [p], now, by);
  const key = `comment ${p.branch}`;
  let won = false;
  await update(
    clone,
    p.base!.branch,
    (old) => {
      won = false;
      if (!old || old.record.decisions.some((d) => d.key === key)) return null;
      won = true;
      return { ...old.record, decisions: [...old.record.decisions, { key, by, at: now.toISOString() }] };
    },
    `comment on ${p.branch} as it is closed`,
  );
  return won;
}

/** Sync repos whose commits reached main since `since` (their Blue-Sync trailers); null when `since` is unknown here. */
async function syncedSince(clone: string, since: string): Promise<Set<string> | null> {
  const log = await git(clone)
    .raw(["log", "--format=%B%x1e", `${since}..origin/${REALM_BRANCH}`])
    .catch(() => null);
  if (log === null) return null;
  return new Set(log.split("\x1e").flatMap((m) => parseTrailers(m)["Blue-Sync"] ?? []));
}

/** Whether a record has come to its end (see the top of this file), and why. */
export async function closedRecordEnd(clone: string, record: ClosedSync, now: Date): Promise<string | null> {
  if (now.getTime() - Date.parse(record.learned_at) > CLOSED_RECORD_DAYS * 86_400_000) return `older than ${CLOSED_RECORD_DAYS} days`;
  const synced = await syncedSince(clone, record.main);
  if (!synced) return null;
  if (synced.has(record.repo)) return `${record.repo} synced again`;
  if (record.importers.length > 0 && record.importers.every((i) => synced.has(i.repo))) return `${record.importers.map((i) => i.repo).join(", ")} synced again`;
  return null;
}

/** Drop the records that came to their end from the realm remote (a record another machine changed meanwhile is
 *  left for the next look). Returns the branches dropped, with why. A record's end resurrects nothing: a branch still
 *  at the head it recorded (its maker stopped before deleting it, or the record predates that) is deleted first, and
 *  a record whose branch cannot be deleted now is kept for the next look. */
export async function pruneClosed(clone: string, records: readonly StoredClosed[], now: Date): Promise<{ branch: string; why: string }[]> {
  const out: { branch: string; why: string }[] = [];
  for (const { record, commit } of records) {
    const why = await closedRecordEnd(clone, record, now);
    if (!why) continue;
    const tip = await trackedHead(clone, record.branch);
    if (tip && (record.head === null || record.head === tip) && syncBranchRepo(record.branch) !== undefined) {
      if ((await deleteBranchAt(clone, record.branch, tip).catch(() => null)) === null) continue;
    }
    if ((await dropRecord(clone, CLOSED, record.branch, commit)) === "won") out.push({ branch: record.branch, why });
  }
  return out;
}
