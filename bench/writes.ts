// `bun run bench:writes` (and the "write commands" section of `bun run bench`, issue 23): each write command of
// blue against the plain git that does the same work (bench/writes-floors.ts), interleaved in one run on local
// bare remotes, with the ratio of the medians; what each spawns and where its time goes (bench/spawn-trace.ts,
// from a first run of each under strace that is not timed); and the scale row: `sync` of one contract in a
// 200-repo / 1,000-contract realm against the same in a two-repo realm.
// Knobs: BENCH_WRITE_RUNS (timed cycles, default 15), BENCH_SCALE_RUNS (default 9), BENCH_SKIP_SCALE=1.
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadAverage, writeSection } from "./compat.ts";
import { BIN, ms, sh } from "./measure.ts";
import { canTrace, traceFile, traceRun, type Trace } from "./spawn-trace.ts";
import { FLOORS, type FloorName } from "./writes-floors.ts";
import { plainRepo, scaleWorld, smallWorld, VALUE, type Env } from "./writes-world.ts";

type Row = { name: string; floor: FloorName; target: number; blue: number[]; git: number[]; blueTrace?: Trace; gitTrace?: Trace };

const ROWS: [string, FloorName, number][] = [
  ["`realm admin join`", "join", 3],
  ["`realm admin domain create`", "domain", 3],
  ["`realm sync`: provider change", "provider", 3],
  ["`realm sync`: consumer acknowledgement (and both merges)", "ack", 3],
  ["`realm sync`: already in sync (floor: `git fetch` alone)", "insync", 2],
  ["`realm worktree --rfc` (2 repos)", "worktree", 3],
  ["`realm pr`, plain git (2 repos)", "pr", 3],
];

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const quartiles = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return [s[Math.floor((s.length - 1) / 4)]!, s[Math.ceil(((s.length - 1) * 3) / 4)]!] as const;
};

function timed(argv: string[], cwd: string, env: Env): number {
  const t = performance.now();
  const r = Bun.spawnSync(argv, { cwd, env, stdout: "pipe", stderr: "pipe" });
  const took = performance.now() - t;
  if (r.exitCode !== 0) throw new Error(`${argv.join(" ")} (in ${cwd}) exited ${r.exitCode}: ${r.stderr.toString()}${r.stdout.toString()}`);
  return took;
}

export function benchWrites(): { lines: string[]; verdicts: string[]; notes: string[] } {
  const runs = Number(process.env.BENCH_WRITE_RUNS ?? 15);
  const w = smallWorld();
  const { env, tmp } = w;
  const scripts = Object.fromEntries(Object.entries(FLOORS).map(([k, v]) => {
    const f = join(tmp, `floor-${k}.sh`);
    writeFileSync(f, v);
    return [k, f];
  })) as Record<FloorName, string>;
  const rows: Row[] = ROWS.map(([name, floor, target]) => ({ name, floor, target, blue: [], git: [] }));
  const row = (f: FloorName) => rows.find((r) => r.floor === f)!;
  try {
    // Cycle 0 runs each side once under strace (processes, profile) and is not timed.
    for (let i = 0; i <= runs; i++) {
      const traced = i === 0 && canTrace();
      const scratch = join(tmp, `scratch-${i}`);
      const fenv: Env = { ...env, N: String(i), W: scratch, APERTURE: w.aperture, FUNGAL: w.fungal, REPO: join(tmp, `floor-repo-${i}`) };
      const pair = (f: FloorName, blueArgv: string[], blueCwd: string) => {
        const r = row(f);
        const runBlue = () => {
          if (traced) r.blueTrace = traceRun([BIN, ...blueArgv], blueCwd, env, traceFile(tmp, `blue-${f}`));
          else r.blue.push(timed([BIN, ...blueArgv], blueCwd, env));
        };
        const runGit = () => {
          if (traced) r.gitTrace = traceRun(["/bin/sh", "-e", scripts[f]], w.floorClone, fenv, traceFile(tmp, `git-${f}`));
          else r.git.push(timed(["/bin/sh", "-e", scripts[f]], w.floorClone, fenv));
        };
        // Alternate which side goes first, so neither always meets a just-warmed cache.
        if (i % 2) {
          runGit();
          runBlue();
        } else {
          runBlue();
          runGit();
        }
      };
      const joiner = plainRepo(join(tmp, `joiner-${i}`), env);
      plainRepo(fenv.REPO!, env);
      pair("join", ["realm", "admin", "join", "bench"], joiner);
      pair("domain", ["realm", "admin", "domain", "create", `d-${i}`, "--repos", "aperture,fungal", "--contract", `c-${i}`], w.aperture);
      w.writeCode({ ...VALUE, write: [...VALUE.write, `run-${i}/*`] });
      pair("provider", ["realm", "sync"], w.aperture);
      pair("ack", ["realm", "sync"], w.fungal);
      pair("insync", ["realm", "sync"], w.aperture);
      pair("worktree", ["realm", "worktree", "--rfc", `r-${i}`], w.aperture);
      for (const [repo, branch] of [[w.aperture, `r-${i}`], [w.fungal, `r-${i}`], [w.aperture, `floor-${i}`], [w.fungal, `floor-${i}`]] as const) {
        const wt = join(repo, ".worktrees", `feat-${branch}`);
        writeFileSync(join(wt, "change.txt"), `${branch}\n`);
        sh(["git", "add", "change.txt"], wt, env);
        sh(["git", "commit", "-qm", `part of ${branch}`], wt, env);
      }
      pair("pr", ["realm", "pr", "--rfc", `r-${i}`, "--title", `feat: r-${i}`], w.aperture);
      // Worktrees and branches go, so every cycle starts from the same number of them.
      for (const repo of [w.aperture, w.fungal]) {
        for (const b of [`r-${i}`, `floor-${i}`]) {
          sh(["git", "worktree", "remove", "--force", join(repo, ".worktrees", `feat-${b}`)], repo, env);
          sh(["git", "branch", "-q", "-D", `feat/${b}`], repo, env);
        }
      }
      sh(["git", "branch", "-q", "-D", `floor/prov-${i}`], w.floorClone, env);
    }
  } finally {
    sh([BIN, "daemon", "stop"], tmp, env, [0, 1, 69]);
    rmSync(tmp, { recursive: true, force: true });
  }
  const scale = process.env.BENCH_SKIP_SCALE ? undefined : benchScale();
  return render(rows, runs, scale);
}

type Scale = { small: number[]; big: number[]; bigTrace?: Trace; smallTrace?: Trace };

/** `sync` of one contract's change in a 200-repo / 1,000-contract realm and in a two-repo, one-contract realm. */
function benchScale(): Scale {
  const runs = Number(process.env.BENCH_SCALE_RUNS ?? 9);
  const worlds = [scaleWorld({ repos: 2, domains: 1, contracts: 1, versions: 3, properties: 20 }), scaleWorld({ repos: 200, domains: 100, contracts: 1000, versions: 3, properties: 20 })];
  const out: Scale = { small: [], big: [] };
  try {
    for (let i = 0; i <= runs + 1; i++) {
      for (const [k, s] of worlds.entries()) {
        s.setValue(i);
        // The first sync clones the realm to this machine (not measured); the second runs under strace.
        if (i === 0) sh([BIN, "realm", "sync"], s.provider, s.env);
        else if (i === 1 && canTrace()) out[k ? "bigTrace" : "smallTrace"] = traceRun([BIN, "realm", "sync"], s.provider, s.env, traceFile(s.tmp, "scale"));
        else out[k ? "big" : "small"].push(timed([BIN, "realm", "sync"], s.provider, s.env));
        // The sync branch goes, so every run publishes the same change afresh.
        for (const ref of sh(["git", "for-each-ref", "--format=%(refname)", "refs/heads/sync/"], s.remote, s.env).split("\n").filter(Boolean)) sh(["git", "update-ref", "-d", ref], s.remote, s.env);
      }
    }
  } finally {
    for (const s of worlds) {
      sh([BIN, "daemon", "stop"], s.tmp, s.env, [0, 1, 69]);
      rmSync(s.tmp, { recursive: true, force: true });
    }
  }
  return out;
}

const procs = (t?: Trace) => (t ? `${t.processes} (${t.git} git${t.other.length ? `, ${t.other.length} other` : ""})` : "n/a");
const share = (t?: Trace) => (t ? `${Math.round((100 * t.gitMs) / t.totalMs)}%` : "n/a");
const top = (t?: Trace) => (t ? t.bySubcommand.slice(0, 5).map((s) => `${s.sub}×${s.count} ${Math.round((100 * s.ms) / t.totalMs)}%`).join(", ") : "n/a");

function render(rows: Row[], runs: number, scale?: Scale): { lines: string[]; verdicts: string[]; notes: string[] } {
  const lines = [
    `| write command | blue median ms | git floor median ms | ratio | target | blue p25–p75 ms | floor p25–p75 ms | processes: blue (its git) | processes: floor (its git) |`,
    "|---|---|---|---|---|---|---|---|---|",
  ];
  const verdicts: string[] = [];
  for (const r of rows) {
    const [b, g] = [median(r.blue), median(r.git)];
    const [bq, gq] = [quartiles(r.blue), quartiles(r.git)];
    lines.push(`| ${r.name} | ${ms(b)} | ${ms(g)} | ${(b / g).toFixed(2)}× | ≤ ${r.target}× | ${ms(bq[0])}–${ms(bq[1])} | ${ms(gq[0])}–${ms(gq[1])} | ${procs(r.blueTrace)} | ${procs(r.gitTrace)} |`);
    verdicts.push(`${r.name}: ${(b / g).toFixed(2)}× its git floor (target ≤ ${r.target}×): ${b / g <= r.target ? "met" : "MISSED"}`);
  }
  lines.push("", `${runs} interleaved cycles (each command, then its floor, alternating which goes first), medians; process counts and profiles from one more run of each under strace.`, "");
  lines.push("| where blue's time goes (one run under strace) | in its own git commands | its git commands by wall time (share of the run) |", "|---|---|---|");
  for (const r of rows) lines.push(`| ${r.name} | ${share(r.blueTrace)} | ${top(r.blueTrace)} |`);
  if (scale) {
    const [s, b] = [median(scale.small), median(scale.big)];
    lines.push("", "| `realm sync` of one contract's change | median ms | p25–p75 ms | processes (its git) | in its own git |", "|---|---|---|---|---|");
    lines.push(`| two-repo realm, 1 contract | ${ms(s)} | ${quartiles(scale.small).map(ms).join("–")} | ${procs(scale.smallTrace)} | ${share(scale.smallTrace)} |`);
    lines.push(`| 200 repos, 1,000 contracts | ${ms(b)} | ${quartiles(scale.big).map(ms).join("–")} | ${procs(scale.bigTrace)} | ${share(scale.bigTrace)} |`);
    verdicts.push(`sync of one contract, 1,000-contract realm vs two-repo realm: ${(b / s).toFixed(2)}× (target ≤ 1.5×): ${b / s <= 1.5 ? "met" : "MISSED"}`);
  }
  return { lines, verdicts, notes: [`load average at the end ${loadAverage()}`] };
}

export const WRITES_START = "<!-- bench:writes:start -->";
export const WRITES_END = "<!-- bench:writes:end -->";

/** The section as bench/README.md holds it, between its markers. */
export function writesSection(command: string): string {
  const { lines, verdicts, notes } = benchWrites();
  return [`Measured ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC (${command}), bun ${Bun.version}, ${navigator.hardwareConcurrency} cores, ${notes.join("; ")}.`, "", ...lines, "", ...verdicts.map((v) => `- ${v}`)].join("\n");
}

if (import.meta.main) {
  const started = performance.now();
  const section = writesSection("`bun run bench:writes`");
  console.log(section);
  // A shortened run is not the record.
  if (!process.env.BENCH_WRITE_RUNS && !process.env.BENCH_SKIP_SCALE && writeSection(WRITES_START, WRITES_END, section)) console.error("bench/README.md write commands section updated");
  console.error(`(${((performance.now() - started) / 1000).toFixed(0)} s)`);
}
