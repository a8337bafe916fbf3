// Every file blue writes goes to a temp file in the same directory first, then is renamed over the target,
// so a crash or a failed command never leaves a half-written file behind. The rename would give the target the
// temp file's mode: a file blue keeps private (0600) is written with that mode, any other keeps the mode it had.
import { chmodSync, mkdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, basename } from "node:path";

export function writeFileAtomic(path: string, content: string, mode?: number): void {
  mkdirSync(dirname(path), { recursive: true });
  const keep = mode ?? existingMode(path);
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  try {
    writeFileSync(tmp, content, keep === undefined ? undefined : { mode: keep });
    // The mode given to open is narrowed by the umask: set it exactly.
    if (keep !== undefined) chmodSync(tmp, keep);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

function existingMode(path: string): number | undefined {
  try {
    return statSync(path).mode & 0o7777;
  } catch {
    return undefined;
  }
}
