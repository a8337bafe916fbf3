// The in-process fuzz as bun tests: cases in chunks of a thousand (one test each, well inside the test timeout),
// split over two files so `bun test --parallel` runs them on two cores. BLUE_FUZZ_SEED picks the run (default 18),
// BLUE_FUZZ_CASES how many cases (default 10,000), BLUE_FUZZ_CASE replays one case alone.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describeFailure, runCase, SEED, type CaseResult } from "./harness.ts";
import { makeWorld, type World } from "./world.ts";

export const TOTAL = Number(process.env.BLUE_FUZZ_CASES ?? 10_000);
const CHUNK = 1000;
const ONLY = process.env.BLUE_FUZZ_CASE === undefined ? undefined : Number(process.env.BLUE_FUZZ_CASE);

/** The tests for cases [from, to) of the run. */
export function fuzzCases(from: number, to: number): void {
  let world: World;
  const saved = { BLUE_HOME: process.env.BLUE_HOME, XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR };
  const stats = { cases: 0, maxMs: 0, maxCase: -1, totalMs: 0, outcomes: new Map<string, number>() };
  beforeAll(() => {
    world = makeWorld(mkdtempSync(join(tmpdir(), "blue-fuzz-")));
    // This machine's approvals, and no daemon: the world's own.
    process.env.BLUE_HOME = world.home;
    process.env.XDG_RUNTIME_DIR = join(world.dir, "run");
  });
  afterAll(() => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    if (stats.cases > 1) {
      const outcomes = [...stats.outcomes].sort().map(([k, v]) => `${k} ${v}`).join(", ");
      console.error(`realm fuzz, seed ${SEED}, cases ${from}–${to - 1}: ${stats.cases} cases in ${(stats.totalMs / 1000).toFixed(1)} s, slowest ${stats.maxMs.toFixed(0)} ms (case ${stats.maxCase}); loads: ${outcomes}`);
    }
  });
  const record = (c: CaseResult) => {
    stats.cases++;
    stats.totalMs += c.ms;
    if (c.ms > stats.maxMs) [stats.maxMs, stats.maxCase] = [c.ms, c.index];
    const load = c.outcome.split(" ")[0]!;
    stats.outcomes.set(load, (stats.outcomes.get(load) ?? 0) + 1);
  };
  if (ONLY !== undefined) {
    if (ONLY < from || ONLY >= to) return;
    test(`case ${ONLY} of seed ${SEED}`, async () => {
      const c = await runCase(world, SEED, ONLY);
      record(c);
      console.error(describeFailure(SEED, c));
      expect(c.failures).toEqual([]);
    });
    return;
  }
  for (let start = from; start < Math.min(to, TOTAL); start += CHUNK) {
    const end = Math.min(start + CHUNK, to, TOTAL);
    test(`cases ${start}–${end - 1}: no internal error, every exit code in the README's table with file:line:col, nothing unconsented run, none over 2 s`, async () => {
      const failed: string[] = [];
      for (let i = start; i < end; i++) {
        const c = await runCase(world, SEED, i);
        record(c);
        if (c.failures.length > 0) failed.push(describeFailure(SEED, c));
      }
      expect(failed).toEqual([]);
    });
  }
}
