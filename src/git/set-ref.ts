// The record of a coordinated change (follow/record.ts) as git keeps it in the realm remote: one ref per change,
// refs/blue/sets/<rfc>, whose commit holds set.yaml. Every change to the record is a new commit on the old one,
// pushed with --force-with-lease naming the commit it was built on: the realm remote accepts exactly one of two
// machines' updates built on the same commit (receive-pack checks the old value under its lock), and the other
// learns it lost. That is the compare-and-swap two daemons share; nothing in one daemon.db could be.
import { runBounded } from "../system/subprocess.ts";
import { GitError } from "../errors.ts";

export const SET_REFS = "refs/blue/sets/";
const SET_FILE = "set.yaml";

async function exec(dir: string, args: string[], input?: string) {
  const r = await runBounded(["git", ...args], { cwd: dir, env: { ...process.env, GIT_TERMINAL_PROMPT: "0" }, timeoutMs: 5 * 60_000, input });
  return { ok: r.code === 0, stdout: r.stdout.trim(), stderr: r.timedOut ? `fatal: git ${args[0]} timed out` : r.stderr.trim() };
}

async function must(dir: string, args: string[], input?: string): Promise<string> {
  const r = await exec(dir, args, input);
  if (!r.ok) throw new GitError(`git ${args[0]} failed: ${r.stderr.split("\n").find((l) => l.startsWith("fatal:")) ?? r.stderr.split("\n")[0]}`, "Check the realm remote, then run the command again.");
  return r.stdout;
}

/** Bring the realm remote's set refs into the clone exactly (pruning those deleted there). */
export async function fetchSetRefs(clone: string): Promise<void> {
  await must(clone, ["fetch", "-q", "--prune", "origin", `+${SET_REFS}*:${SET_REFS}*`]);
}

export async function listSetRefs(clone: string): Promise<{ name: string; commit: string }[]> {
  const out = await must(clone, ["for-each-ref", "--format=%(objectname) %(refname)", SET_REFS]);
  return out
    .split("\n")
    .filter(Boolean)
    .map((l) => {
      const [commit, ref] = l.split(" ") as [string, string];
      return { name: ref.slice(SET_REFS.length), commit };
    });
}

export async function setRefCommit(clone: string, name: string): Promise<string | null> {
  const r = await exec(clone, ["rev-parse", "--verify", "-q", `${SET_REFS}${name}^{commit}`]);
  return r.ok && r.stdout ? r.stdout : null;
}

/** Bigger than any set's record (a few KB for tens of repos and decisions): anyone who can push to the realm writes these. */
export const SET_FILE_MAX_BYTES = 1024 * 1024;

/** The record's text, or null when the commit has none or it is too big to be one. */
export async function readSetFile(clone: string, commit: string): Promise<string | null> {
  const size = await exec(clone, ["cat-file", "-s", `${commit}:${SET_FILE}`]);
  if (!size.ok || Number(size.stdout) > SET_FILE_MAX_BYTES) return null;
  return must(clone, ["show", `${commit}:${SET_FILE}`]);
}

/**
 * Write `text` as the set's new record on top of `parent` (null: the set is new) and push it. "lost" when the
 * realm remote's ref is no longer `parent`: another machine updated the record first.
 */
export async function swapSetFile(clone: string, name: string, text: string, parent: string | null, message: string): Promise<"won" | "lost"> {
  const blob = await must(clone, ["hash-object", "-w", "--stdin"], text);
  const tree = await must(clone, ["mktree"], `100644 blob ${blob}\t${SET_FILE}\n`);
  const commit = await must(clone, ["commit-tree", tree, ...(parent ? ["-p", parent] : []), "-m", message]);
  const ref = `${SET_REFS}${name}`;
  const r = await exec(clone, ["push", "--porcelain", `--force-with-lease=${ref}:${parent ?? ""}`, "origin", `${commit}:${ref}`]);
  if (r.ok) {
    await must(clone, ["update-ref", ref, commit]);
    return "won";
  }
  if (/stale info|rejected|fetch first|non-fast-forward/i.test(r.stdout + r.stderr)) return "lost";
  throw new GitError(`pushing the record of ${name} to the realm failed: ${r.stderr.split("\n")[0]}`, "Check the realm remote, then run the command again.");
}
