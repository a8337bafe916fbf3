// What a whole `blue realm check` report was computed from, so a repeated check with nothing changed prints the
// report it printed before without loading the realm. A report depends on files: the realm clone's tree (every
// file and directory but .git), the refs git resolves the published state from (.git/HEAD, packed-refs, refs/),
// and in a member repo its .blue/config.yaml, the files its exports are read from and their schema_files. Each
// is kept as git's index keeps a file: size, mtime, ctime and inode (a directory's mtime moves when an entry is
// added or removed), plus the sha256 of its content when it changed less than RACY_MS before the snapshot, since
// a second write within one timestamp tick could otherwise leave all four unchanged. Snapshots are taken before the check reads
// anything, so a file written during the check no longer matches and the next check starts afresh.
//
// Reports are kept as files beside cache.db, not in it: a repeated check then reads one file and never loads
// SQLite (opening, reading and closing it was ~1.3 ms of a ~10 ms repeat at 100 contracts, bench/README.md).
// Light on purpose: a repeated check loads this module and nothing else of the cache.
import { appendFileSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, type Stats } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "../system/atomic-write.ts";
import { PRIVATE_FILE } from "../system/private.ts";

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
  // The loop a repeated check spends its time in, and it runs cold (interpreted, or just compiled): indexed
  // access rather than destructuring (the iterator protocol), the mode bits rather than Stats methods, no path
  // joining, no helper calls, nothing allocated unless a hash can be dropped. Written the plain way it took
  // ~0.9 ms of a 100-contract repeat; this way ~0.35 ms (bench/README.md).
  let fresh: Deps | undefined;
  for (let t = 0; t < deps.length; t++) {
    const { root, entries } = deps[t]!;
    const prefix = root.endsWith("/") ? root : `${root}/`;
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i]!;
      const rel = e[0];
      const p = rel ? prefix + rel : root;
      const s = rel ? lstatSync(p, MAY_BE_ABSENT) : statSync(p, MAY_BE_ABSENT);
      if (!s) {
        if (e[1] !== "-") return { ok: false };
        continue;
      }
      if (s.mtimeMs !== e[3] || s.size !== e[2] || s.ctimeMs !== e[4] || s.ino !== e[5] || e[1] !== ((s.mode & S_IFMT) === S_IFDIR ? "d" : "f")) return { ok: false };
      const hash = e[6];
      if (hash === undefined) continue;
      if (contentHash(p, e[1]) !== hash) return { ok: false };
      if (s.mtimeMs <= now - RACY_MS) {
        fresh ??= deps.map((d) => ({ root: d.root, entries: [...d.entries] }));
        fresh[t]!.entries[i] = [rel, e[1], e[2], e[3], e[4], e[5]];
      }
    }
  }
  return fresh ? { ok: true, fresh } : { ok: true };
}

const S_IFMT = 0o170000;
const S_IFDIR = 0o040000;

const MAY_BE_ABSENT = { throwIfNoEntry: false } as const;

function kindOf(s: Stats): "f" | "d" {
  return (s.mode & S_IFMT) === S_IFDIR ? "d" : "f";
}

/** A tree's root is followed if it is a link (a home under a linked /tmp); nothing inside it is. */
function statOf(p: string, rel: string): Stats | undefined {
  return rel ? lstatSync(p, MAY_BE_ABSENT) : statSync(p, MAY_BE_ABSENT);
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

/** Reports kept per cache (each can be large: ~180 KB at 1,000 contracts); older ones go when a new one is kept. */
export const REPORTS_KEPT = 32;

/** The kept reports of one cache: a file per question (its key), holding a line of JSON with the files the report
 *  was computed from, then the report as the caller keeps it (`T`, as JSON). Written to a temp file and renamed,
 *  so a reader sees a whole file or none. Each lookup appends one byte to `hits` or `misses` (O_APPEND:
 *  concurrent checks lose no count). */
export class ReportStore<T> {
  constructor(
    readonly dir: string,
    private readonly warn: (message: string) => void = () => {},
    private readonly now: () => number = Date.now,
  ) {}

  /** The report kept for this question, if every file it was computed from is unchanged; the lookup is counted. */
  get(key: string): { deps: Deps; value: T } | undefined {
    const kept = this.read(key);
    const checked = kept ? verifyDeps(kept.deps, this.now()) : ({ ok: false } as const);
    const value = kept && checked.ok ? parsed<T>(kept.body) : undefined;
    this.count(value !== undefined ? "hits" : "misses");
    if (!kept || !checked.ok || value === undefined) return undefined;
    // Files too new to trust by their stamps alone are now old enough: later checks need not hash them.
    if (checked.fresh) this.write(key, checked.fresh, kept.body);
    return { deps: checked.fresh ?? kept.deps, value };
  }

  /** Keep a report (or a new form of one already kept: pass the deps `get` gave). */
  put(key: string, deps: Deps, value: T): void {
    if (this.write(key, deps, JSON.stringify(value))) this.prune();
  }

  stats(): { entries: number; hits: number; misses: number } {
    const size = (name: string) => statSync(join(this.dir, name), MAY_BE_ABSENT)?.size ?? 0;
    return { entries: this.keys().length, hits: size("hits"), misses: size("misses") };
  }

  /** Every report and count removed. */
  clear(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }

  private read(key: string): { deps: Deps; body: string } | undefined {
    let text: string;
    try {
      text = readFileSync(join(this.dir, key), "utf8");
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") this.warn(`cache ${this.dir} cannot be read, running without it: ${(e as Error).message}`);
      return undefined;
    }
    // A file that is not whole (cut short by a full disk or a crash) or not blue's is a miss, and is replaced.
    const nl = text.indexOf("\n");
    try {
      const head = JSON.parse(text.slice(0, nl)) as { deps?: Deps; length?: number };
      const body = text.slice(nl + 1);
      return nl > 0 && Array.isArray(head.deps) && head.length === body.length ? { deps: head.deps, body } : undefined;
    } catch {
      return undefined;
    }
  }

  private write(key: string, deps: Deps, body: string): boolean {
    try {
      this.ensureDir();
      writeFileAtomic(join(this.dir, key), `${JSON.stringify({ deps, length: body.length })}\n${body}`, PRIVATE_FILE);
      return true;
    } catch (e) {
      this.warn(`cache ${this.dir} cannot be written, the report is not kept: ${(e as Error).message}`);
      return false;
    }
  }

  /** The most recently kept reports stay; several processes may prune at once (a file already gone is fine). */
  private prune(): void {
    const keys = this.keys();
    if (keys.length <= REPORTS_KEPT) return;
    const byAge = keys.map((k) => ({ k, t: statSync(join(this.dir, k), MAY_BE_ABSENT)?.mtimeMs ?? 0 })).sort((a, b) => b.t - a.t || (a.k < b.k ? -1 : 1));
    for (const { k } of byAge.slice(REPORTS_KEPT)) rmSync(join(this.dir, k), { force: true });
  }

  private keys(): string[] {
    try {
      return readdirSync(this.dir).filter((n) => /^[0-9a-f]{64}$/.test(n));
    } catch {
      return [];
    }
  }

  private count(what: "hits" | "misses"): void {
    // A count that cannot be kept never fails a check. The directory is made only when it is missing: a hit
    // found it already, and pays no extra stat.
    try {
      appendFileSync(join(this.dir, what), "+", { mode: PRIVATE_FILE });
    } catch {
      try {
        this.ensureDir();
        appendFileSync(join(this.dir, what), "+", { mode: PRIVATE_FILE });
      } catch {}
    }
  }

  private ensureDir(): void {
    if (statSync(this.dir, MAY_BE_ABSENT)) return;
    mkdirSync(this.dir, { recursive: true });
    // Ignored by git whatever the repo's .gitignore says (an older one may name only cache.db).
    writeFileAtomic(join(this.dir, ".gitignore"), "*\n");
  }
}

function parsed<T>(json: string): T | undefined {
  try {
    return JSON.parse(json) as T;
  } catch {
    return undefined;
  }
}
