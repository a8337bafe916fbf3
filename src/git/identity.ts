// Who git will commit as, as git itself resolves it: `git var GIT_AUTHOR_IDENT` (and GIT_COMMITTER_IDENT) honour
// GIT_AUTHOR_NAME/EMAIL and GIT_COMMITTER_NAME/EMAIL over user.name/user.email, and the repo's config over the
// global one, exactly as the commit will. `git config user.email` does not, so a realm could name someone other
// than the committer. Every command that commits asks requireGitIdentity first: exit 78 with the fix, not git's
// "Author identity unknown" as an internal error.
import { ConfigError } from "../errors.ts";
import { runBounded } from "../system/subprocess.ts";

export type GitIdentity = { name: string; email: string };
export type IdentityRole = "author" | "committer";

const VAR = { author: "GIT_AUTHOR_IDENT", committer: "GIT_COMMITTER_IDENT" } as const;

/** "Name <email> 1700000000 +0100" → {name, email}. */
export function parseIdent(text: string): GitIdentity | undefined {
  const m = /^(.*?) ?<([^<>]*)> \d+ [+-]\d{4}$/.exec(text.trim());
  return m ? { name: m[1]!.trim(), email: m[2]!.trim() } : undefined;
}

// What git answered, per directory, role and the environment git reads it from: a command that commits several
// times (a sync that merges two branches, a join that also names its maintainer) asks git once. Only an identity
// git knows is kept, and for a minute only (the daemon lives on while the user's config changes).
const known = new Map<string, { id: GitIdentity; at: number }>();
const KEEP_MS = 60_000;
const envKey = () => JSON.stringify(Object.entries(process.env).filter(([k]) => /^(GIT_|EMAIL$|HOME$|XDG_CONFIG_HOME$)/.test(k)).sort());

/** Who a commit made in `dir` would name as its author (or committer); undefined when git cannot tell. */
export async function gitIdentity(dir: string, role: IdentityRole = "author"): Promise<GitIdentity | undefined> {
  const key = `${role}\0${dir}\0${envKey()}`;
  const seen = known.get(key);
  if (seen && Date.now() - seen.at < KEEP_MS) return seen.id;
  const r = await runBounded(["git", "var", VAR[role]], { cwd: dir, timeoutMs: 30_000 });
  const id = r.code === 0 ? parseIdent(r.stdout) : undefined;
  if (id?.email) known.set(key, { id, at: Date.now() });
  return id;
}

/** The e-mail a commit made in `dir` would carry, as a default maintainer or approver. */
export async function identityEmail(dir: string, role: IdentityRole = "author"): Promise<string | undefined> {
  return (await gitIdentity(dir, role))?.email || undefined;
}

/** Exit 78 with the one-line fix when git cannot name the author or the committer of a commit made in `dir`. */
export async function requireGitIdentity(dir: string, what = "the realm"): Promise<GitIdentity> {
  const [author, committer] = await Promise.all([gitIdentity(dir, "author"), gitIdentity(dir, "committer")]);
  if (!author?.email || !committer?.email) {
    throw new ConfigError(
      `git does not know who you are, so blue cannot commit to ${what}`,
      'Run: git config --global user.name "Your Name" && git config --global user.email you@example.com',
    );
  }
  return author;
}
