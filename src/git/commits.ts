// Reading who changed what in a range of commits of a realm (the ownership check): each commit with its author
// and the files it changes, the realm files as they were before it, and whether its signature verifies against
// a given set of SSH keys. Read-only; every git call is an argv, and paths come back NUL-separated (a file name
// may hold any byte but NUL).
import { GitError, UsageError } from "../errors.ts";

export type FileChange = { path: string; kind: "added" | "modified" | "deleted" };

export type RangeCommit = {
  sha: string;
  /** First parent first: the realm "before" the commit is its first parent's tree. */
  parents: string[];
  email: string;
  name: string;
  /** The files the commit changes relative to its first parent; for a merge, only those it changes relative to
   *  every parent (its own edits: what it brings in from another parent is judged in the commits that made it). */
  changes: FileChange[];
};

/** What a commit's signature says, checked against one allowed-signers file: git's %G? letter (G good, U a
 *  good signature by a key not in the file, N none, B bad, E cannot be checked, X/Y expired, R revoked) and the
 *  key's fingerprint (`SHA256:…`). */
export type Signature = { status: string; fingerprint: string };

async function run(dir: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  // The user's settings that would change what these commands print are switched off.
  const argv = ["git", "-c", "log.showSignature=false", "-c", "color.ui=never", ...args];
  const proc = Bun.spawn(argv, { cwd: dir, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { code, stdout, stderr };
}

async function out(dir: string, args: string[]): Promise<string> {
  const r = await run(dir, args);
  if (r.code !== 0) throw new GitError(`git ${args[0]} failed in ${dir}: ${r.stderr.trim().split("\n")[0] ?? ""}`, `Run git ${args[0]} in ${dir} yourself to see what git says.`);
  return r.stdout;
}

/** The commit a revision names, or a UsageError naming the revision. */
export async function commitOf(dir: string, rev: string, flag: string): Promise<string> {
  if (rev.startsWith("-") || /[\0-\x1f]/.test(rev)) throw new UsageError(`${flag} '${rev}' is not a revision`, "Give a commit, branch or tag of the realm repo, like HEAD~3 or origin/main.");
  const r = await run(dir, ["rev-parse", "--verify", "-q", `${rev}^{commit}`]);
  if (r.code !== 0) throw new UsageError(`${flag} '${rev}' names no commit in ${dir}`, "Fetch it first (CI checkouts are often shallow: fetch-depth 0), or give a sha.");
  return r.stdout.trim();
}

/**
 * The range to check: `--from`/`--to` when given (`--to` defaults to HEAD). Without `--from`: on a branch that
 * has left main (origin/main, else main), everything since the merge-base, which is what a pull request adds;
 * on main itself (or a ref main already contains), the last commit only, so a push to main should pass
 * `--from <the previous head>` to cover all it brought.
 */
export async function resolveRange(dir: string, from?: string, to?: string): Promise<{ from: string | undefined; to: string }> {
  const head = await commitOf(dir, to ?? "HEAD", "--to");
  // A forge's push event names "no commit before" (the branch's first push) as git's null id: the whole history.
  if (from !== undefined && /^0{40}(0{24})?$/.test(from)) return { from: undefined, to: head };
  if (from !== undefined) return { from: await commitOf(dir, from, "--from"), to: head };
  for (const ref of ["refs/remotes/origin/main", "refs/heads/main"]) {
    const main = await run(dir, ["rev-parse", "--verify", "-q", `${ref}^{commit}`]);
    if (main.code !== 0) continue;
    const base = (await run(dir, ["merge-base", head, main.stdout.trim()])).stdout.trim();
    if (base && base !== head) return { from: base, to: head };
    break;
  }
  const parent = await run(dir, ["rev-parse", "--verify", "-q", `${head}^1`]);
  return { from: parent.code === 0 ? parent.stdout.trim() : undefined, to: head };
}

/** The commits in `from..to` (all of `to`'s history when `from` is undefined), oldest first, with their changes. */
export async function commitsInRange(dir: string, from: string | undefined, to: string): Promise<RangeCommit[]> {
  const range = from ? [`${from}..${to}`] : [to];
  const text = await out(dir, ["log", "-z", "--topo-order", "--reverse", "--no-renames", "-c", "--name-status", "--format=%x1e%H%x1f%P%x1f%ae%x1f%an", ...range, "--"]);
  return parseLog(text);
}

/** `git log -z --name-status` output: a header token (\x1e sha \x1f parents \x1f email \x1f name) per commit, then
 *  status and path tokens in pairs. A path is always read as the token after a status, whatever it holds. */
export function parseLog(text: string): RangeCommit[] {
  const commits: RangeCommit[] = [];
  const tokens = text.split("\0");
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!.startsWith("\n") ? tokens[i]!.slice(1) : tokens[i]!;
    if (token === "") continue;
    if (token.startsWith("\x1e")) {
      const [sha = "", parents = "", email = "", ...name] = token.slice(1).split("\x1f");
      commits.push({ sha, parents: parents.split(" ").filter(Boolean), email, name: name.join("\x1f"), changes: [] });
      continue;
    }
    const path = tokens[++i];
    const commit = commits[commits.length - 1];
    if (path === undefined || !commit) break;
    // One letter per parent for a merge; the first parent's says whether the file is new.
    const first = token[0];
    commit.changes.push({ path, kind: first === "A" ? "added" : first === "D" ? "deleted" : "modified" });
  }
  return commits;
}

/** The realm's files in a commit's tree (realm.yaml, repos/, domains/) by path, with their blob ids. */
export async function realmTree(dir: string, rev: string): Promise<Map<string, string>> {
  const text = await out(dir, ["ls-tree", "-r", "-z", "--full-tree", rev, "--", "realm.yaml", "realm.yml", "repos", "domains"]);
  const files = new Map<string, string>();
  for (const entry of text.split("\0")) {
    const tab = entry.indexOf("\t");
    const [, type, oid] = entry.slice(0, tab).split(" ");
    if (tab > 0 && type === "blob" && oid) files.set(entry.slice(tab + 1), oid);
  }
  return files;
}

/** Whether the clone holds only part of the history (a CI checkout with a fetch depth): its oldest commits then
 *  look parentless. */
export async function isShallow(dir: string): Promise<boolean> {
  return (await run(dir, ["rev-parse", "--is-shallow-repository"])).stdout.trim() === "true";
}

/** The commits a merge brings in from its other parents (not already in its first parent). */
export async function broughtIn(dir: string, merge: RangeCommit): Promise<string[]> {
  const [first, ...others] = merge.parents;
  if (!first || others.length === 0) return [];
  return (await out(dir, ["rev-list", ...others, "--not", first])).split("\n").filter(Boolean);
}

/** Verify a commit's signature against the keys in `allowedSignersFile` (git's own ssh verification). */
export async function signatureOf(dir: string, sha: string, allowedSignersFile: string): Promise<Signature> {
  const text = await out(dir, ["-c", `gpg.ssh.allowedSignersFile=${allowedSignersFile}`, "log", "-1", "--no-walk", "--format=%G?%x1f%GF", sha, "--"]);
  const [status = "E", fingerprint = ""] = text.trim().split("\x1f");
  return { status, fingerprint };
}
