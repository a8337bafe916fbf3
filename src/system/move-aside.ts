// A file blue owns that it cannot read is never deleted: it is renamed beside itself, `<name>.corrupt-<UTC time>`,
// so the user can still look at it, and blue starts a new one.
import { existsSync, renameSync } from "node:fs";

/** `20261130T094012Z`: sortable, and without the colons some file systems refuse. */
export function asideStamp(now: Date): string {
  return now.toISOString().replace(/\.\d+Z$/, "Z").replace(/[-:]/g, "");
}

/**
 * Rename `path` (and `path + s` for each of `companions`, e.g. SQLite's -wal and -shm) to `<path>.corrupt-<time>`.
 * Returns the new path, or undefined when `path` is already gone (another process moved it first: the rename is
 * atomic, so exactly one wins).
 */
export function moveAside(path: string, now: Date, companions: readonly string[] = []): string | undefined {
  let aside = `${path}.corrupt-${asideStamp(now)}`;
  if (existsSync(aside)) aside = `${aside}-${process.pid}`;
  try {
    renameSync(path, aside);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw e;
  }
  for (const ext of companions) {
    try {
      renameSync(path + ext, aside + ext);
    } catch {}
  }
  return aside;
}
