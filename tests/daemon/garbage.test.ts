// Generated garbage to every daemon route (issue 18, item 2): methods, odd path parameters and queries, bodies
// of random bytes, wrong JSON types, huge strings, mutated valid bodies, wrong content types, odd headers, with
// and without the token. The routes come from the app itself, so a new route is covered without editing this.
// The daemon must never answer 500, never hang, and every refusal must be the error document. Seeded: a failure
// names its seed and case, and BLUE_FUZZ_SEED / BLUE_FUZZ_CASES replay or widen it.
import { afterAll, describe, expect, test } from "bun:test";
import { cpSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ErrorBody } from "../../src/daemon/api.ts";
import { createApp } from "../../src/daemon/app.ts";
import { openDaemonDb } from "../../src/store/daemon-db.ts";
import { rng } from "../seeded.ts";

const SEED = Number(process.env.BLUE_FUZZ_SEED ?? 18);
const CASES = Number(process.env.BLUE_FUZZ_CASES ?? 1500);
const TOKEN = "fuzz-token";

const realm = mkdtempSync(join(tmpdir(), "blue-fuzz-realm-"));
cpSync(join(import.meta.dir, "..", "fixtures", "realms", "good"), realm, { recursive: true });
const db = openDaemonDb(join(mkdtempSync(join(tmpdir(), "blue-fuzz-")), "daemon.db"));
let port = 0;
let syncs = 0;
const app = createApp({
  db,
  token: TOKEN,
  port: () => port,
  version: "0.1.0",
  startedAt: "2026-11-25T09:00:00Z",
  clock: () => new Date("2026-11-25T10:00:00Z"),
  // Sometimes slow, sometimes failing: the queue's 429 and the 502 of a failed fetch are met too.
  syncRealm: async () => {
    if (++syncs % 7 === 0) throw new Error("fetch failed: remote hung up");
    await Bun.sleep(syncs % 3);
    return { head: "abc" };
  },
});
const server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: app.fetch, idleTimeout: 30 });
port = server.port!;
afterAll(() => server.stop(true));

/** The routes as the app declares them: [method, path pattern]. */
const ROUTES = [...new Map(app.routes.filter((r) => r.method !== "ALL").map((r) => [`${r.method} ${r.path}`, [r.method, r.path] as const])).values()];

/** A valid body per route, mutated by the generator (a route without one gets {}). */
const VALID: Record<string, unknown> = {
  "POST /realms": { name: "letemcook", url: "/r.git", local_path: realm },
  "POST /sessions": { id: "s1", repo: "aperture", realm: "letemcook", pid: 4242, repo_path: "/src/aperture", branch: "main", active_domains: ["s3-access"] },
  "POST /notifications": { realm: "letemcook", domain: "s3-access", contract: "s3-permissions", from_repo: "aperture", change_type: "updated", version: "1.5.0", changes: ["+ x"], recipients: ["fungal-image-analysis"] },
  "POST /notifications/:id/ack": { repo: "fungal-image-analysis" },
  "POST /realms/:name/repos/:repo/ack": { up_to: { domain: "s3-access", contract: "s3-permissions", version: "1.5.0" } },
  "POST /realms/:name/repos/:repo/status": { session: { id: "s1", repo: "aperture", realm: "letemcook" } },
};

type Rand = () => number;
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const int = (r: Rand, n: number) => Math.floor(r() * n);

const PARAMS = ["letemcook", "aperture", "fungal-image-analysis", "1", "0", "-1", "1e309", "9223372036854775808", "99999999999999999999", "0x10", "NaN", "..", "%2e%2e", "%00", "a%2Fb", "%E0%A4%A", "%FF", "😀", "%20", "x".repeat(3000), "s1", "null", "[]", "{}", "' OR 1=1 --"];
const QUERIES = ["", "?realm=letemcook", "?repo=aperture&pending=true", "?pending=true", "?pending=maybe", "?limit=-1", "?limit=abc", "?limit=1e309", "?limit=99999999", "?all=true", "?all=1", "?realm=%FF", "?realm=", "?repo=" + "y".repeat(5000), "?realm=a&realm=b", "?%00=%00"];
const TYPES = ["application/json", "application/json; charset=utf-8", "APPLICATION/JSON", "application/vnd.blue+json", "text/plain", "", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/json, text/plain", "application/jsonx", "*/*"];
const METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"];
const WRONG_TYPES: unknown[] = [null, 0, -1, 1e308, true, "", "str", [], [1, "a", null], {}, { a: { b: { c: [] } } }];

function randomString(r: Rand, n: number): string {
  const alphabet = ["a", "Z", "0", " ", "\n", "\u0000", "\"", "\\", "é", "😀", "\ud800", "%", "/", "."];
  let s = "";
  for (let i = 0; i < n; i++) s += pick(r, alphabet);
  return s;
}

/** A value of a wrong type or size in place of `v`. */
function mutateValue(r: Rand, v: unknown): unknown {
  switch (int(r, 6)) {
    case 0: return pick(r, WRONG_TYPES);
    case 1: return randomString(r, int(r, 300));
    case 2: return "h".repeat(pick(r, [1000, 70_000, 300_000]));
    case 3: return Array.from({ length: pick(r, [0, 5, 600, 20_000]) }, () => (typeof v === "string" ? "x" : 1)); // never copies of v: nested, they multiply
    case 4: return typeof v === "number" ? pick(r, [0, -1, 1.5, 2 ** 53 + 2, Number.MAX_SAFE_INTEGER]) : typeof v === "object" && v ? mutate(r, v) : undefined;
    default: return undefined;
  }
}

/** A valid body with fields replaced, dropped or added. */
function mutate(r: Rand, body: unknown): unknown {
  if (typeof body !== "object" || body === null || Array.isArray(body)) return mutateValue(r, body);
  const copy: Record<string, unknown> = { ...(body as Record<string, unknown>) };
  const keys = Object.keys(copy);
  for (let i = 0, n = 1 + int(r, 3); i < n; i++) {
    if (keys.length && r() < 0.8) copy[pick(r, keys)] = mutateValue(r, copy[pick(r, keys)]);
    else copy[randomString(r, 1 + int(r, 8))] = mutateValue(r, "x");
  }
  return copy;
}

function randomBody(r: Rand, key: string): RequestInit["body"] {
  switch (int(r, 12)) {
    case 0: return undefined;
    case 1: return crypto.getRandomValues(new Uint8Array(int(r, 4000)));
    case 2: return JSON.stringify(pick(r, WRONG_TYPES));
    case 3: return `{"pad":"${"q".repeat(pick(r, [10, 5000, 100_000, 1_000_000, 3_000_000]))}"}`;
    case 4: return "[".repeat(pick(r, [100, 10_000, 200_000])) + "]".repeat(int(r, 3) ? 0 : 100);
    case 5: return randomString(r, int(r, 500));
    case 6: {
      // A valid body, streamed in chunks (no Content-Length).
      const bytes = new TextEncoder().encode(JSON.stringify(mutate(r, VALID[key] ?? {})));
      return new ReadableStream({ start(c) { for (let i = 0; i < bytes.length; i += 777) c.enqueue(bytes.subarray(i, i + 777)); c.close(); } });
    }
    default: return JSON.stringify(r() < 0.3 ? (VALID[key] ?? {}) : mutate(r, VALID[key] ?? {}));
  }
}

/** A dashboard page (its path reached the dashboard's routes), not an API route. */
const page = (path: string) => /^\/dashboard(\/|\?|$)/.test(path);

type Case = { method: string; path: string; headers: Record<string, string>; body?: RequestInit["body"]; describe: string };

function generate(r: Rand, i: number): Case {
  const [routeMethod, pattern] = pick(r, ROUTES);
  const key = `${routeMethod} ${pattern}`;
  const method = r() < 0.8 ? routeMethod : pick(r, METHODS);
  const path = r() < 0.05 ? `/${randomString(r, 20).replace(/[?#]/g, "")}` : pattern.replace(/:\w+/g, () => (r() < 0.5 ? pick(r, ["letemcook", "aperture", "1", "s1"]) : pick(r, PARAMS)));
  const query = r() < 0.3 ? pick(r, QUERIES) : "";
  const headers: Record<string, string> = {};
  const auth = r();
  if (auth < 0.8) headers.authorization = `Bearer ${TOKEN}`;
  else if (auth < 0.9) headers.authorization = pick(r, ["Bearer wrong", TOKEN, "Bearer ", "Basic Zm9vOmJhcg==", `Bearer ${TOKEN}${TOKEN}`]);
  if (r() < 0.9) headers["content-type"] = r() < 0.8 ? "application/json" : pick(r, TYPES);
  if (r() < 0.1) headers.origin = pick(r, ["https://evil.example", `http://127.0.0.1:${port}`, "null"]);
  if (r() < 0.05) headers.host = pick(r, ["evil.example", `localhost:${port}`, `127.0.0.1:${port + 1}`]);
  if (r() < 0.1) headers[pick(r, ["x-forwarded-for", "accept", "accept-encoding", "expect", "x-blue-version"])] = randomString(r, 20).replace(/[^\x20-\x7e]/g, "x");
  const body = method === "GET" || method === "HEAD" ? undefined : randomBody(r, key);
  const shown = typeof body === "string" ? `${body.length} chars ${JSON.stringify(body.slice(0, 80))}` : body instanceof Uint8Array ? `${body.length} random bytes` : body ? "a stream" : "no body";
  return { method, path: `${path}${query}`, headers, body, describe: `seed ${SEED} case ${i}: ${method} ${path.slice(0, 120)}${query.slice(0, 60)} ${JSON.stringify(headers)} ${shown}` };
}

describe("generated garbage to every daemon route", () => {
  test("finds the routes in the app (a new route is fuzzed without editing this test)", () => {
    expect(ROUTES.length).toBeGreaterThanOrEqual(14);
    expect(ROUTES.map(([m, p]) => `${m} ${p}`)).toContain("POST /realms/:name/sync");
  });

  test(`${CASES} requests: never a 500, never a hang, every refusal the error document`, async () => {
    // A tracked realm with a notification and a session: valid requests reach the routes' work.
    const base = { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" };
    for (const key of ["POST /realms", "POST /notifications", "POST /sessions"]) {
      const res = await fetch(`http://127.0.0.1:${port}${key.slice(5)}`, { method: "POST", headers: base, body: JSON.stringify(VALID[key]) });
      expect([key, res.status]).toEqual([key, 201]);
    }
    const r = rng(SEED);
    const seen = new Map<number, number>();
    const failures: string[] = [];
    // A few at a time, as clients are: the sync queue and SQLite see overlapping requests.
    // Made a batch at a time, in order (the same cases every run): bodies of megabytes are not all held at once.
    for (let i = 0; i < CASES; i += 8) {
      const batch = Array.from({ length: Math.min(8, CASES - i) }, (_, k) => generate(r, i + k));
      await Promise.all(
        batch.map(async (c) => {
          let res: Response;
          try {
            res = await fetch(`http://127.0.0.1:${port}${c.path}`, { method: c.method, headers: c.headers, body: c.body, signal: AbortSignal.timeout(15_000) });
          } catch (e) {
            failures.push(`${c.describe}: ${(e as Error).name} ${(e as Error).message}`);
            return;
          }
          seen.set(res.status, (seen.get(res.status) ?? 0) + 1);
          const text = await res.text();
          if (res.status >= 500 && res.status !== 502) failures.push(`${c.describe}: ${res.status} ${text.slice(0, 300)}`);
          // The dashboard's pages answer a browser: their own refusals are a page (text/html); a foreign Host or Origin
          // is refused before them, with the API's error document.
          else if (res.status >= 400 && c.method !== "HEAD" && page(c.path)) {
            if (!(res.headers.get("content-type") ?? "").startsWith("text/html") && !ErrorBody.safeParse(safeJson(text)).success) failures.push(`${c.describe}: ${res.status} is neither a page nor the error document: ${text.slice(0, 200)}`);
          } else if (res.status >= 400 && c.method !== "HEAD" && !ErrorBody.safeParse(safeJson(text)).success) failures.push(`${c.describe}: ${res.status} is not the error document: ${text.slice(0, 200)}`);
        }),
      );
    }
    if (process.env.BLUE_FUZZ_SHOW) console.log([...seen].sort((a, b) => a[0] - b[0]));
    expect(failures).toEqual([]);
    // The generator reaches past the gates: successes and each kind of refusal are among the answers.
    for (const status of [200, 201, 400, 401, 404, 413, 415]) expect([status, seen.get(status) ?? 0]).not.toEqual([status, 0]);
    // What was refused was not stored: nothing in daemon.db is over the API's bounds.
    for (const n of db.notifications({})) {
      expect(Buffer.byteLength(n.changes.join(""))).toBeLessThanOrEqual(64 * 1024);
      expect(n.recipients.length).toBeLessThanOrEqual(500);
      const fields = [["realm", n.realm], ["domain", n.domain], ["contract", n.contract], ["from_repo", n.from_repo], ...n.recipients.map((x) => ["recipient", x]), ...n.acknowledged_by.map((x) => ["acknowledged_by", x])];
      for (const [k, f] of fields) expect([k, chars(f!) <= 200]).toEqual([k, true]);
    }
    for (const x of db.sessions()) for (const f of [x.id, x.repo, x.realm, ...x.active_domains]) expect(chars(f)).toBeLessThanOrEqual(200);
    for (const x of db.realms()) expect(x.local_path.length + x.forgejo_url.length).toBeLessThanOrEqual(8192);
    // And the daemon still answers as before.
    expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
  });

  test("random bytes as a whole request on a raw socket: the daemon answers or closes, and keeps serving", async () => {
    const r = rng(SEED + 1);
    for (let i = 0; i < 40; i++) {
      const garbage = i % 2 ? crypto.getRandomValues(new Uint8Array(1 + int(r, 3000))) : new TextEncoder().encode(`${pick(r, METHODS)} /${randomString(r, 30)} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Length: ${pick(r, ["5", "-1", "abc", "99999999999999999999"])}\r\n\r\n${randomString(r, 40)}`);
      await new Promise<void>((resolve) => {
        const done = setTimeout(resolve, 300); // nothing more to read: the socket is dropped, the daemon must not care
        Bun.connect({
          hostname: "127.0.0.1",
          port,
          socket: {
            open: (s) => void s.write(garbage),
            data: () => {},
            close: () => (clearTimeout(done), resolve()),
            error: () => (clearTimeout(done), resolve()),
          },
        }).then((s) => setTimeout(() => s.end(), 290));
      });
    }
    expect((await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(5000) })).status).toBe(200);
  });
});

/** Characters as Zod's max() counts them: code points. */
const chars = (s: string) => [...s].length;

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
