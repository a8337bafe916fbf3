// What a command spawns and where its wall time goes, from one run under `strace -f -ttt -e trace=execve`: every
// process in its tree, the git commands it runs itself (argv[0] "git", as blue and a person at a shell run
// them; git's own helpers such as upload-pack are counted in the tree, not here), and how much of the run is
// spent waiting on those git commands rather than in the command's own code. strace slows every exec, so the
// shares are what to read, not the milliseconds.
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";

export type Trace = {
  /** Every process exec'd in the tree, the command itself included. */
  processes: number;
  /** git commands the command ran itself. */
  git: number;
  /** Other programs it ran itself (not git, not git's helpers). */
  other: string[];
  totalMs: number;
  /** Wall time during which at least one of its own git commands ran. */
  gitMs: number;
  /** Its git commands by subcommand: count and wall ms, most expensive first. */
  bySubcommand: { sub: string; count: number; ms: number }[];
};

const STRACE = ["/usr/bin/strace", "/bin/strace"].find(existsSync);

export const canTrace = (): boolean => STRACE !== undefined;

/** Run `argv` once under strace; undefined when strace is not installed. */
export function traceRun(argv: string[], cwd: string, env: Record<string, string>, out: string): Trace | undefined {
  if (!STRACE) return undefined;
  rmSync(out, { force: true });
  const r = Bun.spawnSync([STRACE, "-f", "-ttt", "-q", "-s", "64", "-e", "trace=execve", "-o", out, ...argv], { cwd, env, stdout: "pipe", stderr: "pipe" });
  if (r.exitCode !== 0) throw new Error(`${argv.join(" ")} under strace exited ${r.exitCode}: ${r.stderr.toString()}`);
  return parseTrace(readFileSync(out, "utf8"));
}


export function parseTrace(text: string): Trace {
  type Proc = { start: number; end: number; argv0: string; sub: string; path: string };
  const procs = new Map<number, Proc>();
  let first = Number.POSITIVE_INFINITY;
  let last = 0;
  for (const line of text.split("\n")) {
    const m = /^(\d+)\s+(\d+\.\d+)\s+(.*)$/.exec(line);
    if (!m) continue;
    const pid = Number(m[1]);
    const t = Number(m[2]) * 1000;
    const rest = m[3]!;
    first = Math.min(first, t);
    last = Math.max(last, t);
    const exec = /^execve\("([^"]*)", \[(.*?)\]/.exec(rest);
    if (exec && !/= -1 /.test(rest)) {
      const args = [...exec[2]!.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((a) => a[1]!);
      procs.set(pid, { start: t, end: t, argv0: args[0] ?? "", sub: gitSubcommand(args.slice(1)), path: exec[1]! });
    } else if (/^\+\+\+ exited/.test(rest) && procs.has(pid)) {
      procs.get(pid)!.end = t;
    }
  }
  const all = [...procs.values()];
  const root = all.reduce((a, b) => (b.start < a.start ? b : a), all[0]!);
  const own = all.filter((p) => p !== root && p.argv0 === "git");
  const other = all.filter((p) => p !== root && p.argv0 !== "git" && !p.path.includes("git-core") && !/git-(upload|receive)-pack|^\/bin\/sh$/.test(`${p.argv0}`) && p.path !== "/bin/sh" && p.path !== root.path);
  const subs = new Map<string, { count: number; ms: number }>();
  for (const p of own) {
    const s = subs.get(p.sub) ?? { count: 0, ms: 0 };
    s.count++;
    s.ms += p.end - p.start;
    subs.set(p.sub, s);
  }
  return {
    processes: all.length,
    git: own.length,
    other: other.map((p) => p.argv0),
    totalMs: last - first,
    gitMs: unionMs(own.map((p) => [p.start, p.end])),
    bySubcommand: [...subs].map(([sub, s]) => ({ sub, ...s })).sort((a, b) => b.ms - a.ms),
  };
}

function unionMs(intervals: [number, number][]): number {
  const sorted = intervals.sort((a, b) => a[0] - b[0]);
  let total = 0;
  let [s, e] = [Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY];
  for (const [a, b] of sorted) {
    if (a > e) {
      if (e > s) total += e - s;
      [s, e] = [a, b];
    } else e = Math.max(e, b);
  }
  if (e > s) total += e - s;
  return total;
}

export const traceFile = (dir: string, name: string) => join(dir, `${name}.strace`);

/** git's subcommand: the first argument that is not an option, skipping the values of `-c`, `-C` and the like
 *  (`git -c remote.origin.fetch=… push` is a push). */
function gitSubcommand(args: string[]): string {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "-c" || a === "-C" || a === "--git-dir" || a === "--work-tree" || a === "--namespace") i++;
    else if (!a.startsWith("-")) return a;
  }
  return "";
}
