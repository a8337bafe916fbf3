// A lock file (O_EXCL create, holder's pid inside) so two blue processes never change the same thing at once.
// A lock whose holder is gone is stale and taken over.
import { closeSync, openSync, readFileSync, rmSync, statSync, writeSync } from "node:fs";
import { Refused } from "../errors.ts";
import { processAlive } from "./process-alive.ts";

function tryAcquire(path: string): boolean {
  try {
    const fd = openSync(path, "wx", 0o600);
    writeSync(fd, String(process.pid));
    closeSync(fd);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
  }
  const seen = readLock(path);
  if (!seen) return false; // released between our open and our read: try again
  const holder = Number.parseInt(seen.text.trim(), 10);
  if (Number.isFinite(holder) && holder > 0 ? processAlive(holder) : Date.now() - seen.mtimeMs < 5_000) return false;
  // Stale: its process is gone, or it never wrote its pid. Remove it (if it is still that file) and race again.
  removeIfStill(path, seen);
  return false;
}

export type SeenLock = { text: string; ino: number; mtimeMs: number };

export function readLock(path: string): SeenLock | undefined {
  try {
    const st = statSync(path);
    return { text: readFileSync(path, "utf8"), ino: st.ino, mtimeMs: st.mtimeMs };
  } catch {
    return undefined;
  }
}

/**
 * Remove the stale lock `seen`, unless another process already replaced it: two waiters can judge the same lock
 * stale, and the slower one must not remove the lock the faster one has taken since. So removals happen one at
 * a time, under `<lock>.break` (O_EXCL as well), after reading the lock again: while the stale file exists no
 * new lock can be created, so if it is still the same file, removing it removes no one's lock.
 */
export function removeIfStill(path: string, seen: SeenLock): void {
  const guard = `${path}.break`;
  try {
    closeSync(openSync(guard, "wx", 0o600));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    // Another process is removing it now. A guard is held for microseconds: an old one was left by a crash.
    try {
      if (Date.now() - statSync(guard).mtimeMs > 10_000) rmSync(guard, { force: true });
    } catch {}
    return;
  }
  try {
    const now = readLock(path);
    if (now && now.ino === seen.ino && now.mtimeMs === seen.mtimeMs && now.text === seen.text) rmSync(path, { force: true });
  } finally {
    rmSync(guard, { force: true });
  }
}

/** The lock at `path` if it is free now (its release), else undefined: for a caller that has another way to go
 *  when someone holds it (sync/in-sync.ts takes the full path, which waits). */
export function tryLock(path: string): (() => void) | undefined {
  return tryAcquire(path) ? () => rmSync(path, { force: true }) : undefined;
}

export async function withLock<T>(path: string, fn: () => Promise<T>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (!tryAcquire(path)) {
    if (Date.now() > deadline) {
      let holder = "another process";
      try {
        holder = `process ${readFileSync(path, "utf8").trim()}`;
      } catch {}
      throw new Refused(`${path} is held by ${holder}`, "Wait for that blue command to finish, or remove the lock file if no blue is running.");
    }
    await Bun.sleep(25 + Math.random() * 50);
  }
  try {
    return await fn();
  } finally {
    rmSync(path, { force: true });
  }
}
