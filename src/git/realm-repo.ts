// The git operations blue does on a realm: probe a remote, clone it, and change it as one transaction
// (pull, edit, commit, push; on any failure the clone is put back exactly as it was).
import { mkdirSync, renameSync, rmSync } from "node:fs";
import { dirname } from "node:path";
import { GitError, Refused, Unreachable, UsageError } from "../errors.ts";
import { withLock } from "../system/lock.ts";
import { requireGitIdentity } from "./identity.ts";
import { gitCommand, type GitCommand } from "./command.ts";

export const REALM_BRANCH = "main";
const PUSH_ATTEMPTS = 4;

/** git in `dir`, in the user's own environment (their config files, credentials and ssh, which blue must honour).
 *  Arguments blue builds never come from realm data without a check (see assertSafeUrl). */
export function git(dir: string): GitCommand {
  // Never let git stop and wait for a password on a terminal: fail, and say how to give credentials.
  return gitCommand(dir, { ...process.env, GIT_TERMINAL_PROMPT: "0" });
}

/** A URL that git could read as an option (`--upload-pack=...`) is never passed on. */
export function assertSafeUrl(url: string): void {
  if (url.startsWith("-") || /[\r\n\0]/.test(url)) throw new UsageError(`'${url}' is not a git URL`, "Give an ssh, https or file URL, or a path, like git@git.example.com:acme/letemcook.git.");
}

const UNREACHABLE = [
  /could not read from remote/i,
  /does not appear to be a git repository/i,
  /unable to access/i,
  /connection (refused|timed out|reset)/i,
  /could not resolve host/i,
  /repository .* not found/i,
  /authentication failed/i,
  /terminal prompts disabled/i,
  /no such device or address/i,
  /does not exist/i,
  /network is unreachable/i,
  /timed out/i,
];

function describeGitFailure(e: unknown, url: string, doing: string): Error {
  const text = e instanceof Error ? e.message : String(e);
  // git's first line is often progress ("Cloning into '…'"); the cause is on a fatal:/error: line.
  const lines = text.split("\n").map((l) => l.trim()).filter(Boolean);
  const cause = lines.find((l) => /^(fatal|error): /.test(l)) ?? lines.find((l) => !/^Cloning into /.test(l)) ?? text;
  const detail = cause.replace(/^(fatal|error): /, "");
  if (UNREACHABLE.some((re) => re.test(text))) {
    return new Unreachable(`cannot reach realm remote ${url}: ${detail}`, "Check the URL and your git credentials (git credential fill, BLUE_REALM_TOKEN), then run the command again.");
  }
  return new GitError(`${doing} failed: ${detail}`, "Fix what git says, then run the command again.");
}

/** Whether the remote answers, and whether it has any commits. */
export async function probeRemote(url: string): Promise<{ empty: boolean }> {
  assertSafeUrl(url);
  try {
    const refs = await git(process.cwd()).listRemote([url]);
    return { empty: refs.trim() === "" };
  } catch (e) {
    throw describeGitFailure(e, url, "git ls-remote");
  }
}

export async function createBareRemote(path: string): Promise<void> {
  mkdirSync(path, { recursive: true });
  try {
    await git(path).raw(["init", "-q", "--bare", `--initial-branch=${REALM_BRANCH}`]);
  } catch (e) {
    throw describeGitFailure(e, path, "git init");
  }
}

/** Clone into a temp directory beside `dest` and rename it into place, so a failed clone leaves nothing. */
export async function cloneRealm(url: string, dest: string): Promise<void> {
  assertSafeUrl(url);
  mkdirSync(dirname(dest), { recursive: true });
  const tmp = `${dest}.cloning-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  try {
    await git(dirname(dest)).clone(url, tmp);
    const g = git(tmp);
    // An empty remote clones with the cloner's default branch; realms always use `main`.
    if ((await g.raw(["rev-parse", "--verify", "-q", "HEAD"]).catch(() => "")).trim() === "") {
      await g.raw(["symbolic-ref", "HEAD", `refs/heads/${REALM_BRANCH}`]);
    }
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw describeGitFailure(e, url, "git clone");
  }
  try {
    renameSync(tmp, dest);
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    // Two commands' first use of a realm at once: the other one's clone of the same remote landed first; use it.
    if ((await remoteUrl(dest)) === url) return;
    throw new GitError(`cannot put the realm clone in place at ${dest}: ${(e as Error).message}`, `Move ${dest} away, then run the command again.`);
  }
}

export async function remoteUrl(dir: string): Promise<string | undefined> {
  try {
    return (await git(dir).raw(["remote", "get-url", "origin"])).trim() || undefined;
  } catch {
    return undefined;
  }
}

/** The commit `ref` names in `dir` (default: the realm's main as last fetched), or undefined. */
export async function headOf(dir: string, ref = `origin/${REALM_BRANCH}`): Promise<string | undefined> {
  return (await git(dir).raw(["rev-parse", "--verify", "-q", ref]).catch(() => "")).trim() || undefined;
}

/** Whether commit `sha` is in `ref` (default: the realm's main as last fetched). */
export async function isMerged(dir: string, sha: string, ref = `origin/${REALM_BRANCH}`): Promise<boolean> {
  // Not `merge-base --is-ancestor`: git.raw answers a silent exit 1 as success.
  const base = await git(dir)
    .raw(["merge-base", sha, ref])
    .then((s) => s.trim(), () => "");
  return base !== "" && base === sha;
}

export type RealmChange<T> = {
  /** Reads the (freshly pulled) clone and writes the change; returns what the command reports. */
  apply: () => T | Promise<T>;
  /** The commit message; computed after apply so it can name what changed. */
  message: (result: T) => string;
  /** When the remote refuses pushes to main (a protected branch): the commit was pushed to `branch` instead;
   *  open its pull request. Without it, a protected main refuses the change. */
  propose?: (branch: string, message: string) => Promise<void>;
};

/**
 * Change the realm clone as one transaction: bring it up to date, apply the edit, commit, push. A push the
 * remote rejects because the realm moved is rebased and retried. Any failure resets the clone to the commit
 * it was at before the command, and removes files the edit created.
 */
export async function changeRealm<T>(clone: string, change: RealmChange<T>): Promise<T> {
  return withLock(`${clone}.lock`, async () => {
    const g = git(clone);
    await requireGitIdentity(clone);
    // The remote's URL only names it in an error: asked for when one happens.
    const url = async () => (await remoteUrl(clone)) ?? clone;
    const before = await headOf(clone, "HEAD");
    try {
      await pull(g, url, clone, before);
      const result = await change.apply();
      await g.raw(["add", "-A"]);
      const staged = (await g.raw(["diff", "--cached", "--name-only"])).trim();
      if (staged === "") return result;
      const message = change.message(result);
      await g.raw(["commit", "-q", "-m", message]);
      const refused = await pushWithRetry(g, url);
      if (refused === undefined) return result;
      // main is protected: the change goes through a pull request the forge's rules govern, and main here
      // stays as the remote has it until that merges.
      if (!change.propose) {
        throw new Refused(`the realm remote refuses pushes to ${REALM_BRANCH}: ${refused}`, "The realm's main is protected; this change has to go through a pull request.");
      }
      const branch = proposalBranch(message, new Date());
      try {
        await g.raw(["push", "-q", "origin", `HEAD:refs/heads/${branch}`]);
      } catch (e) {
        throw describeGitFailure(e, await url(), "git push");
      }
      await restore(g, (await headOf(clone, `origin/${REALM_BRANCH}`)) ?? before);
      await change.propose(branch, message);
      return result;
    } catch (e) {
      await restore(g, before);
      throw e;
    }
  });
}

async function pull(g: GitCommand, url: () => Promise<string>, clone: string, head: string | undefined): Promise<void> {
  try {
    await g.raw(["fetch", "-q", "origin"]);
  } catch (e) {
    throw describeGitFailure(e, await url(), "git fetch");
  }
  const upstream = (await g.raw(["rev-parse", "--verify", "-q", `origin/${REALM_BRANCH}`]).catch(() => "")).trim();
  if (upstream === "") return; // nothing pushed yet
  if (upstream === head) return; // nothing new
  try {
    await g.raw(["merge", "-q", "--ff-only", `origin/${REALM_BRANCH}`]);
  } catch {
    throw new Refused(
      "the realm clone has commits that are not on the remote",
      `Inspect them with 'git -C ${clone} log origin/${REALM_BRANCH}..', then reset the clone or push them.`,
    );
  }
}

/** `blue/<what the message says>-<UTC stamp>`: a branch for a change main refused, named for a reader. */
export function proposalBranch(message: string, now: Date): string {
  const what = message.replace(/^blue:\s*/, "").toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 48).replace(/-+$/, "");
  const stamp = now.toISOString().replace(/[-:]/g, "").replace("T", "-").slice(0, 15);
  return `blue/${what || "change"}-${stamp}`;
}

/** A push the remote's own rules refused (a protected branch), as the remote said it; not a race to retry. */
function protectedRefusal(text: string): string | undefined {
  if (!/\[remote rejected\]/.test(text) || !/protected|hook declined|not allowed/i.test(text)) return undefined;
  const said = text.split("\n").map((l) => l.replace(/^remote:\s*/, "").trim()).find((l) => /protected|not allowed/i.test(l) && !l.startsWith("!"));
  return said ?? "protected branch";
}

/** Push to main, replaying on top of others' pushes; returns why, when the remote refuses main itself. */
async function pushWithRetry(g: GitCommand, url: () => Promise<string>): Promise<string | undefined> {
  for (let attempt = 1; ; attempt++) {
    try {
      await g.raw(["push", "-q", "-u", "origin", `HEAD:refs/heads/${REALM_BRANCH}`]);
      return undefined;
    } catch (e) {
      const text = e instanceof Error ? e.message : String(e);
      const refused = protectedRefusal(text);
      if (refused) return refused;
      const moved = /\[rejected\]|fetch first|non-fast-forward|failed to update ref|cannot lock ref/i.test(text);
      if (!moved || attempt >= PUSH_ATTEMPTS) throw describeGitFailure(e, await url(), "git push");
    }
    // Someone else pushed first: replay our commit on top of theirs and try again.
    await g.raw(["fetch", "-q", "origin"]).catch(async (e) => {
      throw describeGitFailure(e, await url(), "git fetch");
    });
    try {
      await g.raw(["rebase", "-q", `origin/${REALM_BRANCH}`]);
    } catch {
      const conflicted = (await g.raw(["diff", "--name-only", "--diff-filter=U"]).catch(() => "")).trim().split("\n").filter(Boolean);
      await g.raw(["rebase", "--abort"]).catch(() => undefined);
      throw new GitError(
        `the realm changed while this command ran and the changes conflict${conflicted.length ? `: ${conflicted.join(", ")}` : ""}`,
        "Run the command again; it starts from the realm's new state.",
      );
    }
  }
}

async function restore(g: GitCommand, before: string | undefined): Promise<void> {
  await g.raw(["rebase", "--abort"]).catch(() => undefined);
  if (before) {
    await g.raw(["reset", "-q", "--hard", before]).catch(() => undefined);
  } else {
    // No commit yet: unstage everything; the clean below removes what the edit wrote.
    await g.raw(["rm", "-r", "-q", "--cached", "--ignore-unmatch", "."]).catch(() => undefined);
    await g.raw(["update-ref", "-d", `refs/heads/${REALM_BRANCH}`]).catch(() => undefined);
  }
  await g.raw(["clean", "-q", "-fd"]).catch(() => undefined);
}

export type MovedRemote = {
  previous: string | undefined;
  /** Branches pushed to the new place (main and open sync branches). */
  pushed: string[];
  /** The new place already held this realm (moved from another machine): the clone only follows it. */
  adopted: boolean;
};

/**
 * Point the realm clone at `url` (`blue realm admin remote set`). The realm must be fetched from where it is
 * first: blue moves only what it has seen. The new place must be empty, or hold this realm already (another
 * machine moved it: then it is only followed), or an older state of it (then it is brought up to date). Every
 * branch the old remote has (main and open sync branches) is pushed before the clone's origin changes, so a
 * failure leaves the clone as it was and a rerun finishes the move.
 */
export async function moveRealmRemote(clone: string, url: string): Promise<MovedRemote> {
  assertSafeUrl(url);
  return withLock(`${clone}.lock`, async () => {
    const g = git(clone);
    const previous = await remoteUrl(clone);
    const contains = (ancestor: string, descendant: string) => isMerged(clone, ancestor, descendant);
    try {
      await g.raw(["fetch", "-q", "--prune", "origin"]);
    } catch (e) {
      throw describeGitFailure(e, previous ?? clone, "git fetch");
    }
    const upstream = await headOf(clone);
    const local = await headOf(clone, REALM_BRANCH);
    if (!upstream) throw new Refused(`the realm at ${previous} has no ${REALM_BRANCH} branch yet: there is nothing to move`, "Only a realm that has been pushed can move; push it first.");
    if ((local && local !== upstream && !(await contains(local, upstream))) || (await g.raw(["status", "--porcelain"])).trim() !== "") {
      throw new Refused(
        "the realm clone has changes that are not on its remote",
        `Inspect them with 'git -C ${clone} status' and 'git -C ${clone} log origin/${REALM_BRANCH}..', then reset the clone or push them.`,
      );
    }

    let listed: string;
    try {
      listed = await g.listRemote(["--heads", url]);
    } catch (e) {
      throw describeGitFailure(e, url, "git ls-remote");
    }
    const theirs = new Map(
      listed
        .split("\n")
        .filter(Boolean)
        .map((l) => l.split(/\s+/) as [string, string])
        .map(([sha, ref]) => [ref.replace(/^refs\/heads\//, ""), sha] as const),
    );
    let adopted = false;
    const theirMain = theirs.get(REALM_BRANCH);
    if (theirs.size > 0 && !theirMain) {
      throw new Refused(`${url} already has branches but no ${REALM_BRANCH}: a realm moves only to an empty repo or one that holds it`, "Create an empty repo for the realm, and pass its URL.");
    }
    if (theirMain && theirMain !== upstream) {
      await g.raw(["fetch", "-q", url, `+refs/heads/${REALM_BRANCH}:refs/blue/move`]).catch((e) => {
        throw describeGitFailure(e, url, "git fetch");
      });
      const ahead = await contains(upstream, theirMain);
      const behind = !ahead && (await contains(theirMain, upstream));
      await g.raw(["update-ref", "-d", "refs/blue/move"]).catch(() => undefined);
      if (!ahead && !behind) {
        throw new Refused(`${url} holds another history: its ${REALM_BRANCH} and this realm's have diverged or share nothing`, "If commits reached the old remote after the realm moved, put them on the new one by hand first; otherwise give an empty repo, or the one this realm was moved to.");
      }
      adopted = ahead;
    } else if (theirMain) adopted = true;

    // Everything the old remote has that the new place lacks: main (unless it is already there or further on)
    // and each open sync branch.
    const branches = (await g.raw(["for-each-ref", "--format=%(refname:lstrip=3)", "refs/remotes/origin/"])).split("\n").filter((b) => b && b !== "HEAD");
    const pushed = branches.filter((b) => (b === REALM_BRANCH ? !adopted : !theirs.has(b)));
    if (pushed.length > 0) {
      try {
        await g.raw(["push", "-q", url, ...pushed.map((b) => `refs/remotes/origin/${b}:refs/heads/${b}`)]);
      } catch (e) {
        throw describeGitFailure(e, url, "git push");
      }
    }
    await g.raw(["remote", "set-url", "origin", url]);
    try {
      await g.raw(["fetch", "-q", "--prune", "origin"]);
      await g.raw(["merge", "-q", "--ff-only", `origin/${REALM_BRANCH}`]);
    } catch (e) {
      // Back to where it was: the clone follows the old remote until a move completes.
      if (previous) {
        await g.raw(["remote", "set-url", "origin", previous]).catch(() => undefined);
        await g.raw(["fetch", "-q", "--prune", "origin"]).catch(() => undefined);
      }
      throw describeGitFailure(e, url, "git fetch");
    }
    return { previous, pushed, adopted };
  });
}
