// A lock file (O_EXCL create, holder's pid inside) so two blue processes never change the same thing at once.
// A lock whose holder is gone is stale and taken over.
import { closeSync, openSync, readFileSync, rmSync, statSync, writeSync } from "node:fs";
import { Refused } from "./errors.ts";
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
  let holder = Number.NaN;
  let age = 0;
  try {
    holder = Number.parseInt(readFileSync(path, "utf8").trim(), 10);
    age = Date.now() - statSync(path).mtimeMs;
  } catch {
    return false; // released between our open and our read: try again
  }
  if (Number.isFinite(holder) && holder > 0 ? processAlive(holder) : age < 5_000) return false;
  // Stale: its process is gone, or it never wrote its pid. Remove it and race for it again.
  rmSync(path, { force: true });
  return false;
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
