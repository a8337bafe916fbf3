// Start-up cost of `blue --version` and `blue realm status` (warm daemon) in a member repo, beside the floor (a
// compiled Bun binary that only prints a string) and `git status` in the same repo; peak RSS of each.
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { BIN, mb, measure, ms, sandboxEnv, sh, twoRepoRealm, type Measured } from "./measure.ts";

export function benchStartup(): { lines: string[]; verdicts: string[] } {
  const runs = Number(process.env.BENCH_RUNS ?? 3) * 10;
  const { tmp, env } = sandboxEnv();
  const repo = twoRepoRealm(tmp, env);
  sh([BIN, "daemon", "start"], tmp, env);
  try {
    writeFileSync(join(tmp, "hello.ts"), 'console.log("blue 0.1.0");\n');
    sh(["bun", "build", "--compile", join(tmp, "hello.ts"), "--outfile", join(tmp, "hello")], tmp, env);
    const rows: [string, Measured][] = [
      ["compiled Bun hello-world (floor)", measure([join(tmp, "hello")], repo, env, { runs, warmup: 3 })],
      ["`git status` (same repo)", measure(["git", "status"], repo, env, { runs, warmup: 3 })],
      ["`blue --version`", measure([BIN, "--version"], repo, env, { runs, warmup: 3 })],
      ["`blue realm status` (warm daemon)", measure([BIN, "realm", "status"], repo, env, { runs, warmup: 3 })],
    ];
    const floor = rows[0]![1].median;
    const git = rows[1]![1].median;
    const lines = [
      "| command | median ms | min ms | vs floor | vs `git status` | peak RSS MB |",
      "|---|---|---|---|---|---|",
      ...rows.map(([name, m]) => `| ${name} | ${ms(m.median)} | ${ms(m.min)} | ${(m.median / floor).toFixed(2)}× | ${(m.median / git).toFixed(2)}× | ${mb(m.rssMB)} |`),
    ];
    const version = rows[2]![1].median;
    const status = rows[3]![1].median;
    const verdicts = [
      `blue --version: ${(version / floor).toFixed(2)}× the floor, ${(version / git).toFixed(2)}× git status`,
      `blue realm status (warm daemon): ${(status / floor).toFixed(2)}× the floor, ${(status / git).toFixed(2)}× git status, ${(status / version).toFixed(2)}× --version (issue 4's target ≤ 2×): ${status / version <= 2 ? "met" : "MISSED"}`,
    ];
    return { lines, verdicts };
  } finally {
    sh([BIN, "daemon", "stop"], tmp, env, [0, 1, 69]);
    rmSync(tmp, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  const { lines, verdicts } = benchStartup();
  console.log([...lines, "", ...verdicts].join("\n"));
}
