// Where a repo's cache lives, found without opening it (so a repeated check can look for its report before
// loading SQLite): a member repo's .blue/cache.db, or the realm repo's, inside its git dir; and beside either,
// the directory of whole reports (report-cache.ts).
import { existsSync, readFileSync, statSync } from "node:fs";
import { isAbsolute, join } from "node:path";

/** `<repoRoot>/.blue/cache.db`: a member repo's cache (ignored by git: join adds `.blue/cache.db*` to .gitignore). */
export function cachePathForRepo(repoRoot: string): string {
  return join(repoRoot, ".blue", "cache.db");
}

/** In the realm repo itself (no member repo): inside its git dir, where it is never committed or seen. */
export function cachePathForRealm(realmDir: string): string {
  const dotGit = join(realmDir, ".git");
  let gitDir = dotGit;
  if (existsSync(dotGit) && statSync(dotGit).isFile()) {
    // A worktree or submodule: `.git` is a file naming the real git dir.
    const m = /^gitdir:\s*(.+)$/m.exec(readFileSync(dotGit, "utf8"));
    const named = m?.[1]?.trim();
    if (named) gitDir = isAbsolute(named) ? named : join(realmDir, named);
  }
  return join(gitDir, "blue-cache.db");
}

/** The whole reports kept beside a cache.db: `.blue/cache.db-reports/`, which `.blue/cache.db*` ignores too. */
export function reportsDirFor(cachePath: string): string {
  return `${cachePath}-reports`;
}
