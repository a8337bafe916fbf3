// Timing and memory of one command, for the benchmarks: wall time over several runs (median), and peak RSS
// from GNU time when it is installed (else Bun's rusage, which counts a spawned process less exactly).
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { gitEnv } from "./generate-realm.ts";

export const ROOT = resolve(import.meta.dir, "..");
// BENCH_BIN: another build to measure (an older commit's, for a before/after in one sitting).
export const BIN = process.env.BENCH_BIN ?? join(ROOT, "dist/blue");
const GNU_TIME = "/usr/bin/time";

export type Measured = { median: number; min: number; runs: number; rssMB: number };

/** A sandbox like the e2e tests': its own BLUE_HOME, runtime dir, daemon port 0 and git identity. */
export function sandboxEnv(): { tmp: string; env: Record<string, string> } {
  const tmp = mkdtempSync(join(tmpdir(), "blue-bench-"));
  const gitconfig = join(tmp, "gitconfig");
  writeFileSync(gitconfig, "[user]\n\tname = Bench\n\temail = bench@example.com\n[init]\n\tdefaultBranch = main\n");
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith("BLUE_") && !k.startsWith("GIT_")) env[k] = v;
  Object.assign(env, { BLUE_HOME: join(tmp, "home"), XDG_RUNTIME_DIR: join(tmp, "run"), BLUE_DAEMON_PORT: "0", BLUE_REALM_FETCH_SECONDS: "0", GIT_CONFIG_GLOBAL: gitconfig, GIT_CONFIG_NOSYSTEM: "1" });
  return { tmp, env };
}

/** The RFC's two-repo realm: `aperture` joined to realm `bench` with one domain, under `tmp`; returns aperture's path. */
export function twoRepoRealm(tmp: string, env: Record<string, string>): string {
  const repo = join(tmp, "aperture");
  mkdirSync(repo);
  sh(["git", "init", "-q"], repo, env);
  writeFileSync(join(repo, "README.md"), "# aperture\n");
  sh(["git", "add", "README.md"], repo, env);
  sh(["git", "commit", "-qm", "initial"], repo, env);
  sh([BIN, "realm", "admin", "init", "--name", "bench"], tmp, env);
  sh([BIN, "realm", "admin", "join", "bench"], repo, env);
  sh([BIN, "realm", "admin", "domain", "create", "s3-access", "--repos", "aperture,fungal", "--contract", "s3-permissions"], repo, env);
  return repo;
}

export function sh(cmd: string[], cwd: string, env: Record<string, string>, okCodes = [0]): string {
  const r = Bun.spawnSync(cmd, { cwd, env, stdout: "pipe", stderr: "pipe" });
  if (!okCodes.includes(r.exitCode)) throw new Error(`${cmd.join(" ")} exited ${r.exitCode}: ${r.stderr.toString()}`);
  return r.stdout.toString();
}

/** Run `cmd` `runs` times (after `before()` each time, untimed), under GNU time when it is installed so each run
 *  also gives its peak RSS (its own start costs every command the same ~1 ms). */
export function measure(cmd: string[], cwd: string, env: Record<string, string>, opts: { runs: number; warmup?: number; before?: () => void; okCodes?: number[] }): Measured {
  const okCodes = opts.okCodes ?? [0, 1, 2];
  const wrapped = existsSync(GNU_TIME) ? [GNU_TIME, "-f", "%M", ...cmd] : cmd;
  for (let i = 0; i < (opts.warmup ?? 0); i++) {
    opts.before?.();
    sh(cmd, cwd, env, okCodes);
  }
  const times: number[] = [];
  let rssKB = 0;
  for (let i = 0; i < opts.runs; i++) {
    opts.before?.();
    const t = performance.now();
    const r = Bun.spawnSync(wrapped, { cwd, env, stdout: "pipe", stderr: "pipe" });
    times.push(performance.now() - t);
    if (!okCodes.includes(r.exitCode)) throw new Error(`${cmd.join(" ")} exited ${r.exitCode}: ${r.stderr.toString()}`);
    const kb = wrapped === cmd ? (r.resourceUsage?.maxRSS ?? 0) / 1024 : Number(r.stderr.toString().trim().split("\n").pop());
    if (Number.isFinite(kb)) rssKB = Math.max(rssKB, kb);
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(times.length / 2)]!, min: times[0]!, runs: times.length, rssMB: rssKB / 1024 };
}

export function gitIn(dir: string): (args: string[]) => void {
  return (args) => {
    const r = Bun.spawnSync(["git", ...args], { cwd: dir, env: { ...process.env, ...gitEnv() }, stderr: "pipe" });
    if (r.exitCode !== 0) throw new Error(`git ${args.join(" ")}: ${r.stderr.toString()}`);
  };
}

export const ms = (x: number) => (x >= 100 ? x.toFixed(0) : x.toFixed(1));
export const mb = (x: number) => x.toFixed(0);
