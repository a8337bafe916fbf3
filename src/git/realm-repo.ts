// The git operations blue does on a realm: probe a remote, clone it, and change it as one transaction
// (pull, edit, commit, push; on any failure the clone is put back exactly as it was).
import { mkdirSync, renameSync, rmSync } from "node:fs";
import { dirname } from "node:path";
import { simpleGit, type SimpleGit } from "simple-git";
import { ConfigError, GitError, Refused, Unreachable, UsageError } from "../errors.ts";
import { withLock } from "../lock.ts";

export const REALM_BRANCH = "main";
const PUSH_ATTEMPTS = 4;

// simple-git refuses these environment variables by default; here they are the user's own settings (their
// config files, credentials and ssh), which blue must honour. Arguments blue builds never come from realm data
// without a check (see assertSafeUrl).
const USER_ENVIRONMENT = {
  allowUnsafeConfigPaths: true,
  allowUnsafeConfigEnvCount: true,
  allowUnsafeAskPass: true,
  allowUnsafeSshCommand: true,
  allowUnsafeGitProxy: true,
  allowUnsafeEditor: true,
  allowUnsafePager: true,
} as const;

export function git(dir: string): SimpleGit {
  // Never let git stop and wait for a password on a terminal: fail, and say how to give credentials.
  const env = { ...process.env, GIT_TERMINAL_PROMPT: "0" };
  return simpleGit({ baseDir: dir, trimmed: true, unsafe: USER_ENVIRONMENT, allowEnvironment: Object.keys(env) }).env(env);
}

/** A URL that git could read as an option (`--upload-pack=...`) is never passed on. */
export function assertSafeUrl(url: string): void {
  if (url.startsWith("-") || /[\r\n\0]/.test(url)) throw new UsageError(`'${url}' is not a git URL`);
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
  return new GitError(`${doing} failed: ${detail}`);
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
    renameSync(tmp, dest);
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw describeGitFailure(e, url, "git clone");
  }
}

export async function remoteUrl(dir: string): Promise<string | undefined> {
  try {
    return (await git(dir).raw(["remote", "get-url", "origin"])).trim() || undefined;
  } catch {
    return undefined;
  }
}

async function head(g: SimpleGit): Promise<string | undefined> {
  const out = await g.raw(["rev-parse", "--verify", "-q", "HEAD"]).catch(() => "");
  return out.trim() || undefined;
}

async function requireIdentity(g: SimpleGit): Promise<void> {
  try {
    await g.raw(["var", "GIT_AUTHOR_IDENT"]);
  } catch {
    throw new ConfigError(
      "git does not know who you are, so blue cannot commit to the realm",
      'Run: git config --global user.name "Your Name" && git config --global user.email you@example.com',
    );
  }
}

export type RealmChange<T> = {
  /** Reads the (freshly pulled) clone and writes the change; returns what the command reports. */
  apply: () => T | Promise<T>;
  /** The commit message; computed after apply so it can name what changed. */
  message: (result: T) => string;
};

/**
 * Change the realm clone as one transaction: bring it up to date, apply the edit, commit, push. A push the
 * remote rejects because the realm moved is rebased and retried. Any failure resets the clone to the commit
 * it was at before the command, and removes files the edit created.
 */
export async function changeRealm<T>(clone: string, change: RealmChange<T>): Promise<T> {
  return withLock(`${clone}.lock`, async () => {
    const g = git(clone);
    await requireIdentity(g);
    const url = (await remoteUrl(clone)) ?? clone;
    const before = await head(g);
    try {
      await pull(g, url, clone);
      const result = await change.apply();
      await g.raw(["add", "-A"]);
      const staged = (await g.raw(["diff", "--cached", "--name-only"])).trim();
      if (staged === "") return result;
      await g.raw(["commit", "-q", "-m", change.message(result)]);
      await pushWithRetry(g, url);
      return result;
    } catch (e) {
      await restore(g, before);
      throw e;
    }
  });
}

async function pull(g: SimpleGit, url: string, clone: string): Promise<void> {
  try {
    await g.raw(["fetch", "-q", "origin"]);
  } catch (e) {
    throw describeGitFailure(e, url, "git fetch");
  }
  const upstream = (await g.raw(["rev-parse", "--verify", "-q", `origin/${REALM_BRANCH}`]).catch(() => "")).trim();
  if (upstream === "") return; // nothing pushed yet
  try {
    await g.raw(["merge", "-q", "--ff-only", `origin/${REALM_BRANCH}`]);
  } catch {
    throw new Refused(
      "the realm clone has commits that are not on the remote",
      `Inspect them with 'git -C ${clone} log origin/${REALM_BRANCH}..', then reset the clone or push them.`,
    );
  }
}

async function pushWithRetry(g: SimpleGit, url: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await g.raw(["push", "-q", "-u", "origin", `HEAD:refs/heads/${REALM_BRANCH}`]);
      return;
    } catch (e) {
      const text = e instanceof Error ? e.message : String(e);
      const moved = /\[rejected\]|fetch first|non-fast-forward|failed to update ref|cannot lock ref/i.test(text);
      if (!moved || attempt >= PUSH_ATTEMPTS) throw describeGitFailure(e, url, "git push");
    }
    // Someone else pushed first: replay our commit on top of theirs and try again.
    await g.raw(["fetch", "-q", "origin"]).catch((e) => {
      throw describeGitFailure(e, url, "git fetch");
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

async function restore(g: SimpleGit, before: string | undefined): Promise<void> {
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

/** The user's git email, used as a repo maintainer or realm approver by default. */
export async function userEmail(dir: string): Promise<string | undefined> {
  const out = await git(dir).raw(["config", "user.email"]).catch(() => "");
  return out.trim() || undefined;
}
