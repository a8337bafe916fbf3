// Daemon benchmark (issue 4). Run: bun run bench:daemon   (BENCH_SECONDS=3 for a quick look)
// Measures, in one run and under the same load generator:
//   - GET /health on the daemon vs a bare Bun.serve returning the same bytes (target ≥ 0.8× its throughput);
//   - authenticated GET /notifications (10,000 notifications in daemon.db, 10 pending for the repo asked) vs
//     the bare server returning the same body;
//   - wall time of `blue realm status` with a warm daemon vs `blue --version` (target ≤ 2×).
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { openDaemonDb } from "../src/store/daemon-db.ts";

const ROOT = resolve(import.meta.dir, "..");
const BIN = join(ROOT, "dist/blue");
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONCURRENCY = 50;

const tmp = mkdtempSync(join(tmpdir(), "blue-bench-"));
const gitconfig = join(tmp, "gitconfig");
writeFileSync(gitconfig, "[user]\n\tname = Bench\n\temail = bench@example.com\n[init]\n\tdefaultBranch = main\n");
const env = { ...process.env, BLUE_HOME: join(tmp, "home"), XDG_RUNTIME_DIR: join(tmp, "run"), BLUE_DAEMON_PORT: "0", GIT_CONFIG_GLOBAL: gitconfig } as Record<string, string>;

function sh(cmd: string[], cwd = tmp): string {
  const r = Bun.spawnSync(cmd, { cwd, env, stdout: "pipe", stderr: "pipe" });
  if (r.exitCode !== 0) throw new Error(`${cmd.join(" ")}: ${r.stderr.toString()}`);
  return r.stdout.toString();
}

type Load = { requests: number; errors: number; rps: number; p50: number; p99: number };
function load(url: string, headers: string[] = []): Load {
  return JSON.parse(sh(["bun", join(import.meta.dir, "load.ts"), url, String(CONCURRENCY), String(SECONDS), ...headers]));
}

function wall(cmd: string[], cwd: string, runs = 30): { median: number; p90: number } {
  const times: number[] = [];
  for (let i = 0; i < runs + 3; i++) {
    const t = performance.now();
    sh(cmd, cwd);
    if (i >= 3) times.push(performance.now() - t); // the first runs warm the page cache
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(times.length / 2)]!, p90: times[Math.floor(times.length * 0.9)]! };
}

// A realm with one member repo, so `realm status` has real work to do.
const repo = join(tmp, "aperture");
mkdirSync(repo);
sh(["git", "init", "-q"], repo);
sh([BIN, "realm", "admin", "init", "--name", "bench"]);
sh([BIN, "realm", "admin", "join", "bench"], repo);
sh([BIN, "realm", "admin", "domain", "create", "s3-access", "--repos", "aperture,fungal", "--contract", "s3-permissions"], repo);
sh([BIN, "daemon", "start"]);
const info = JSON.parse(readFileSync(join(env.XDG_RUNTIME_DIR!, "blue", "daemon.json"), "utf8")) as { port: number };
const token = readFileSync(join(env.BLUE_HOME!, "daemon.token"), "utf8").trim();

// 10,000 notifications, all but 10 already acknowledged by the repo that asks; written through the store,
// as the daemon writes them.
const store = openDaemonDb(join(env.BLUE_HOME!, "daemon.db"));
store.db.transaction(() => {
  for (let i = 0; i < 10_000; i++) {
    const n = store.addNotification(
      { realm: "bench", domain: "s3-access", contract: "s3-permissions", from_repo: "aperture", change_type: "updated", version: "1.5.0", changes: ["+ training-metrics/experiments/*"], recipients: ["fungal"] },
      "2026-11-25T10:00:00Z",
    );
    if (i < 9_990) store.acknowledge(n.id, "fungal", "2026-11-25T10:05:00Z");
  }
})();
store.close();

const base = `http://127.0.0.1:${info.port}`;
const notesPath = "/notifications?realm=bench&repo=fungal&pending=true";
const auth = `authorization:Bearer ${token}`;
const bodies = {
  "/health": await (await fetch(`${base}/health`)).text(),
  "/notifications": await (await fetch(`${base}${notesPath}`, { headers: { authorization: `Bearer ${token}` } })).text(),
};
writeFileSync(join(tmp, "bodies.json"), JSON.stringify(bodies));
const bare = Bun.spawn(["bun", join(import.meta.dir, "bare-server.ts"), join(tmp, "bodies.json")], { stdout: "pipe" });
const first = await bare.stdout.getReader().read();
const barePort = Number(new TextDecoder().decode(first.value).trim());
if (!barePort) throw new Error("the bare server did not print its port");

try {
  const results = {
    healthBare: load(`http://127.0.0.1:${barePort}/health`),
    healthDaemon: load(`${base}/health`),
    notesBare: load(`http://127.0.0.1:${barePort}/notifications`),
    notesDaemon: load(`${base}${notesPath}`, [auth]),
  };
  const version = wall([BIN, "--version"], repo);
  const status = wall([BIN, "realm", "status"], repo);
  const floorBin = join(tmp, "hello");
  writeFileSync(join(tmp, "hello.ts"), 'console.log("blue 0.1.0");\n');
  sh(["bun", "build", "--compile", join(tmp, "hello.ts"), "--outfile", floorBin]);
  const floor = wall([floorBin], repo);

  const row = (name: string, l: Load, baseline: Load) =>
    `| ${name} | ${Math.round(l.rps)} | ${l.p50.toFixed(2)} | ${l.p99.toFixed(2)} | ${(l.rps / baseline.rps).toFixed(2)}× | ${l.errors} |`;
  const lines = [
    `Daemon benchmark: ${CONCURRENCY} connections, ${SECONDS} s each, ${new Date().toISOString()}, bun ${Bun.version}, ${navigator.hardwareConcurrency} cores`,
    "",
    "| endpoint | req/s | p50 ms | p99 ms | vs bare Bun.serve | errors |",
    "|---|---|---|---|---|---|",
    row("bare Bun.serve /health", results.healthBare, results.healthBare),
    row("daemon /health", results.healthDaemon, results.healthBare),
    row("bare Bun.serve /notifications body", results.notesBare, results.notesBare),
    row("daemon GET /notifications (10,000 rows, auth)", results.notesDaemon, results.notesBare),
    "",
    "| command | median ms | p90 ms | vs `blue --version` |",
    "|---|---|---|---|",
    `| compiled hello-world (floor) | ${floor.median.toFixed(1)} | ${floor.p90.toFixed(1)} | ${(floor.median / version.median).toFixed(2)}× |`,
    `| blue --version | ${version.median.toFixed(1)} | ${version.p90.toFixed(1)} | 1.00× |`,
    `| blue realm status (warm daemon) | ${status.median.toFixed(1)} | ${status.p90.toFixed(1)} | ${(status.median / version.median).toFixed(2)}× |`,
  ];
  console.log(lines.join("\n"));
  const health = results.healthDaemon.rps / results.healthBare.rps;
  const statusRatio = status.median / version.median;
  console.log(`\n/health: ${health.toFixed(2)}× bare (target ≥ 0.80): ${health >= 0.8 ? "met" : "MISSED"}`);
  console.log(`realm status: ${statusRatio.toFixed(2)}× --version (target ≤ 2.00): ${statusRatio <= 2 ? "met" : "MISSED"}`);
} finally {
  bare.kill();
  sh([BIN, "daemon", "stop"]);
  rmSync(tmp, { recursive: true, force: true });
}
