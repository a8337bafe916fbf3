// Daemon soak (issue 18). Run: bun run bench:soak   (SOAK_SECONDS=10 for a quick look; SOAK_CONNECTIONS)
// 60 s of mixed authenticated requests from 200 connections against a real daemon (the compiled binary, its own
// home, a realm with a member repo and 1,000 notifications), from a load generator in its own process
// (bench/soak-load.ts). Reports requests served, errors (target 0), and the daemon's RSS at start (idle, after
// set-up), peak (sampled every 250 ms) and end (after the load, its connections closed, 5 s later): target end
// within 20 MB of start. Writes its section into bench/README.md.
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { openDaemonDb } from "../src/store/daemon-db.ts";
import { BIN, ROOT, sandboxEnv, sh, twoRepoRealm } from "./measure.ts";

const SECONDS = Number(process.env.SOAK_SECONDS ?? 60);
const CONNECTIONS = Number(process.env.SOAK_CONNECTIONS ?? 200);
const NOTIFICATIONS = 1_000;
const START = "<!-- bench:soak:start -->";
const END = "<!-- bench:soak:end -->";

const { tmp, env } = sandboxEnv();
const repo = twoRepoRealm(tmp, env);
// `realm status` starts the daemon and has it track the realm, as a user's first command does.
sh([BIN, "realm", "status"], repo, env, [0, 1]);
const info = JSON.parse(readFileSync(join(env.XDG_RUNTIME_DIR!, "blue", "daemon.json"), "utf8")) as { pid: number; port: number };
const token = readFileSync(join(env.BLUE_HOME!, "daemon.token"), "utf8").trim();

// 1,000 notifications for fungal, 990 of them acknowledged, written through the store as the daemon writes them.
const store = openDaemonDb(join(env.BLUE_HOME!, "daemon.db"));
let firstId = 0;
store.db.transaction(() => {
  for (let i = 0; i < NOTIFICATIONS; i++) {
    const n = store.addNotification(
      { realm: "bench", domain: "s3-access", contract: "s3-permissions", from_repo: "aperture", change_type: "updated", version: `1.${i}.0`, changes: ["+ training-metrics/experiments/*"], recipients: ["fungal", "ml-infra"] },
      "2026-11-25T10:00:00Z",
    );
    if (i === 0) firstId = n.id;
    if (i < NOTIFICATIONS - 10) store.acknowledge(n.id, "fungal", "2026-11-25T10:05:00Z");
  }
})();
store.close();

function rssMB(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, "utf8").split("\n").find((l) => l.startsWith("VmRSS:"));
  return Number(line?.split(/\s+/)[1] ?? 0) / 1024;
}
function connectionsTo(port: number): number {
  const r = Bun.spawnSync(["ss", "-Htn", "state", "established", `( sport = :${port} )`], { stdout: "pipe", stderr: "pipe" });
  return r.exitCode === 0 ? r.stdout.toString().split("\n").filter(Boolean).length : -1;
}

const base = `http://127.0.0.1:${info.port}`;
try {
  await Bun.sleep(1000);
  const startRss = rssMB(info.pid);
  let peakRss = startRss;
  let peakConnections = 0;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, rssMB(info.pid));
    peakConnections = Math.max(peakConnections, connectionsTo(info.port));
  }, 250);
  const load = Bun.spawn(["bun", join(import.meta.dir, "soak-load.ts"), base, token, String(CONNECTIONS), String(SECONDS), "bench", "aperture", String(firstId), String(NOTIFICATIONS)], { stdout: "pipe", stderr: "inherit" });
  const out = await new Response(load.stdout).text();
  await load.exited;
  clearInterval(sampler);
  peakRss = Math.max(peakRss, rssMB(info.pid));
  await Bun.sleep(5000);
  const endRss = rssMB(info.pid);
  const result = JSON.parse(out) as { requests: number; errors: number; first_errors: string[]; rps: number; p50: number; p99: number; per_10s: number[]; kinds: Record<string, number> };
  const growth = endRss - startRss;
  const section = [
    `Measured ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC, bun ${Bun.version}, ${navigator.hardwareConcurrency} cores: ${CONNECTIONS} connections (${peakConnections} seen open at once), ${SECONDS} s, against the compiled daemon with 1,000 notifications in daemon.db.`,
    "",
    "| requests served | req/s | p50 ms | p99 ms | errors | daemon RSS start MB | peak MB | end MB | end − start MB |",
    "|---|---|---|---|---|---|---|---|---|",
    `| ${result.requests} | ${Math.round(result.rps)} | ${result.p50.toFixed(2)} | ${result.p99.toFixed(2)} | ${result.errors} | ${startRss.toFixed(1)} | ${peakRss.toFixed(1)} | ${endRss.toFixed(1)} | ${growth >= 0 ? "+" : ""}${growth.toFixed(1)} |`,
    "",
    `Served per 10 s: ${result.per_10s.join(", ")}. Mix served: ${Object.entries(result.kinds).sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`).join(", ")}.`,
    "",
    `- errors: ${result.errors} (target 0): ${result.errors === 0 ? "met" : `MISSED (${result.first_errors.join("; ")})`}`,
    `- RSS at the end ${growth >= 0 ? "+" : ""}${growth.toFixed(1)} MB from the start (target within 20 MB): ${Math.abs(growth) <= 20 ? "met" : "MISSED"}`,
  ].join("\n");
  console.log(section);
  if (SECONDS >= 60 && CONNECTIONS >= 200) {
    const readmePath = join(ROOT, "bench/README.md");
    const readme = readFileSync(readmePath, "utf8");
    const from = readme.indexOf(START);
    const to = readme.indexOf(END);
    if (from >= 0 && to > from) {
      writeFileSync(readmePath, `${readme.slice(0, from + START.length)}\n${section}\n${readme.slice(to)}`);
      console.error("bench/README.md updated");
    }
  } else console.error("(shortened run: bench/README.md not updated)");
} finally {
  sh([BIN, "daemon", "stop"], tmp, env, [0, 1]);
  rmSync(tmp, { recursive: true, force: true });
}
