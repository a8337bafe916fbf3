// What `for-each-ref`, `rev-parse HEAD` and `worktree list` answer, read from git's files instead of asked of a
// git process (each ~2-3 ms to spawn and run here), for a plain repo only: its .git a directory (not a linked
// worktree's or a submodule's .git file), refs kept as files (no reftable), no GIT_DIR or GIT_COMMON_DIR to honour.
// A loose ref is read before its packed line (git writes a loose ref by renaming a lock file over it, so it is
// whole, and deletes the packed line before the loose file when it deletes a ref). Anything else, or anything not
// as git writes it (a symbolic branch, a HEAD naming no ref or commit), gives undefined: the caller asks git.
// tests/git/ref-files.test.ts checks every answer against git's own on generated repos.
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from "node:fs";
import { dirname, isAbsolute, join, resolve } from "node:path";

/** A full object id, SHA-1 or SHA-256. */
export const OBJECT_ID = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/;

/** The repo's .git directory when its refs can be read from files here; undefined otherwise. */
export function plainGitDir(root: string): string | undefined {
  if (process.env.GIT_DIR || process.env.GIT_COMMON_DIR) return undefined;
  const gitDir = join(root, ".git");
  try {
    if (!statSync(gitDir).isDirectory() || existsSync(join(gitDir, "reftable")) || existsSync(join(gitDir, "commondir"))) return undefined;
  } catch {
    return undefined;
  }
  return gitDir;
}

const loose = (gitDir: string, name: string): string | undefined => {
  const path = join(gitDir, name);
  return existsSync(path) ? readFileSync(path, "utf8").trim() : undefined;
};

/** A ref's commit: its id, null when there is no such ref, undefined when it is not a plain one (symbolic, odd). */
export function readRef(gitDir: string, name: string): string | null | undefined {
  try {
    const id = loose(gitDir, name) ?? packedRefs(gitDir).get(name);
    if (id === undefined) return null;
    return OBJECT_ID.test(id) ? id : undefined;
  } catch {
    return undefined; // a directory where the ref would be (refs/heads/feat beside feat/x), unreadable: ask git
  }
}

function packedRefs(gitDir: string): Map<string, string> {
  const refs = new Map<string, string>();
  const path = join(gitDir, "packed-refs");
  if (!existsSync(path)) return refs;
  for (const line of readFileSync(path, "utf8").split("\n")) {
    const space = line.indexOf(" ");
    if (space > 0 && OBJECT_ID.test(line.slice(0, space))) refs.set(line.slice(space + 1), line.slice(0, space));
  }
  return refs;
}

/**
 * Every ref at or under each of `names` (a ref, or a prefix without its trailing "/"), by full name, loose over
 * packed; symbolic refs (origin/HEAD) are left out. undefined when one is not as git writes it.
 */
export function listRefs(gitDir: string, names: readonly string[]): Map<string, string> | undefined {
  try {
    const refs = new Map<string, string>();
    const wanted = (name: string) => names.some((n) => name === n || name.startsWith(`${n}/`));
    for (const [name, id] of packedRefs(gitDir)) if (wanted(name)) refs.set(name, id);
    const loose = (rel: string): boolean => {
      const st = statSync(join(gitDir, rel), { throwIfNoEntry: false });
      if (!st) return true;
      if (st.isDirectory()) return readdirSync(join(gitDir, rel)).every((n) => loose(`${rel}/${n}`));
      const id = readFileSync(join(gitDir, rel), "utf8").trim();
      if (id.startsWith("ref: ")) return true;
      if (!OBJECT_ID.test(id)) return false;
      refs.set(rel, id);
      return true;
    };
    return names.every(loose) ? refs : undefined;
  } catch {
    return undefined;
  }
}

/** A symbolic ref's target (`ref: refs/remotes/origin/main` → that name), "" when there is none; undefined when it is not one. */
export function readSymref(gitDir: string, name: string): string | undefined {
  try {
    const text = loose(gitDir, name);
    if (text === undefined) return "";
    return text.startsWith("ref: ") ? text.slice("ref: ".length) : undefined;
  } catch {
    return undefined;
  }
}

/** HEAD's commit and the branch checked out (undefined: detached); undefined when HEAD names no commit yet or is odd. */
export function readHead(gitDir: string): { sha: string; branch: string | undefined } | undefined {
  try {
    const head = loose(gitDir, "HEAD");
    if (head === undefined) return undefined;
    if (OBJECT_ID.test(head)) return { sha: head, branch: undefined };
    if (!head.startsWith("ref: refs/heads/")) return undefined;
    const name = head.slice("ref: ".length);
    const sha = readRef(gitDir, name);
    return sha ? { sha, branch: name.slice("refs/heads/".length) } : undefined;
  } catch {
    return undefined;
  }
}

/** `git worktree list --porcelain` as blue reads it: each worktree's path, the branch it has checked out (a full
 *  ref name, undefined when detached) and whether git would prune it (its directory is gone, and it is not locked).
 *  The main checkout comes first, at `root`'s real path. undefined: ask git. */
export function worktreesFromFiles(root: string): { path: string; branch?: string; prunable: boolean }[] | undefined {
  const gitDir = plainGitDir(root);
  if (!gitDir) return undefined;
  try {
    const head = (dir: string) => {
      const text = loose(dir, "HEAD");
      if (text === undefined) return undefined;
      if (text.startsWith("ref: ")) return { branch: text.slice("ref: ".length) as string | undefined };
      return OBJECT_ID.test(text) ? { branch: undefined } : undefined;
    };
    const main = head(gitDir);
    if (!main) return undefined;
    const out: { path: string; branch?: string; prunable: boolean }[] = [{ path: realpathSync(root), ...(main.branch ? { branch: main.branch } : {}), prunable: false }];
    const records = join(gitDir, "worktrees");
    if (!existsSync(records)) return out;
    for (const id of readdirSync(records).sort()) {
      const dir = join(records, id);
      const gitdirText = existsSync(join(dir, "gitdir")) ? readFileSync(join(dir, "gitdir"), "utf8").trim() : "";
      // The record names its worktree's .git file (relative to the record when git was told to write it so).
      const dotGit = gitdirText === "" ? "" : isAbsolute(gitdirText) ? gitdirText : resolve(dir, gitdirText);
      const at = head(dir);
      // Records git would list oddly (no gitdir, a HEAD it cannot read, a bare record): ask git.
      if (!dotGit || !at || !dotGit.endsWith("/.git")) return undefined;
      const prunable = !existsSync(dotGit) && !existsSync(join(dir, "locked"));
      out.push({ path: dirname(dotGit), ...(at.branch ? { branch: at.branch } : {}), prunable });
    }
    return out;
  } catch {
    return undefined;
  }
}
