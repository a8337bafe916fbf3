// `blue realm pr` against GitHub's description-validating mock when GitHub says "too many requests": a small
// proxy in front of Prism answers the first PR creation it sees with 429 and `retry-after: 1`. blue waits the
// second, says so in one line, sends the request again and completes; with --max-wait 0 it stops with exit 69
// and says when to run the command again. Progress lines (repo n of N) show on a terminal (a pty from
// script(1)) and never in CI.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { GITHUB_SPEC, startPrism, type Prism } from "../forge/prism.ts";
import { BIN, initialSetup } from "./sandbox.ts";
import { withChange } from "./forge-world.ts";

const TOKEN = "rate-limit-e2e-secret-41d0";
const have = existsSync(GITHUB_SPEC) && Bun.which("script") !== null;
const WAIT_LINE = /GitHub rate limit: waiting until \d\d:\d\d:\d\d \(1 s\) — --max-wait 10m/g;

type Call = { method: string; path: string; status: number };

/** Forwards to Prism; answers the next `limit` PR creations with 429 + retry-after 1 instead. */
function startLimitingProxy(prism: Prism) {
  const calls: Call[] = [];
  const state = { limit: 0 };
  const server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    async fetch(req) {
      const u = new URL(req.url);
      if (req.method === "POST" && /^\/repos\/[^/]+\/[^/]+\/pulls$/.test(u.pathname) && state.limit > 0) {
        state.limit--;
        calls.push({ method: req.method, path: u.pathname, status: 429 });
        return Response.json({ message: "You have exceeded a secondary rate limit" }, { status: 429, headers: { "retry-after": "1" } });
      }
      const body = req.method === "GET" ? undefined : await req.text();
      const res = await fetch(`${prism.url}${u.pathname}${u.search}`, { method: req.method, headers: req.headers, body: body || undefined });
      calls.push({ method: req.method, path: u.pathname, status: res.status });
      return new Response(res.body, { status: res.status, headers: res.headers });
    },
  });
  return { url: `http://127.0.0.1:${server.port}`, calls, state, stop: () => server.stop(true) };
}

describe.skipIf(!have)("blue realm pr under GitHub's rate limit", () => {
  let prism: Prism;
  let proxy: ReturnType<typeof startLimitingProxy>;
  const { sb, aperture, fungal, steps } = initialSetup();
  const env = () => ({ BLUE_GITHUB_API_URL: proxy.url, BLUE_GITHUB_TOKEN: TOKEN });
  // Each run a change of its own (the title is part of the journal's key): a rerun of a finished one opens nothing.
  let run = 0;
  const pr = () => ["realm", "pr", "--rfc", "metrics-v2", "--title", `feat: metrics v2 (run ${++run})`];

  /** The binary on a pseudo-terminal (script(1)): stdout and stderr both arrive in `out`. */
  async function onTerminal(extraEnv: Record<string, string>, argv = pr()): Promise<{ code: number; out: string }> {
    const cmd = [BIN, ...argv].map((a) => `'${a.replaceAll("'", `'\\''`)}'`).join(" ");
    const p = Bun.spawn(["script", "-qec", cmd, "/dev/null"], { cwd: fungal, env: { ...sb.env, ...extraEnv, SHELL: "/bin/sh" }, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
    const [out, , code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
    // Colour codes aside: what a terminal shows.
    return { code, out: out.replaceAll("\r", "").replace(/\x1b\[[0-9;]*m/g, "") };
  }

  beforeAll(async () => {
    for (const s of steps) if (s.code !== 0) throw new Error(s.stderr);
    prism = await startPrism(GITHUB_SPEC);
    proxy = startLimitingProxy(prism);
    withChange({ sb, aperture, fungal, steps: [] }, (name) => `https://github.com/acme/${name}.git`);
  }, 120_000);
  afterAll(() => {
    proxy?.stop();
    prism?.stop();
    sb.shutDaemon();
  });

  test("on a terminal: waits out a 429 with retry-after 1, says so once, sends the PR again and completes, with repo n of N", async () => {
    proxy.calls.length = 0;
    proxy.state.limit = 1;
    const r = await onTerminal(env());
    expect(r.code).toBe(0);
    expect(r.out.match(WAIT_LINE)).toHaveLength(1);
    expect(r.out).toContain("[1/2] aperture: pushing feat/metrics-v2…");
    expect(r.out).toContain("[2/2] fungal-image-analysis: opening PR…");
    expect(r.out).toContain("Coordinated PRs for 'feat/metrics-v2':");
    expect(r.out).not.toContain(TOKEN);
    // The refused creation was sent again once, and only it: two PRs opened, none twice.
    const creations = proxy.calls.filter((c) => c.method === "POST" && c.path.endsWith("/pulls"));
    expect(creations.map((c) => [c.path.split("/")[3], c.status])).toEqual([
      ["aperture", 429],
      ["aperture", 201],
      ["fungal-image-analysis", 201],
    ]);
  }, 120_000);

  test("in CI: no progress lines, the table on stdout, and the wait still said on stderr", async () => {
    proxy.calls.length = 0;
    proxy.state.limit = 1;
    const r = await sb.blueAsync(fungal, pr(), { ...env(), CI: "true" });
    expect(r.code).toBe(0);
    expect(r.stderr.match(WAIT_LINE)).toHaveLength(1);
    expect(`${r.stdout}${r.stderr}`).not.toMatch(/\[\d+\/\d+\]/);
    expect(r.stderr.replace(WAIT_LINE, "").trim()).toBe("");
    expect(r.stdout).toContain("Coordinated PRs for 'feat/metrics-v2':");
  }, 120_000);

  test("no progress lines when stderr is not a terminal, and none on a terminal with CI=true", async () => {
    proxy.state.limit = 0;
    const piped = await sb.blueAsync(fungal, pr(), env());
    expect(piped.code).toBe(0);
    expect(piped.stderr).toBe("");
    const ci = await onTerminal({ ...env(), CI: "true" });
    expect(ci.code).toBe(0);
    expect(ci.out).not.toMatch(/\[\d+\/\d+\]/);
    expect(ci.out).toContain("Coordinated PRs for 'feat/metrics-v2':");
  }, 120_000);

  test("--max-wait 0 (or BLUE_MAX_WAIT=0) stops at the limit, resumable: the table says when it lifts, exit 1", async () => {
    const ways: { flag: string[]; env: Record<string, string> }[] = [{ flag: ["--max-wait", "0"], env: {} }, { flag: [], env: { BLUE_MAX_WAIT: "0" } }];
    for (const how of ways) {
      proxy.calls.length = 0;
      proxy.state.limit = 1;
      const r = await sb.blueAsync(fungal, [...pr(), ...how.flag], { ...env(), ...how.env });
      // A journaled run stops resumable: the table (exit 1) names the limit and when it lifts; the hint says then.
      expect(r.code).toBe(1);
      const row = r.stdout.split("\n").find((l) => l.includes("aperture"))!;
      expect(row).toMatch(/failed at PR opened: GitHub rate limit at github\.com \(POST \/repos\/acme\/aperture\/pulls\): it lifts at (\d\d:\d\d:\d\d), in 1 s, more than --max-wait 0s leaves \(0 s\)/);
      expect(r.stdout).toMatch(/fungal-image-analysis +not started/);
      const at = /lifts at (\d\d:\d\d:\d\d)/.exec(row)![1];
      const lines = r.stderr.trim().split("\n");
      expect(lines[0]).toStartWith("error: blue realm pr stopped at aperture: GitHub rate limit at github.com");
      expect(lines[1]).toBe(`Run 'blue realm pr' again after ${at} (or with --resume; --max-wait or BLUE_MAX_WAIT allows a longer wait): it does only what is left.`);
      expect(r.stderr).not.toContain("waiting until");
      expect(`${r.stdout}${r.stderr}`).not.toContain(TOKEN);
      // Nothing was sent after the refusal.
      expect(proxy.calls.at(-1)).toEqual({ method: "POST", path: "/repos/acme/aperture/pulls", status: 429 });
    }
  }, 120_000);

  test("a --max-wait that is no duration is a usage error before anything is pushed", async () => {
    const r = await sb.blueAsync(fungal, [...pr(), "--max-wait", "soon"], env());
    expect(r.code).toBe(64);
    expect(r.stderr).toContain("--max-wait 'soon' is not a duration");
  });

  test("blue realm worktree says repo n of N on a terminal, and nothing of it with CI=true", async () => {
    const tty = await onTerminal({}, ["realm", "worktree", "--rfc", "progress-a"]);
    expect(tty.code).toBe(0);
    expect(tty.out).toMatch(/\[1\/2\] aperture: creating .*\/\.worktrees\/feat-progress-a\/…/);
    expect(tty.out).toMatch(/\[2\/2\] fungal-image-analysis: creating .*\/\.worktrees\/feat-progress-a\/…/);
    const ci = await onTerminal({ CI: "true" }, ["realm", "worktree", "--rfc", "progress-b"]);
    expect(ci.code).toBe(0);
    expect(ci.out).not.toMatch(/\[\d+\/\d+\]/);
    expect(ci.out).toContain("Creating unified worktree 'feat/progress-b':");
  }, 120_000);
});
