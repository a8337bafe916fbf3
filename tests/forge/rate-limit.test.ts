// Rate limits in the forge HTTP layer, against a local stub that answers as GitHub and Forgejo do when a token
// is over its limit (GitHub's REST docs, "Exceeding the rate limit"), with an injected clock and sleep: nothing
// here sleeps for real.
import { afterAll, beforeEach, describe, expect, test } from "bun:test";
import { createForge } from "../../src/forge/client.ts";
import type { ForgeTarget } from "../../src/forge/forge.ts";
import { maxWaitFrom, parseDuration, rateLimitDelay, rateLimitPolicy, type RateLimitWait } from "../../src/forge/rate-limit.ts";
import { ForgeError, ForgeUnreachable, RateLimited, UsageError } from "../../src/errors.ts";

const TOKEN = "rate-limit-secret-5b1e";
const T0 = Date.parse("2026-11-30T14:00:00Z");

type Scripted = { status: number; headers?: Record<string, string>; body?: unknown };
/** Answers queued per "METHOD path"; once a queue is empty, 200 with a PR (or [] for lists). */
let script = new Map<string, Scripted[]>();
let seen: { method: string; path: string; auth: string | null }[] = [];

const PULL = { number: 7, html_url: "https://x/pulls/7", state: "open", title: "t", body: "", head: { ref: "feat/x", sha: "a" }, base: { ref: "main", sha: "b" }, labels: [] };
const server = Bun.serve({
  port: 0,
  hostname: "127.0.0.1",
  async fetch(req) {
    const u = new URL(req.url);
    const key = `${req.method} ${u.pathname}`;
    seen.push({ method: req.method, path: u.pathname, auth: req.headers.get("authorization") });
    const next = script.get(key)?.shift();
    if (next) return Response.json(next.body ?? { message: "limited" }, { status: next.status, headers: next.headers });
    return Response.json(req.method === "GET" && u.pathname.endsWith("/pulls") ? [] : PULL, { status: req.method === "POST" ? 201 : 200 });
  },
});
afterAll(() => server.stop(true));

const target = (kind: "github" | "forgejo"): ForgeTarget => ({ kind, apiUrl: `http://127.0.0.1:${server.port}`, webUrl: "https://forge.test", host: "forge.test", owner: "acme", repo: "aperture" });

/** A clock that moves only when blue sleeps, and a record of every wait. */
function fakeTime(maxWaitMs = 10 * 60_000) {
  let now = T0;
  const waits: RateLimitWait[] = [];
  const slept: number[] = [];
  const policy = rateLimitPolicy({
    maxWaitMs,
    now: () => now,
    sleep: async (ms) => {
      slept.push(ms);
      now += ms;
    },
    onWait: (w) => waits.push(w),
  });
  return { policy, waits, slept, now: () => now };
}

const client = (kind: "github" | "forgejo", t: ReturnType<typeof fakeTime>) => createForge(target(kind), { token: TOKEN, source: "BLUE_GITHUB_TOKEN" }, { attempts: 1, rateLimits: t.policy });
const PULLS = "/repos/acme/aperture/pulls";

beforeEach(() => {
  script = new Map();
  seen = [];
});

describe("GitHub's primary rate limit", () => {
  test("a 403 with x-ratelimit-remaining 0 waits until x-ratelimit-reset, then sends the request again once", async () => {
    const reset = T0 / 1000 + 123;
    script.set(`GET ${PULLS}/7`, [{ status: 403, headers: { "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(reset) }, body: { message: "API rate limit exceeded" } }]);
    const t = fakeTime();
    const pr = await client("github", t).getPullRequest(7);
    expect(pr.number).toBe(7);
    // A second past the reset, for clocks that differ a little.
    expect(t.slept).toEqual([124_000]);
    expect(t.waits.map((w) => [w.forge, w.until.getTime(), w.ms])).toEqual([["GitHub", T0 + 124_000, 124_000]]);
    expect(seen.map((s) => s.method)).toEqual(["GET", "GET"]);
  });

  test("a 429 with the same headers is the primary limit too", async () => {
    script.set(`GET ${PULLS}/7`, [{ status: 429, headers: { "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(T0 / 1000 + 30) } }]);
    const t = fakeTime();
    await client("github", t).getPullRequest(7);
    expect(t.slept).toEqual([31_000]);
  });

  test("a success that leaves no request waits for the reset before the next one is sent", async () => {
    script.set(`GET ${PULLS}/7`, [{ status: 200, headers: { "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(T0 / 1000 + 60) }, body: PULL }]);
    const t = fakeTime();
    const forge = client("github", t);
    await forge.getPullRequest(7);
    expect(t.slept).toEqual([]);
    await forge.getPullRequest(7);
    expect(t.slept).toEqual([61_000]);
    expect(seen.length).toBe(2);
  });
});

describe("GitHub's secondary rate limits", () => {
  test("retry-after says how many seconds", async () => {
    script.set(`GET ${PULLS}/7`, [{ status: 403, headers: { "retry-after": "17" }, body: { message: "You have exceeded a secondary rate limit" } }]);
    const t = fakeTime();
    await client("github", t).getPullRequest(7);
    expect(t.slept).toEqual([17_000]);
  });

  test("without retry-after: at least a minute, doubling when refused again", async () => {
    const limited = { status: 403, body: { message: "You have exceeded a secondary rate limit. Please wait a few minutes before you try again." } };
    script.set(`GET ${PULLS}/7`, [limited, limited]);
    const t = fakeTime();
    await client("github", t).getPullRequest(7);
    expect(t.slept).toEqual([60_000, 120_000]);
    expect(seen.length).toBe(3);
  });

  test("a POST refused for its rate limit is sent again (the refusal proves it was not carried out)", async () => {
    script.set(`POST ${PULLS}`, [{ status: 429, headers: { "retry-after": "2" } }]);
    const t = fakeTime();
    const pr = await client("github", t).openPullRequest({ title: "t", body: "", head: "feat/x", base: "main" });
    expect(pr.number).toBe(7);
    expect(seen.map((s) => s.method)).toEqual(["POST", "POST"]);
    expect(t.slept).toEqual([2000]);
  });
});

describe("Forgejo's 429", () => {
  test("retry-after when it gives one, as seconds or as an HTTP date", async () => {
    script.set(`GET ${PULLS}/7`, [{ status: 429, headers: { "retry-after": "5" } }, { status: 429, headers: { "retry-after": new Date(T0 + 5000 + 42_000).toUTCString() } }]);
    const t = fakeTime();
    await client("forgejo", t).getPullRequest(7);
    expect(t.slept).toEqual([5000, 42_000]);
    expect(t.waits[0]!.forge).toBe("Forgejo");
  });

  test("without one, exponential backoff", async () => {
    script.set(`GET ${PULLS}/7`, [{ status: 429 }, { status: 429 }, { status: 429 }]);
    const t = fakeTime();
    await client("forgejo", t).getPullRequest(7);
    expect(t.slept).toEqual([10_000, 20_000, 40_000]);
  });
});

describe("what is not a rate limit, and the budget", () => {
  test("a 403 without a limit's headers or message is not sent again", async () => {
    script.set(`GET ${PULLS}/7`, [{ status: 403, headers: { "x-ratelimit-remaining": "4999" }, body: { message: "Resource not accessible by personal access token" } }]);
    const t = fakeTime();
    const err = await client("github", t).getPullRequest(7).catch((e) => e);
    expect(err).toBeInstanceOf(ForgeError);
    expect(err).not.toBeInstanceOf(RateLimited);
    expect(err.message).toContain("Resource not accessible");
    expect(seen.length).toBe(1);
    expect(t.slept).toEqual([]);
  });

  test("a POST that failed with a 500 is still not sent again (it may have been carried out)", async () => {
    script.set(`POST ${PULLS}`, [{ status: 500 }]);
    const t = fakeTime();
    const forge = createForge(target("github"), TOKEN, { attempts: 3, retryDelayMs: 1, rateLimits: t.policy });
    const err = await forge.openPullRequest({ title: "t", body: "", head: "feat/x", base: "main" }).catch((e) => e);
    expect(err).toBeInstanceOf(ForgeUnreachable);
    expect(err.message).toContain("answered 500");
    expect(seen.length).toBe(1);
  });

  test("a wait past --max-wait stops at once with RateLimited, the reset time and how to resume; the token never shows", async () => {
    const reset = T0 / 1000 + 3600;
    script.set(`POST ${PULLS}`, [{ status: 403, headers: { "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(reset) }, body: { message: `API rate limit exceeded for ${TOKEN}` } }]);
    const t = fakeTime(10 * 60_000);
    const err = await client("github", t).openPullRequest({ title: "t", body: "", head: "feat/x", base: "main" }).catch((e) => e);
    expect(err).toBeInstanceOf(RateLimited);
    expect(err.exitCode).toBe(69);
    expect(err.status).toBe(403);
    expect((err as RateLimited).resetsAt.getTime()).toBe(reset * 1000 + 1000);
    const at = new Date(reset * 1000 + 1000);
    const hhmmss = [at.getHours(), at.getMinutes(), at.getSeconds()].map((x) => String(x).padStart(2, "0")).join(":");
    expect(err.message).toContain(`it lifts at ${hhmmss}`);
    expect(err.message).toContain("--max-wait 10m");
    expect(err.hint).toBe(`Run the same command again after ${hhmmss} to resume (or allow a longer wait with --max-wait or BLUE_MAX_WAIT).`);
    expect(`${err.message} ${err.hint}`).not.toContain(TOKEN);
    expect(`${err.message} ${err.hint}`).not.toContain("Bearer");
    expect(t.slept).toEqual([]);
    expect(seen.length).toBe(1);
  });

  test("the budget is shared by every request of the command", async () => {
    const limited = { status: 429, headers: { "retry-after": "40" } };
    script.set(`GET ${PULLS}/7`, [limited, limited]);
    const t = fakeTime(60_000);
    const forge = client("forgejo", t);
    const err = await forge.getPullRequest(7).catch((e) => e);
    expect(t.slept).toEqual([40_000]);
    expect(err).toBeInstanceOf(RateLimited);
    expect(err.message).toContain("more than --max-wait 1m leaves (20 s)");
  });

  test("--max-wait 0 never waits", async () => {
    script.set(`GET ${PULLS}/7`, [{ status: 429, headers: { "retry-after": "1" } }]);
    const t = fakeTime(0);
    expect(await client("forgejo", t).getPullRequest(7).catch((e) => e)).toBeInstanceOf(RateLimited);
    expect(t.slept).toEqual([]);
  });

  test("a request refused ten times in a row stops even within the budget", async () => {
    script.set(`GET ${PULLS}/7`, Array.from({ length: 12 }, () => ({ status: 429, headers: { "retry-after": "1" } })));
    const t = fakeTime(60 * 60_000);
    const err = await client("forgejo", t).getPullRequest(7).catch((e) => e);
    expect(err).toBeInstanceOf(RateLimited);
    expect(err.message).toContain("still limited after 10 waits");
    expect(seen.length).toBe(11);
  });
});

describe("reading limits and durations", () => {
  const h = (x: Record<string, string>) => new Headers(x);
  test("rateLimitDelay", () => {
    const at = { kind: "github" as const, message: "", now: T0, tries: 0 };
    expect(rateLimitDelay({ ...at, status: 404, headers: h({ "retry-after": "5" }) })).toBeUndefined();
    expect(rateLimitDelay({ ...at, status: 403, headers: h({}) })).toBeUndefined();
    expect(rateLimitDelay({ ...at, status: 403, headers: h({ "retry-after": "0" }) })).toBe(1000);
    // retry-after wins over the reset (GitHub's docs check it first).
    expect(rateLimitDelay({ ...at, status: 429, headers: h({ "retry-after": "3", "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(T0 / 1000 + 100) }) })).toBe(3000);
    // A reset already past: a second's grace, then again.
    expect(rateLimitDelay({ ...at, status: 403, headers: h({ "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(T0 / 1000 - 5) }) })).toBe(1000);
  });

  test("durations for --max-wait and BLUE_MAX_WAIT", () => {
    expect(["10m", "90s", "1h30m", "0", "600", "2min"].map(parseDuration)).toEqual([600_000, 90_000, 5_400_000, 0, 600_000, 120_000]);
    expect(["", "ten", "-1", "1.5m", "m"].map(parseDuration)).toEqual([undefined, undefined, undefined, undefined, undefined]);
    expect(maxWaitFrom(undefined, {})).toBe(600_000);
    expect(maxWaitFrom(undefined, { BLUE_MAX_WAIT: "2m" })).toBe(120_000);
    expect(maxWaitFrom("0", { BLUE_MAX_WAIT: "2m" })).toBe(0);
    expect(() => maxWaitFrom("soon", {})).toThrow(UsageError);
    expect(() => maxWaitFrom(undefined, { BLUE_MAX_WAIT: "soon" })).toThrow(/BLUE_MAX_WAIT/);
  });
});
