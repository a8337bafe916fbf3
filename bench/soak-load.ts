// The soak's load (issue 18): N connections, each a closed loop of mixed authenticated requests as the CLI and
// MCP sessions make them: status, session register / heartbeat / remove, the notification list, acknowledgements
// and /health. Each connection keeps its own session, so every request is one the daemon should answer 2xx: any
// other answer, or a failed request, is an error. Seeded (the same mix every run).
// Usage: bun bench/soak-load.ts <base url> <token> <connections> <seconds> <realm> <repo> <first notification id> <notifications>
// Prints one JSON line: requests, errors (with the first few), rps, p50/p99 ms, requests per 10 s, the count per kind.
import { rng } from "../tests/seeded.ts";

const [base, token, conns = "200", secs = "60", realm = "bench", repo = "aperture", firstId = "1", count = "1"] = process.argv.slice(2);
if (!base || !token) throw new Error("usage: bun bench/soak-load.ts <base url> <token> <connections> <seconds> <realm> <repo> <first id> <count>");
const auth = { authorization: `Bearer ${token}` };
const json = { ...auth, "content-type": "application/json" };
const deadline = performance.now() + Number(secs) * 1000;

type Kind = "health" | "status" | "register" | "heartbeat" | "remove" | "notifications" | "ack";
/** How often each kind is asked (weights). */
const MIX: [Kind, number][] = [
  ["status", 25],
  ["notifications", 20],
  ["health", 15],
  ["heartbeat", 15],
  ["ack", 10],
  ["register", 10],
  ["remove", 5],
];
const total = MIX.reduce((n, [, w]) => n + w, 0);
function kindOf(x: number): Kind {
  for (const [k, w] of MIX) {
    if (x < w) return k;
    x -= w;
  }
  return MIX[0]![0];
}

const latencies: number[] = [];
/** Requests served per 10 s of the run: whether the daemon slows down as it goes. */
const windows: number[] = [];
const began = performance.now();
const kinds = new Map<Kind, number>();
const errors: string[] = [];
let errorCount = 0;

async function connection(i: number) {
  const r = rng(1800 + i);
  const id = `soak-${i}`;
  const session = { id, repo, realm, pid: process.pid, client_id: `soak:${i}`, repo_path: `/src/${repo}`, branch: "main" };
  let registered = false;
  while (performance.now() < deadline) {
    let kind = kindOf(r() * total);
    if (kind === "remove" && !registered) kind = "register";
    if (kind === "heartbeat" && !registered) kind = "register";
    const [path, init]: [string, RequestInit] =
      kind === "health" ? ["/health", {}]
      : kind === "status" ? [`/realms/${realm}/repos/${repo}/status`, { method: "POST", headers: json, body: JSON.stringify({ session }) }]
      : kind === "register" || kind === "heartbeat" ? ["/sessions", { method: "POST", headers: json, body: JSON.stringify(kind === "register" ? session : { id, repo, realm }) }]
      : kind === "remove" ? [`/sessions/${id}`, { method: "DELETE", headers: auth }]
      : kind === "notifications" ? [`/notifications?realm=${realm}&repo=fungal&pending=true`, { headers: auth }]
      : [`/notifications/${Number(firstId) + Math.floor(r() * Number(count))}/ack`, { method: "POST", headers: json, body: JSON.stringify({ repo: r() < 0.5 ? "fungal" : "ml-infra" }) }];
    const t = performance.now();
    try {
      const res = await fetch(`${base}${path}`, init);
      await res.arrayBuffer();
      if (res.ok) {
        latencies.push(performance.now() - t);
        const w = Math.min(Math.floor((performance.now() - began) / 10_000), Math.ceil(Number(secs) / 10) - 1); // the last answers count in the last window
        windows[w] = (windows[w] ?? 0) + 1;
        kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
        if (kind === "register" || kind === "status") registered = true;
        if (kind === "remove") registered = false;
      } else {
        errorCount++;
        if (errors.length < 5) errors.push(`${kind} ${path}: ${res.status}`);
      }
    } catch (e) {
      errorCount++;
      if (errors.length < 5) errors.push(`${kind} ${path}: ${(e as Error).message}`);
    }
  }
}

const start = performance.now();
await Promise.all(Array.from({ length: Number(conns) }, (_, i) => connection(i)));
const elapsed = (performance.now() - start) / 1000;
latencies.sort((a, b) => a - b);
const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? 0;
console.log(JSON.stringify({ requests: latencies.length, errors: errorCount, first_errors: errors, rps: latencies.length / elapsed, p50: pct(50), p99: pct(99), per_10s: Array.from(windows, (n) => n ?? 0), kinds: Object.fromEntries(kinds) }));
