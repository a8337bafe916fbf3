// BLUE_HOME and the runtime dir hold repo paths, sessions, notifications, the daemon's token and this machine's
// approvals: only their owner may read them. The directories are 0700 and every file blue itself writes there is
// 0600; git's own files in realms/ and remotes/ are covered by the directory's mode.
import { chmodSync, closeSync, mkdirSync, openSync, statSync } from "node:fs";
import { dirname } from "node:path";
import { blueHome } from "./home.ts";

export const PRIVATE_DIR = 0o700;
export const PRIVATE_FILE = 0o600;

/** Create `dir` as 0700 (its parents as usual), or tighten an existing one that others can read. */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dirname(dir), { recursive: true });
  try {
    mkdirSync(dir, { mode: PRIVATE_DIR });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
  }
  tighten(dir, PRIVATE_DIR);
}

/** Tighten an existing BLUE_HOME that others can read (one that older blue versions created 0755); a home that
 *  does not exist is left for the command that needs it to create. */
export function tightenBlueHome(): void {
  tighten(blueHome(), PRIVATE_DIR);
}

/** Make an existing file 0600 if others can read it; nothing if it does not exist. */
export function restrictFile(path: string): void {
  tighten(path, PRIVATE_FILE);
}

/** Create `path` empty and 0600 if it does not exist (a file others then open, e.g. SQLite, keeps that mode),
 *  or tighten it if it does. */
export function createPrivateFile(path: string): void {
  closeSync(openSync(path, "a", PRIVATE_FILE));
  restrictFile(path);
}

function tighten(path: string, mode: number): void {
  let current: number;
  try {
    current = statSync(path).mode & 0o777;
  } catch {
    return;
  }
  if ((current & 0o077) === 0) return;
  try {
    chmodSync(path, mode);
  } catch (e) {
    // A shared directory someone else owns (/var/run/blue made by an admin) is theirs to set.
    if ((e as NodeJS.ErrnoException).code !== "EPERM") throw e;
  }
}
