// `bun run bench`: every benchmark in one run (after the build), printed as markdown and written into
// bench/README.md between the markers below, and the compatibility section (bench/compat.ts, which reuses this
// run's first check of the 2,000-property schema) between its own (the daemon section, measured by
// bench/daemon.ts, is kept), then the write commands against their git floor (bench/writes.ts) between theirs.
// Knobs: BENCH_SIZES (contracts, default 100,1000,5000), BENCH_RUNS (default 3), BENCH_SECONDS (daemon load
// phases, default 10), BENCH_SKIP_DAEMON=1, BENCH_SKIP_WRITES=1 (and bench/writes.ts's own).
import { join } from "node:path";
import { benchCheck } from "./check.ts";
import { benchCompat, COMPAT_END, COMPAT_START, compatHeader, compatSection, loadAverage, writeSection } from "./compat.ts";
import { ROOT } from "./measure.ts";
import { benchStartup } from "./startup.ts";
import { WRITES_END, WRITES_START, writesSection } from "./writes.ts";

const START = "<!-- bench:cache:start -->";
const END = "<!-- bench:cache:end -->";

const started = performance.now();
const check = benchCheck();
const startup = benchStartup();
const header = `Measured ${new Date().toISOString().slice(0, 10)}, bun ${Bun.version}, ${navigator.hardwareConcurrency} cores, load average at the end ${loadAverage()}.`;
const section = [header, "", ...check.lines, "", ...startup.lines, "", ...check.verdicts.map((v) => `- ${v}`), ...startup.verdicts.map((v) => `- ${v}`)].join("\n");
console.log(section);

if (writeSection(START, END, section)) console.error(`bench/README.md updated (${((performance.now() - started) / 1000).toFixed(0)} s)`);

const compat = compatSection(await benchCompat(check.big), compatHeader("`bun run bench`"));
console.log(`\n${compat}`);
if (writeSection(COMPAT_START, COMPAT_END, compat)) console.error(`bench/README.md compatibility section updated (${((performance.now() - started) / 1000).toFixed(0)} s)`);

if (!process.env.BENCH_SKIP_WRITES) {
  const writes = writesSection("`bun run bench`");
  console.log(`\n${writes}`);
  if (writeSection(WRITES_START, WRITES_END, writes)) console.error(`bench/README.md write commands section updated (${((performance.now() - started) / 1000).toFixed(0)} s)`);
}

if (!process.env.BENCH_SKIP_DAEMON) {
  const daemon = Bun.spawnSync(["bun", join(ROOT, "bench/daemon.ts")], { stdout: "inherit", stderr: "inherit", env: process.env });
  if (daemon.exitCode !== 0) process.exit(daemon.exitCode);
}
