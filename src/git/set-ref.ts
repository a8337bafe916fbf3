// Records kept in the realm remote outside main, one ref each, whose commit holds one YAML file: a coordinated
// change's record (follow/record.ts: refs/blue/sets/<rfc>, set.yaml) and a provider's sync branch closed without
// merging (sync/closed.ts: refs/blue/closed/<branch>, closed.yaml). Every change to a record is a new commit on the
// old one, pushed with --force-with-lease naming the commit it was built on: the realm remote accepts exactly one of
// two machines' updates built on the same commit (receive-pack checks the old value under its lock), and the other
// learns it lost. That is the compare-and-swap two daemons share; nothing in one daemon.db could be.
import { runBounded } from "../system/subprocess.ts";
import { GitError } from "../errors.ts";

/** A kind of record: its refs' prefix (ending in "/") and the one file each commit holds. */
export type RecordKind = { refs: string; file: string };

export const SET_REFS = "refs/blue/sets/";
export const SETS: RecordKind = { refs: SET_REFS, file: "set.yaml" };

async function exec(dir: string, args: string[], input?: string) {
  const r = await runBounded(["git", ...args], { cwd: dir, env: { ...process.env, GIT_TERMINAL_PROMPT: "0" }, timeoutMs: 5 * 60_000, input });
  return { ok: r.code === 0, stdout: r.stdout.trim(), stderr: r.timedOut ? `fatal: git ${args[0]} timed out` : r.stderr.trim() };
}

async function must(dir: string, args: string[], input?: string): Promise<string> {
  const r = await exec(dir, args, input);
  if (!r.ok) throw new GitError(`git ${args[0]} failed: ${r.stderr.split("\n").find((l) => l.startsWith("fatal:")) ?? r.stderr.split("\n")[0]}`, "Check the realm remote, then run the command again.");
  return r.stdout;
}

/** Bring the realm remote's records of a kind into the clone exactly (pruning those deleted there). */
export async function fetchRecordRefs(clone: string, kind: RecordKind): Promise<void> {
  await must(clone, ["fetch", "-q", "--prune", "origin", `+${kind.refs}*:${kind.refs}*`]);
}

export async function listRecordRefs(clone: string, kind: RecordKind): Promise<{ name: string; commit: string }[]> {
  const out = await must(clone, ["for-each-ref", "--format=%(objectname) %(refname)", kind.refs]);
  return out
    .split("\n")
    .filter(Boolean)
    .map((l) => {
      const [commit, ref] = l.split(" ") as [string, string];
      return { name: ref.slice(kind.refs.length), commit };
    });
}

export async function recordRefCommit(clone: string, kind: RecordKind, name: string): Promise<string | null> {
  const r = await exec(clone, ["rev-parse", "--verify", "-q", `${kind.refs}${name}^{commit}`]);
  return r.ok && r.stdout ? r.stdout : null;
}

/** Bigger than any record needs (a few KB for tens of repos and decisions): anyone who can push to the realm writes these. */
export const SET_FILE_MAX_BYTES = 1024 * 1024;

/** The record's text, or null when the commit has none or it is too big to be one. */
export async function readRecordFile(clone: string, kind: RecordKind, commit: string): Promise<string | null> {
  const size = await exec(clone, ["cat-file", "-s", `${commit}:${kind.file}`]);
  if (!size.ok || Number(size.stdout) > SET_FILE_MAX_BYTES) return null;
  return must(clone, ["show", `${commit}:${kind.file}`]);
}

/**
 * The record's commit and text (null: too big, or not a file in it), or null when there is no record, in one git
 * command where there is none and two where there is: `cat-file --batch-check` names the ref's commit and its
 * file's blob and size at once, and the blob is read only when it is small enough to be a record.
 */
export async function readRecord(clone: string, kind: RecordKind, name: string): Promise<{ commit: string; text: string | null } | null> {
  const ref = `${kind.refs}${name}`;
  const r = await exec(clone, ["cat-file", "--batch-check=%(objectname) %(objecttype) %(objectsize)"], `${ref}^{commit}\n${ref}^{commit}:${kind.file}\n`);
  const [commit, file] = r.stdout.split("\n").map((l) => l.split(" "));
  if (!r.ok || commit?.[1] !== "commit") return null;
  if (file?.[1] !== "blob" || Number(file[2]) > SET_FILE_MAX_BYTES) return { commit: commit[0]!, text: null };
  return { commit: commit[0]!, text: await must(clone, ["cat-file", "blob", file[0]!]) };
}

/**
 * Write `text` as the record's new state on top of `parent` (null: the record is new) and push it. "lost" when the
 * realm remote's ref is no longer `parent`: another machine updated the record first.
 */
export async function swapRecordFile(clone: string, kind: RecordKind, name: string, text: string, parent: string | null, message: string): Promise<"won" | "lost"> {
  return pushRecord(clone, kind, name, await writeRecordCommit(clone, kind, text, parent, message), parent);
}

/** The commit holding `text` as the record's file, on `parent`: written to the clone's objects, referenced by nothing. */
export async function writeRecordCommit(clone: string, kind: RecordKind, text: string, parent: string | null, message: string): Promise<string> {
  const blob = await must(clone, ["hash-object", "-w", "--stdin"], text);
  const tree = await must(clone, ["mktree"], `100644 blob ${blob}\t${kind.file}\n`);
  return must(clone, ["commit-tree", tree, ...(parent ? ["-p", parent] : []), "-m", message]);
}

/** Delete the record from the realm remote, if it is still `commit` there ("lost": another machine moved it). */
export async function dropRecord(clone: string, kind: RecordKind, name: string, commit: string): Promise<"won" | "lost"> {
  return pushRecord(clone, kind, name, null, commit);
}

/** Make `commit` (null: none) the record on the realm remote if it is still `parent` there, and here once it is. */
export async function pushRecord(clone: string, kind: RecordKind, name: string, commit: string | null, parent: string | null): Promise<"won" | "lost"> {
  const ref = `${kind.refs}${name}`;
  // The records mapped onto themselves as a fetch refspec for this push only: git then sets (or deletes) the clone's
  // own ref once the realm remote took the push, as it updates a remote-tracking branch, with no update-ref after it.
  const mapped = `remote.origin.fetch=+${kind.refs}*:${kind.refs}*`;
  const r = await exec(clone, ["-c", mapped, "push", "--porcelain", `--force-with-lease=${ref}:${parent ?? ""}`, "origin", `${commit ?? ""}:${ref}`]);
  if (r.ok) return "won";
  if (/stale info|rejected|fetch first|non-fast-forward/i.test(r.stdout + r.stderr)) return "lost";
  throw new GitError(`pushing the record ${ref} to the realm failed: ${r.stderr.split("\n")[0]}`, "Check the realm remote, then run the command again.");
}

/**
 * Delete `refs/heads/<branch>` from the realm remote only while it is still `head` (a lease, checked by receive-pack
 * under its lock, as a record's swap is): a branch pushed to since it was read is kept. "moved": it is at another
 * commit there now; "gone": it is not there any more (someone deleted it first). A remote that refuses to delete it
 * (a hook, a protected branch) or cannot be reached throws.
 */
export async function deleteBranchAt(clone: string, branch: string, head: string): Promise<"deleted" | "moved" | "gone"> {
  const ref = `refs/heads/${branch}`;
  const r = await exec(clone, ["push", "--porcelain", `--force-with-lease=${ref}:${head}`, "origin", `:${ref}`]);
  if (r.ok) {
    // The push removed origin/<branch> too; a clone whose fetch refspec does not map it keeps nothing stale either.
    await exec(clone, ["update-ref", "-d", `refs/remotes/origin/${branch}`]);
    return "deleted";
  }
  const why = (r.stderr.split("\n").find((l) => /^(fatal|error|remote):/.test(l.trim())) ?? r.stdout.split("\n").find((l) => l.startsWith("!")) ?? r.stderr.split("\n")[0] ?? "").trim();
  const failed = () => new GitError(`deleting ${branch} on the realm failed: ${why}`, "Check the realm remote, then run the command again.");
  if (!/stale info|rejected/i.test(r.stdout + r.stderr)) throw failed();
  // Rejected: moved or gone, or refused at the very head it was asked to delete.
  const there = (await must(clone, ["ls-remote", "origin", ref])).split("\t")[0] || null;
  if (there === null) return "gone";
  if (there !== head) return "moved";
  throw failed();
}

// The coordinated changes' records (follow/record.ts).
export const fetchSetRefs = (clone: string) => fetchRecordRefs(clone, SETS);
export const listSetRefs = (clone: string) => listRecordRefs(clone, SETS);
export const setRefCommit = (clone: string, name: string) => recordRefCommit(clone, SETS, name);
export const readSetFile = (clone: string, commit: string) => readRecordFile(clone, SETS, commit);
export const readSetRecord = (clone: string, name: string) => readRecord(clone, SETS, name);
export const swapSetFile = (clone: string, name: string, text: string, parent: string | null, message: string) => swapRecordFile(clone, SETS, name, text, parent, message);
