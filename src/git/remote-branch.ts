// A member repo's branch as its origin has it, and a merge done on that origin, with git alone: the plain-git
// forge of a coordinated change (forge "none"), where a PR is a branch and merging it is a merge commit pushed
// to the base branch. Work happens in a bare cache repo per origin (no work tree: merge-tree writes the tree),
// so the daemon never touches anyone's checkout.
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { runBounded } from "../system/subprocess.ts";
import { assertSafeUrl } from "./realm-repo.ts";

async function exec(dir: string, args: string[]) {
  const r = await runBounded(["git", ...args], { cwd: dir, env: { ...process.env, GIT_TERMINAL_PROMPT: "0" }, timeoutMs: 5 * 60_000 });
  return { ok: r.code === 0, stdout: r.stdout.trim(), stderr: r.timedOut ? `fatal: git ${args[0]} timed out` : r.stderr.trim() };
}

const cause = (stderr: string) => stderr.split("\n").find((l) => /^(fatal|error|!)/.test(l)) ?? stderr.split("\n")[0] ?? "";

/** The bare cache of one origin under `dir` (created on first use). */
async function cacheOf(dir: string, url: string): Promise<string> {
  assertSafeUrl(url);
  const path = join(dir, `${new Bun.CryptoHasher("sha256").update(url).digest("hex").slice(0, 16)}.git`);
  if (!existsSync(path)) {
    mkdirSync(dir, { recursive: true });
    await exec(dir, ["init", "-q", "--bare", path]);
  }
  return path;
}

export type RemoteBranch = { state: "open" | "merged" | "closed"; head: string | null };

/**
 * Where `branch` stands on origin: open (it exists and `base` lacks some of it), merged (its commits are in
 * `base`), or closed (deleted on origin with `known_head`, the last head anyone recorded, not in `base`).
 */
export async function remoteBranch(cacheDir: string, url: string, branch: string, base: string, knownHead: string | null): Promise<RemoteBranch> {
  const cache = await cacheOf(cacheDir, url);
  const listed = await exec(cache, ["ls-remote", url, `refs/heads/${branch}`, `refs/heads/${base}`]);
  if (!listed.ok) throw new Error(`cannot read ${url}: ${cause(listed.stderr)}`);
  const refs = new Map(listed.stdout.split("\n").filter(Boolean).map((l) => [l.split("\t")[1]!, l.split("\t")[0]!]));
  const head = refs.get(`refs/heads/${branch}`) ?? null;
  const wanted = [...refs.keys()].map((r) => `+${r}:${r}`);
  if (wanted.length) {
    const f = await exec(cache, ["fetch", "-q", "--prune", url, ...wanted]);
    if (!f.ok) throw new Error(`cannot fetch ${url}: ${cause(f.stderr)}`);
  }
  if (!refs.has(`refs/heads/${base}`)) return { state: head ? "open" : "closed", head };
  const tip = head ?? knownHead;
  const inBase = tip !== null && (await exec(cache, ["merge-base", "--is-ancestor", tip, `refs/heads/${base}`])).ok;
  return { state: inBase ? "merged" : head ? "open" : "closed", head };
}

/**
 * Merge origin's `branch` into its `base` with a merge commit and push it, accepted only if `base` has not
 * moved since it was read. "conflict" and "moved" are reasons to say, not errors.
 */
export async function mergeOnRemote(cacheDir: string, url: string, branch: string, base: string, message: string): Promise<"merged" | "already" | { refused: string }> {
  const state = await remoteBranch(cacheDir, url, branch, base, null);
  if (state.state === "merged") return "already";
  if (state.state === "closed") return { refused: `${branch} is not on origin any more` };
  const cache = await cacheOf(cacheDir, url);
  const baseTip = (await exec(cache, ["rev-parse", `refs/heads/${base}`])).stdout;
  const tree = await exec(cache, ["merge-tree", "--write-tree", `refs/heads/${base}`, `refs/heads/${branch}`]);
  if (!tree.ok) return { refused: `${branch} conflicts with ${base}` };
  const commit = await exec(cache, ["commit-tree", tree.stdout.split("\n")[0]!, "-p", baseTip, "-p", state.head!, "-m", message]);
  if (!commit.ok) return { refused: `cannot write the merge commit: ${cause(commit.stderr)}` };
  const push = await exec(cache, ["push", "--porcelain", `--force-with-lease=refs/heads/${base}:${baseTip}`, url, `${commit.stdout}:refs/heads/${base}`]);
  if (!push.ok) return { refused: `origin refused the push to ${base}: ${cause(push.stderr) || cause(push.stdout)}` };
  return "merged";
}

/** The commit a local branch points at, or null. */
export async function localBranchHead(root: string, branch: string): Promise<string | null> {
  const r = await exec(root, ["rev-parse", "--verify", "-q", `refs/heads/${branch}^{commit}`]);
  return r.ok && r.stdout ? r.stdout : null;
}
