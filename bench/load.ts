export {};
// A closed-loop HTTP load generator: N connections, each sending the next request when the last answered,
// for D seconds. Prints one JSON line: requests, errors, rps, p50/p99 latency in ms.
// Usage: bun bench/load.ts <url> <concurrency> <seconds> [header:value ...]
const [url, conc = "50", secs = "10", ...hdrs] = process.argv.slice(2);
if (!url) throw new Error("usage: bun bench/load.ts <url> <concurrency> <seconds> [header:value ...]");
const headers = Object.fromEntries(hdrs.map((h) => [h.slice(0, h.indexOf(":")), h.slice(h.indexOf(":") + 1)]));
const deadline = performance.now() + Number(secs) * 1000;
const latencies: number[] = [];
let errors = 0;
async function worker() {
  while (performance.now() < deadline) {
    const t = performance.now();
    try {
      const res = await fetch(url!, { headers });
      await res.arrayBuffer();
      if (res.ok) latencies.push(performance.now() - t);
      else errors++;
    } catch {
      errors++;
    }
  }
}
const start = performance.now();
await Promise.all(Array.from({ length: Number(conc) }, worker));
const elapsed = (performance.now() - start) / 1000;
latencies.sort((a, b) => a - b);
const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? 0;
console.log(JSON.stringify({ requests: latencies.length, errors, rps: latencies.length / elapsed, p50: pct(50), p99: pct(99) }));
