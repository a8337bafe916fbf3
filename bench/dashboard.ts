// Dashboard benchmark (issue 21): the first page (the realm's graph, its edge table and lists) served by a warm
// daemon, target < 50 ms. The compiled binary's daemon, signed in as a browser is (one-time code → cookie), on
// the RFC's two-repo realm and on generated realms of 20 and 200 repos (bench/graph-realm.ts). "Cold" is the
// first page after the daemon loaded nothing for it (the SVG laid out, the realm read); "warm" the pages after.
//   bun run build.ts && bun bench/dashboard.ts        (BENCH_RUNS=50 requests per realm by default)
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { writeGraphRealm } from "./graph-realm.ts";
import { BIN, mb, ms, sandboxEnv, sh, twoRepoRealm } from "./measure.ts";

const RUNS = Number(process.env.BENCH_RUNS ?? 50);
const { tmp, env } = sandboxEnv();

twoRepoRealm(tmp, env);
sh([BIN, "daemon", "start"], tmp, env);
const info = JSON.parse(readFileSync(join(env.XDG_RUNTIME_DIR!, "blue", "daemon.json"), "utf8")) as { port: number; pid: number };
const token = readFileSync(join(env.BLUE_HOME!, "daemon.token"), "utf8").trim();
const base = `http://127.0.0.1:${info.port}`;
const api = (path: string, init: RequestInit = {}) => fetch(`${base}${path}`, { ...init, headers: { authorization: `Bearer ${token}`, "content-type": "application/json", ...init.headers } });

// Generated realms, committed as a clone would be, registered with the daemon as `status` registers one.
for (const [name, repos, contracts] of [["twenty", 20, 60], ["two-hundred", 200, 1000]] as const) {
  const dir = join(tmp, "home", "realms", name);
  mkdirSync(dir, { recursive: true });
  writeGraphRealm(dir, { repos, domains: Math.ceil(repos / 3), contracts, seed: 21 });
  sh(["sed", "-i", `s/^name: generated$/name: ${name}/`, join(dir, "realm.yaml")], tmp, env);
  sh(["git", "init", "-q"], dir, env);
  sh(["git", "add", "-A"], dir, env);
  sh(["git", "commit", "-qm", "generated"], dir, env);
  const res = await api("/realms", { method: "POST", body: JSON.stringify({ name, url: dir, local_path: dir }) });
  if (!res.ok) throw new Error(`registering ${name}: ${res.status} ${await res.text()}`);
}
await api("/realms", { method: "POST", body: JSON.stringify({ name: "bench", url: join(env.BLUE_HOME!, "remotes", "bench.git"), local_path: join(env.BLUE_HOME!, "realms", "bench") }) });

const code = ((await (await api("/dashboard-codes", { method: "POST" })).json()) as { code: string }).code;
const login = await fetch(`${base}/dashboard/login?code=${code}`, { redirect: "manual" });
const cookie = login.headers.get("set-cookie")!.split(";")[0]!;

async function page(path: string): Promise<{ ms: number; bytes: number }> {
  const t = performance.now();
  const res = await fetch(`${base}${path}`, { headers: { cookie } });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`${path}: ${res.status}`);
  return { ms: performance.now() - t, bytes: text.length };
}

function rssMB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) / 1024 : 0;
}

const rows: string[] = [];
for (const [name, label] of [["bench", "the RFC's realm (2 repos, 1 contract)"], ["twenty", "20 repos, 60 contracts"], ["two-hundred", "200 repos, 1,000 contracts"]] as const) {
  const path = `/dashboard/realms/${name}`;
  const cold = await page(path);
  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; i < RUNS; i++) {
    const r = await page(path);
    times.push(r.ms);
    bytes = r.bytes;
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)]!;
  const p90 = times[Math.floor(times.length * 0.9)]!;
  rows.push(`| ${label} | ${ms(cold.ms)} | ${ms(median)} | ${ms(p90)} | ${median < 50 ? "yes" : "**no**"} | ${(bytes / 1024).toFixed(0)} | ${mb(rssMB(info.pid))} |`);
}
sh([BIN, "daemon", "stop"], tmp, env);

const load = readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
console.log(`Measured ${new Date().toISOString().slice(0, 10)}, bun ${Bun.version}, ${navigator.hardwareConcurrency} cores, load average at the end ${load}; ${RUNS} warm requests per realm, one at a time.\n`);
console.log("| first page (`/dashboard/realms/NAME`) | cold ms | warm median ms | warm p90 ms | warm < 50 ms | page KB | daemon RSS after, MB |");
console.log("|---|---|---|---|---|---|---|");
for (const r of rows) console.log(r);
