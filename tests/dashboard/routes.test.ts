// The dashboard's door, over HTTP against the daemon's own app: a one-time code, the session cookie, and every
// refusal (no cookie, a spent or expired code, a foreign Host or Origin, a form without the CSRF token).
import { describe, expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createApp } from "../../src/daemon/app.ts";
import { CODE_TTL_MS } from "../../src/dashboard/access.ts";
import { openDaemonDb } from "../../src/store/daemon-db.ts";

const PORT = 40555;
const TOKEN = "test-token-dashboard-0123456789";
const ORIGIN = `http://127.0.0.1:${PORT}`;

function setup() {
  let now = new Date("2026-11-25T10:00:00Z");
  const db = openDaemonDb(join(mkdtempSync(join(tmpdir(), "blue-dash-")), "daemon.db"));
  const app = createApp({ db, token: TOKEN, port: () => PORT, version: "0.1.0", startedAt: now.toISOString(), clock: () => now, syncRealm: async () => ({ head: "abc" }) });
  const call = (path: string, init: RequestInit & { headers?: Record<string, string> } = {}) =>
    app.request(`${ORIGIN}${path}`, { redirect: "manual", ...init, headers: { host: `127.0.0.1:${PORT}`, ...init.headers } });
  const mint = async () => {
    const res = await call("/dashboard-codes", { method: "POST", headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(201);
    return ((await res.json()) as { code: string }).code;
  };
  const login = async () => {
    const res = await call(`/dashboard/login?code=${encodeURIComponent(await mint())}`);
    expect(res.status).toBe(303);
    const cookie = res.headers.get("set-cookie")!;
    return { cookie: cookie.split(";")[0]!, setCookie: cookie };
  };
  return { app, call, mint, login, advance: (ms: number) => (now = new Date(now.getTime() + ms)) };
}

const csrfOf = (html: string) => /name="csrf" value="([^"]+)"/.exec(html)![1]!;

describe("signing in", () => {
  test("a code minted with the bearer token opens a session: an HttpOnly, SameSite=Strict cookie named for the port, on /dashboard", async () => {
    const { call, login } = setup();
    const { cookie, setCookie } = await login();
    expect(cookie.startsWith(`blue_dashboard_${PORT}=`)).toBe(true);
    expect(setCookie).toContain("HttpOnly");
    expect(setCookie).toContain("SameSite=Strict");
    expect(setCookie).toContain("Path=/dashboard");
    const page = await call("/dashboard", { headers: { cookie } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("No realm yet");
    expect(html).not.toContain(TOKEN);
  });

  test("minting a code takes the bearer token", async () => {
    const { call } = setup();
    expect((await call("/dashboard-codes", { method: "POST" })).status).toBe(401);
    expect((await call("/dashboard-codes", { method: "POST", headers: { authorization: "Bearer wrong" } })).status).toBe(401);
  });

  test("a code signs in once: used again it is refused", async () => {
    const { call, mint } = setup();
    const code = await mint();
    expect((await call(`/dashboard/login?code=${code}`)).status).toBe(303);
    const again = await call(`/dashboard/login?code=${code}`);
    expect(again.status).toBe(403);
    expect(again.headers.get("set-cookie")).toBeNull();
    expect(await again.text()).toContain("used already, has expired");
  });

  test("an expired, unknown or missing code is refused", async () => {
    const { call, mint, advance } = setup();
    const code = await mint();
    advance(CODE_TTL_MS + 1);
    expect((await call(`/dashboard/login?code=${code}`)).status).toBe(403);
    expect((await call("/dashboard/login?code=made-up")).status).toBe(403);
    expect((await call("/dashboard/login")).status).toBe(403);
  });

  test("signing out ends the session", async () => {
    const { call, login } = setup();
    const { cookie } = await login();
    const csrf = csrfOf(await (await call("/dashboard", { headers: { cookie } })).text());
    const out = await call("/dashboard/logout", { method: "POST", headers: { cookie, origin: ORIGIN, "content-type": "application/x-www-form-urlencoded" }, body: `csrf=${encodeURIComponent(csrf)}` });
    expect(out.status).toBe(200);
    expect((await call("/dashboard", { headers: { cookie } })).status).toBe(401);
  });
});

describe("refusals", () => {
  test("no cookie (or a made-up one) → 401, and the bearer token does not open a page", async () => {
    const { call } = setup();
    const tries: Record<string, string>[] = [{}, { cookie: `blue_dashboard_${PORT}=guess` }, { authorization: `Bearer ${TOKEN}` }];
    for (const headers of tries) {
      const res = await call("/dashboard", { headers });
      expect(res.status).toBe(401);
      const html = await res.text();
      expect(html).toContain("Run &#39;blue dashboard&#39;");
      expect(html).not.toContain("live.js"); // a refusal does not listen for changes
    }
    expect((await call("/dashboard/events")).status).toBe(401);
    expect((await call("/dashboard/realms/letemcook")).status).toBe(401);
  });

  test("a cookie of another port's dashboard is not this one's", async () => {
    const { call, login } = setup();
    const { cookie } = await login();
    const other = cookie.replace(`blue_dashboard_${PORT}=`, `blue_dashboard_${PORT + 1}=`);
    expect((await call("/dashboard", { headers: { cookie: other } })).status).toBe(401);
  });

  test("a POST from a foreign Origin → 403, even with the session and its CSRF token", async () => {
    const { call, login } = setup();
    const { cookie } = await login();
    const csrf = csrfOf(await (await call("/dashboard", { headers: { cookie } })).text());
    const form = { "content-type": "application/x-www-form-urlencoded" };
    for (const origin of ["https://evil.example", `http://127.0.0.1:${PORT + 1}`, `http://localhost:${PORT}`, "null"]) {
      const res = await call("/dashboard/logout", { method: "POST", headers: { cookie, origin, ...form }, body: `csrf=${csrf}` });
      expect(res.status).toBe(403);
    }
    // No Origin at all: a browser always sends one on a POST, so a request without is not from a page of ours.
    expect((await call("/dashboard/logout", { method: "POST", headers: { cookie, ...form }, body: `csrf=${csrf}` })).status).toBe(403);
    expect((await call("/dashboard", { headers: { cookie } })).status).toBe(200);
  });

  test("a POST without the session's CSRF token → 403", async () => {
    const { call, login } = setup();
    const { cookie } = await login();
    const form = { cookie, origin: ORIGIN, "content-type": "application/x-www-form-urlencoded" };
    expect((await call("/dashboard/logout", { method: "POST", headers: form, body: "" })).status).toBe(403);
    expect((await call("/dashboard/logout", { method: "POST", headers: form, body: "csrf=wrong" })).status).toBe(403);
    expect((await call("/dashboard/logout", { method: "POST", headers: form, body: `csrf=${"x".repeat(10_000)}` })).status).toBe(413);
    expect((await call("/dashboard", { headers: { cookie } })).status).toBe(200);
  });

  test("a wrong Host → refused: the API's rebinding check, and localhost is not the dashboard's canonical address", async () => {
    const { call, login } = setup();
    const { cookie } = await login();
    for (const host of ["evil.example", `127.0.0.1:${PORT + 1}`, `localhost:${PORT}`]) {
      const res = await call("/dashboard", { headers: { cookie, host } });
      expect(res.status).toBe(403);
    }
    expect((await call(`/dashboard/login?code=x`, { headers: { host: `localhost:${PORT}` } })).status).toBe(403);
  });

  test("every answer carries the security headers, refusals included", async () => {
    const { call, login } = setup();
    const { cookie } = await login();
    for (const res of [await call("/dashboard", { headers: { cookie } }), await call("/dashboard"), await call("/dashboard/assets/live.js")]) {
      expect(res.headers.get("content-security-policy")).toStartWith("default-src 'self'");
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(res.headers.get("referrer-policy")).toBe("same-origin");
      expect(res.headers.get("x-frame-options")).toBe("DENY");
    }
  });
});

describe("pages", () => {
  test("no inline script or style: the page loads its assets from /dashboard/assets", async () => {
    const { call, login } = setup();
    const { cookie } = await login();
    const html = await (await call("/dashboard", { headers: { cookie } })).text();
    expect(html).toContain('<script src="/dashboard/assets/live.js" defer></script>');
    expect(html).not.toMatch(/<script>|<style|style="|\son[a-z]+=/);
    expect(html).toContain('<a class="skip" href="#content">');
    const js = await call("/dashboard/assets/live.js");
    expect(js.headers.get("content-type")).toStartWith("text/javascript");
  });

  test("the event stream answers a session with server-sent events, and hears a notification land", async () => {
    const { app, call, login } = setup();
    const { cookie } = await login();
    const res = await call("/dashboard/events", { headers: { cookie } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toStartWith("text/event-stream");
    const reader = res.body!.getReader();
    const read = async () => new TextDecoder().decode((await reader.read()).value);
    expect(await read()).toContain("event: ready");
    const posted = await call("/notifications", {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ realm: "letemcook", domain: "s3-access", contract: "s3-permissions", from_repo: "aperture", change_type: "updated", version: "1.5.0", recipients: ["fungal-image-analysis"] }),
    });
    expect(posted.status).toBe(201);
    const got = await read();
    expect(got).toContain("event: change");
    expect(got).toContain('"realm":"letemcook"');
    // The daemon fetching a realm is a change too.
    expect((await call("/realms", { method: "POST", headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" }, body: JSON.stringify({ name: "letemcook", url: "/r.git", local_path: "/nonexistent" }) })).status).toBe(201);
    expect((await call("/realms/letemcook/sync", { method: "POST", headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
    const fetched = await read();
    expect(fetched).toContain('"kind":"fetched"');
    app.closeDashboard();
    expect((await reader.read()).done).toBe(true);
  });
});
