// Progress over repos shows on a terminal only, never in CI; the rate-limit wait line says until when.
import { describe, expect, test } from "bun:test";
import { clockTime, inCI, rateLimitText, repoProgress, spoken } from "../../src/ui/progress.ts";

function run(o: { tty: boolean; env: Record<string, string | undefined> }): string[] {
  const lines: string[] = [];
  const p = repoProgress({ ...o, write: (s) => lines.push(s) });
  p({ n: 2, total: 5, name: "fungal-image-analysis", doing: "opening PR" });
  return lines;
}

describe("repo progress", () => {
  test("on a terminal: one line per step, repo n of N", () => {
    expect(run({ tty: true, env: {} })).toEqual(["[2/5] fungal-image-analysis: opening PR…"]);
  });

  test("nothing when stderr is not a terminal, in CI, or with BLUE_QUIET", () => {
    expect(run({ tty: false, env: {} })).toEqual([]);
    expect(run({ tty: true, env: { CI: "true" } })).toEqual([]);
    expect(run({ tty: true, env: { CI: "1" } })).toEqual([]);
    expect(run({ tty: true, env: { BLUE_QUIET: "1" } })).toEqual([]);
    // CI=false is someone saying it is not CI.
    expect(run({ tty: true, env: { CI: "false" } })).toHaveLength(1);
  });

  test("inCI", () => {
    expect([undefined, "", "false", "0", "true", "TRUE", "1", "yes"].map((v) => inCI({ CI: v }))).toEqual([false, false, false, false, true, true, true, true]);
  });
});

describe("the rate-limit wait line", () => {
  test("names the forge, the local time the wait ends, how long, and the budget", () => {
    const until = new Date(2026, 10, 30, 14, 5, 10);
    expect(rateLimitText({ forge: "GitHub", until, ms: 123_000, maxWait: "10m" })).toBe("GitHub rate limit: waiting until 14:05:10 (2 min 3 s) — --max-wait 10m");
    expect(clockTime(new Date(2026, 0, 1, 9, 3, 7))).toBe("09:03:07");
  });

  test("spoken durations round up to the second", () => {
    expect([0, 999, 45_000, 60_000, 123_000, 3_900_000, 3_600_000].map(spoken)).toEqual(["0 s", "1 s", "45 s", "1 min", "2 min 3 s", "1 h 5 min", "1 h"]);
  });
});
