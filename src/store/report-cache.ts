// What a whole `blue realm check` report was computed from, so a repeated check with nothing changed prints the
// report it printed before without loading the realm. A report depends on files: the realm clone's tree (every
// file and directory but .git), the refs git resolves the published state from (.git/HEAD, packed-refs, refs/),
// and in a member repo its .blue/config.yaml and the files its exports are read from. Each is kept as git's index
// keeps a file: size, mtime, ctime and inode (a directory's mtime moves when an entry is added or removed), plus
// the sha256 of its content when it changed less than RACY_MS before the snapshot, since a second write within
// one timestamp tick could otherwise leave all four unchanged. Snapshots are taken before the check reads
// anything, so a file written during the check no longer matches and the next check starts afresh.
// Light on purpose: a warm `check` loads this module, the cache and the renderer, nothing else.
import { lstatSync, readdirSync, readFileSync, statSync, type Stats } from "node:fs";
import { join } from "node:path";

export const RACY_MS = 2_000;

/** [path relative to its tree's root, kind ("f" file, "d" directory, "-" absent), size, mtime ms, ctime ms, inode, sha256 if racy].
 *  Times are the float milliseconds of a plain stat: exact to a fraction of a microsecond, which is all the
 *  comparison needs (a file written within one tick of its stamp is racy and hashed), and no BigInt to convert. */
export type DepEntry = [string, "f" | "d" | "-", number, number, number, number, string?];
/** The files a report was computed from, by the tree they are under. */
export type Deps = { root: string; entries: DepEntry[] }[];

/** Collects a report's dependencies as a check reads them. A dependency that cannot be pinned down (a symlink in
 *  the realm tree, a git dir that is not a plain directory, a hook's verdict) makes the report unrepeatable. */
export class DepRecorder {
  /** By tree root, each path's stamp by its relative path: recorded once, at the first (earliest) look. */
  private readonly trees = new Map<string, Map<string, DepEntry>>();
  private why: string | undefined;

  constructor(private readonly now: () => number = Date.now) {}

  /** Why this report cannot be reused (undefined: it can). */
  get unrepeatable(): string | undefined {
    return this.why;
  }

  /** Nothing is kept for this report: it depends on something that is not a file (a program's output). */
  volatile(why: string): void {
    this.why ??= why;
  }

  /** One file or directory (not its contents), present or absent. */
  path(root: string, rel: string): void {
    if (this.why) return;
    const entries = this.entries(root);
    if (entries.has(rel)) return;
    const dep = stamp(root, rel, this.now());
    if (dep === "symlink") this.volatile(`${join(root, rel)} is a symbolic link`);
    else entries.set(rel, dep);
  }

  /** Every file and directory under root (root itself included), except those `skip` names. */
  walk(root: string, skip: (rel: string) => boolean): void {
    if (this.why) return;
    const now = this.now();
    const entries = this.entries(root);
    const visit = (rel: string): void => {
      const dep = entries.get(rel) ?? stamp(root, rel, now);
      if (dep === "symlink") return this.volatile(`${join(root, rel)} is a symbolic link`);
      entries.set(rel, dep);
      if (dep[1] !== "d") return;
      for (const name of readdirSync(join(root, rel)).sort()) {
        const child = rel ? `${rel}/${name}` : name;
        if (!skip(child)) visit(child);
        if (this.why) return;
      }
    };
    visit("");
  }

  /** The realm clone: its tree, and what `git rev-parse HEAD origin/main` reads. */
  realm(dir: string): void {
    this.walk(dir, (rel) => rel === ".git");
    const dotGit = statSync(join(dir, ".git"), { throwIfNoEntry: false });
    if (!dotGit) return this.path(dir, ".git");
    // A worktree's or submodule's .git file, or refs kept in a reftable: not pinned down by these files.
    if (!dotGit.isDirectory()) return this.volatile(`${dir}/.git is not a directory`);
    if (statSync(join(dir, ".git", "reftable"), { throwIfNoEntry: false })) return this.volatile(`${dir} keeps its refs in a reftable`);
    this.path(dir, ".git/HEAD");
    this.path(dir, ".git/packed-refs");
    this.walk(join(dir, ".git", "refs"), () => false);
  }

  private entries(root: string): Map<string, DepEntry> {
    let entries = this.trees.get(root);
    if (!entries) {
      entries = new Map();
      this.trees.set(root, entries);
    }
    return entries;
  }

  deps(): Deps {
    return [...this.trees].map(([root, entries]) => ({ root, entries: [...entries.values()] }));
  }
}

/** Whether every dependency is as it was; when so, `fresh` is the same list with hashes dropped where a file is
 *  no longer racy (the caller may store it, so later checks need not read those files again). */
export function verifyDeps(deps: Deps, now: number = Date.now()): { ok: false } | { ok: true; fresh?: Deps } {
  let rewritten = false;
  const fresh: Deps = [];
  for (const { root, entries } of deps) {
    const out: DepEntry[] = [];
    for (const e of entries) {
      const [rel, kind, size, mtime, ctime, ino, hash] = e;
      const p = rel ? join(root, rel) : root;
      const s = statOf(p, rel);
      if (!s) {
        if (kind !== "-") return { ok: false };
        out.push(e);
        continue;
      }
      if (kind !== kindOf(s) || s.size !== size || s.mtimeMs !== mtime || s.ctimeMs !== ctime || s.ino !== ino) return { ok: false };
      if (hash === undefined) {
        out.push(e);
        continue;
      }
      if (contentHash(p, kind) !== hash) return { ok: false };
      if (s.mtimeMs <= now - RACY_MS) {
        out.push([rel, kind, size, mtime, ctime, ino]);
        rewritten = true;
      } else out.push(e);
    }
    fresh.push({ root, entries: out });
  }
  return rewritten ? { ok: true, fresh } : { ok: true };
}

function kindOf(s: Stats): "f" | "d" {
  return s.isDirectory() ? "d" : "f";
}

/** A tree's root is followed if it is a link (a home under a linked /tmp); nothing inside it is. */
function statOf(p: string, rel: string): Stats | undefined {
  return rel ? lstatSync(p, { throwIfNoEntry: false }) : statSync(p, { throwIfNoEntry: false });
}

function stamp(root: string, rel: string, now: number): DepEntry | "symlink" {
  const p = rel ? join(root, rel) : root;
  const s = statOf(p, rel);
  if (!s) return [rel, "-", 0, 0, 0, 0];
  if (s.isSymbolicLink()) return "symlink";
  const kind = kindOf(s);
  const entry: DepEntry = [rel, kind, s.size, s.mtimeMs, s.ctimeMs, s.ino];
  // Only the mtime can be racy: any later write sets it to a later tick than one this old.
  if (s.mtimeMs > now - RACY_MS) entry.push(contentHash(p, kind));
  return entry;
}

/** A file's sha256, or a directory's: of its sorted entry names. */
function contentHash(p: string, kind: "f" | "d" | "-"): string {
  const h = new Bun.CryptoHasher("sha256");
  if (kind === "d") h.update(readdirSync(p).sort().join("\0"));
  else if (kind === "f") h.update(readFileSync(p));
  return h.digest("hex");
}
