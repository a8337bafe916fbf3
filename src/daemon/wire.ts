// What both ends of the daemon API agree on outside its Zod schemas, so the CLI can use it without loading zod.

/** Every answer names the daemon's version: a client that sees its own skips asking /health first. */
export const VERSION_HEADER = "x-blue-version";

/** What a notification's `changes` may hold in all (UTF-8 bytes of its lines): the daemon refuses more, and the
 *  CLI cuts what it sends to fit (fitChanges). A change list is a few lines per contract version. */
export const CHANGES_MAX_BYTES = 64 * 1024;
/** One line of `changes`. */
export const CHANGE_LINE_MAX = 4096;
/** How many lines `changes` may have. */
export const CHANGES_MAX_LINES = 1000;

/** The byte size `changes` counts against CHANGES_MAX_BYTES: its lines, in UTF-8. */
export function changesBytes(changes: readonly string[]): number {
  let n = 0;
  for (const c of changes) n += Buffer.byteLength(c, "utf8");
  return n;
}

/** `changes` cut to what the daemon takes: long lines shortened, and the lines past the limits replaced by one
 *  that says how many were left out (the realm's evolution entry keeps them all). */
export function fitChanges(changes: readonly string[]): string[] {
  const lines = changes.map((c) => (c.length > CHANGE_LINE_MAX ? `${c.slice(0, CHANGE_LINE_MAX - 1)}…` : c));
  const room = CHANGES_MAX_BYTES - 100; // the "… n more" line
  const kept: string[] = [];
  let bytes = 0;
  for (const line of lines) {
    const size = Buffer.byteLength(line, "utf8");
    if (kept.length >= CHANGES_MAX_LINES - 1 || bytes + size > room) break;
    kept.push(line);
    bytes += size;
  }
  return kept.length === lines.length ? lines : [...kept, `… and ${lines.length - kept.length} more (see the contract's evolution)`];
}
