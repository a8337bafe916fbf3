// The temporary worktrees blue makes inside a realm clone's .git (one commit on a sync branch, one plain-git
// merge). Each is named with the pid of the process that made it, so a later run tells one whose process died
// (kill -9, a crash, a closed terminal) from one a live process is using, and removes only the first.
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { processAlive } from "../system/process-alive.ts";
import { runBounded } from "../system/subprocess.ts";

export type ScratchKind = "sync" | "merge";

const NAME = /^blue-(sync|merge)-(?:(\d+)-)?[A-Za-z0-9]{6}$/;
// Names from before the pid was recorded: a sync lasts seconds, so one this old has no process behind it.
const UNOWNED_AFTER_MS = 10 * 60 * 1000;
const GIT_MS = 60_000;

const gitIn = (dir: string, args: string[]) => runBounded(["git", ...args], { cwd: dir, env: { ...process.env, GIT_TERMINAL_PROMPT: "0" }, timeoutMs: GIT_MS });

/** A new empty directory for a scratch worktree of `clone`, named for this process. */
export function scratchDir(clone: string, kind: ScratchKind): string {
  return mkdtempSync(join(clone, ".git", `blue-${kind}-${process.pid}-`));
}

/** Remove a scratch worktree: its directory and git's record of it (the record by `git worktree remove` when it
 *  is a worktree; `prune` only when that failed, e.g. a directory `worktree add` never finished). */
export async function removeScratch(clone: string, dir: string): Promise<void> {
  const removed = await gitIn(clone, ["worktree", "remove", "--force", "--force", dir]);
  rmSync(dir, { recursive: true, force: true });
  if (removed.code !== 0) await gitIn(clone, ["worktree", "prune"]);
}

/** Whether the scratch directory `name` (made at `mtimeMs`) belongs to no live process. */
export function abandoned(name: string, mtimeMs: number, now = Date.now()): boolean {
  const m = NAME.exec(name);
  if (!m) return false;
  return m[2] ? !processAlive(Number(m[2])) : now - mtimeMs > UNOWNED_AFTER_MS;
}

/**
 * Remove the scratch worktrees left in `clone` by processes that are gone, and git's records of worktrees
 * whose directory is gone (`git worktree prune`). Returns the directories removed.
 */
export async function removeLeftoverWorktrees(clone: string): Promise<string[]> {
  const gitDir = join(clone, ".git");
  let names: string[];
  try {
    names = readdirSync(gitDir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  // git keeps a record per worktree in .git/worktrees: with none, there is nothing to prune (no process spawned).
  const records = names.includes("worktrees") && readdirSafe(join(gitDir, "worktrees")).length > 0;
  for (const name of names) {
    const dir = join(gitDir, name);
    let mtimeMs: number;
    try {
      mtimeMs = statSync(dir).mtimeMs;
    } catch {
      continue;
    }
    if (!abandoned(name, mtimeMs)) continue;
    // A process killed inside `git worktree add` leaves its record locked ("initializing"): unlock it first.
    await gitIn(clone, ["worktree", "unlock", dir]);
    await removeScratch(clone, dir);
    removed.push(dir);
  }
  if (records || removed.length > 0) await gitIn(clone, ["worktree", "prune"]);
  return removed;
}

function readdirSafe(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
