// The lock file blue takes before it changes a realm clone (or starts the daemon): one holder at a time, and a
// lock left by a process that is gone is taken over by exactly one of the processes waiting for it.
import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readLock, removeIfStill } from "../../src/system/lock.ts";

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
const HOLDER = join(import.meta.dir, "..", "fixtures", "lock-holder.ts");

/** Start `n` processes at once that each take the lock for `holdMs`; the intervals each held it. */
async function contend(lock: string, n: number, holdMs: number): Promise<[number, number][]> {
  const log = `${lock}.log`;
  const procs = Array.from({ length: n }, () => Bun.spawn(["bun", HOLDER, lock, log, String(holdMs)], { stdout: "ignore", stderr: "pipe" }));
  const codes = await Promise.all(procs.map((p) => p.exited));
  const errors = await Promise.all(procs.map((p) => new Response(p.stderr).text()));
  expect({ codes, errors: errors.filter(Boolean) }).toEqual({ codes: codes.map(() => 0), errors: [] });
  const held = new Map<string, [number, number]>();
  for (const line of readFileSync(log, "utf8").trim().split("\n")) {
    const [what, pid, at] = line.split(" ") as [string, string, string];
    const span = held.get(pid) ?? [0, 0];
    span[what === "enter" ? 0 : 1] = Number(at);
    held.set(pid, span);
  }
  return [...held.values()].sort((a, b) => a[0] - b[0]);
}

function overlaps(spans: [number, number][]): number {
  let n = 0;
  for (let i = 1; i < spans.length; i++) if (spans[i]![0] < spans[i - 1]![1]) n++;
  return n;
}

describe("withLock", () => {
  test("processes started at once hold it one at a time", async () => {
    const dir = mkdtempSync(join(tmpdir(), "blue-lock-"));
    dirs.push(dir);
    const spans = await contend(join(dir, "clone.lock"), 8, 20);
    expect(spans.length).toBe(8);
    expect(overlaps(spans)).toBe(0);
    expect(existsSync(join(dir, "clone.lock"))).toBe(false);
  }, 60_000);

  test("a lock left by a process that is gone is taken over by one waiter at a time, five rounds", async () => {
    for (let round = 0; round < 5; round++) {
      const dir = mkdtempSync(join(tmpdir(), "blue-lock-"));
      dirs.push(dir);
      const lock = join(dir, "clone.lock");
      writeFileSync(lock, String(Bun.spawnSync(["true"]).pid));
      const spans = await contend(lock, 10, 30);
      expect(spans.length).toBe(10);
      expect({ round, overlaps: overlaps(spans) }).toEqual({ round, overlaps: 0 });
    }
  }, 120_000);

  test("a waiter that judged a lock stale does not remove the lock another waiter has taken since", () => {
    const dir = mkdtempSync(join(tmpdir(), "blue-lock-"));
    dirs.push(dir);
    const lock = join(dir, "clone.lock");
    writeFileSync(lock, String(Bun.spawnSync(["true"]).pid));
    const seen = readLock(lock)!; // the slower waiter reads the stale lock...
    rmSync(lock); // ...the faster one removes it and takes the lock...
    writeFileSync(lock, String(process.pid));
    removeIfStill(lock, seen); // ...then the slower one goes on with what it saw.
    expect(readFileSync(lock, "utf8")).toBe(String(process.pid));
    expect(existsSync(`${lock}.break`)).toBe(false);
    removeIfStill(lock, readLock(lock)!); // the lock as it is now is removed
    expect(existsSync(lock)).toBe(false);
  });
});
