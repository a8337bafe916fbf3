// The dashboard inside the daemon's Hono app (DESIGN.md §7): pages take a server-side session, entered once
// with a code the CLI minted with the bearer token; the bearer token itself never reaches a page. Host must
// be the one canonical 127.0.0.1:<port>; a POST must come from that origin and carry the session's CSRF
// token; every answer carries the headers that keep it out of frames, other origins and inline code.
import { randomBytes } from "node:crypto";
import { Hono, type Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { streamSSE } from "hono/streaming";
import type { LoadResult } from "../realm/load.ts";
import type { Notification, Session } from "../daemon/api.ts";
import { cookieName, createAccess, type DashboardSession } from "./access.ts";
import { LIVE_SCRIPT, STYLE } from "./assets.ts";
import { createEventHub } from "./events.ts";
import { messagePage, realmListPage } from "./pages.ts";
import { createRealmStates } from "./realm-state.ts";
import { contractView, realmView, repoView } from "./views.ts";

export type DashboardRealm = { name: string; local_path: string; last_sync: string | null; status: string };

export type DashboardDeps = {
  port: () => number;
  clock: () => Date;
  /** A fresh secret (codes, session ids, CSRF tokens); injected so tests can name them. */
  random?: () => string;
  realms: () => DashboardRealm[];
  /** The daemon's cached load of a clone. */
  load: (clone: string) => LoadResult;
  /** Why a realm does not load (daemon/app.ts brokenBecause), or undefined. */
  broken: (name: string, load: LoadResult) => string | undefined;
  notifications: (realm: DashboardRealm, repo: string) => Notification[];
  sessions: (realm: string) => Session[];
  /** Fetch a realm now, as the daemon's own timer does. */
  fetch: (name: string, clone: string) => Promise<unknown>;
};

export const SECURITY_HEADERS = {
  "Content-Security-Policy": "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  "X-Content-Type-Options": "nosniff",
  // Not no-referrer: under it a browser sends `Origin: null` with the pages' own form POSTs, and the Origin check
  // (the real defence) would have to take null. same-origin sends no Referer to any other site all the same.
  "Referrer-Policy": "same-origin",
  "X-Frame-Options": "DENY",
  "Cache-Control": "no-store",
} as const;

/** Keep-alive comments on the event stream: the server drops a connection idle for 30 s. */
const PING_MS = 10_000;

type Env = { Variables: { session: DashboardSession } };

export function createDashboard(deps: DashboardDeps) {
  const random = deps.random ?? (() => randomBytes(32).toString("base64url"));
  const access = createAccess({ now: () => deps.clock().getTime(), random });
  const hub = createEventHub();
  const states = createRealmStates({ load: deps.load, generation: hub.generation, now: () => deps.clock().getTime() });
  const origin = () => `http://127.0.0.1:${deps.port()}`;
  const refuse = (c: Context, status: 401 | 403 | 404 | 413, title: string, message: string, hint: string) => c.html(messagePage(title, message, hint), status);
  const signIn = "Run 'blue dashboard' in a terminal: it opens the dashboard with a new one-time code.";
  const realmOf = (name: string) => deps.realms().find((r) => r.name === name);
  const ctx = { deps, states, access };
  const formLimit = bodyLimit({ maxSize: 4096, onError: (c) => refuse(c, 413, "Refused", "That form is larger than any dashboard form.", "Use the dashboard's own buttons.") });

  const routes = new Hono<Env>()
    .use("*", async (c, next) => {
      for (const [k, v] of Object.entries(SECURITY_HEADERS)) c.header(k, v);
      // One canonical host: a cookie set for 127.0.0.1 is not sent to localhost, and a rebinding name is refused.
      if (c.req.header("host") !== `127.0.0.1:${deps.port()}`) return refuse(c, 403, "Wrong address", "The dashboard answers only at its canonical address.", `Open ${origin()}/dashboard instead.`);
      // Cookies ignore ports: every 127.0.0.1 port is this site, so the Origin is what tells a page of ours apart.
      if (c.req.method !== "GET" && c.req.method !== "HEAD" && c.req.header("origin") !== origin()) {
        return refuse(c, 403, "Refused", "A change must come from a dashboard page of this daemon.", "Use the dashboard's own buttons.");
      }
      const path = c.req.path;
      if (path === "/dashboard/login" || path.startsWith("/dashboard/assets/")) return next();
      const session = access.session(getCookie(c, cookieName(deps.port())));
      if (!session) return refuse(c, 401, "Not signed in", "This page needs a dashboard session.", signIn);
      c.set("session", session);
      if (c.req.method === "GET" || c.req.method === "HEAD") return next();
      // A form is a token and a button: read at most a few KB of it, then ask for the session's CSRF token.
      return formLimit(c, async () => {
        const form = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
        const csrf = typeof form.csrf === "string" ? form.csrf : undefined;
        if (!access.csrfMatches(session, csrf)) {
          c.res = await refuse(c, 403, "Refused", "The form's token does not match this session.", "Reload the page and try again.");
          return;
        }
        await next();
      });
    })
    .get("/login", (c) => {
      const session = access.exchange(c.req.query("code") ?? "");
      if (!session) return refuse(c, 403, "Code refused", "This sign-in code was used already, has expired, or was never issued.", signIn);
      setCookie(c, cookieName(deps.port()), session.id, { httpOnly: true, sameSite: "Strict", path: "/dashboard" });
      return c.redirect("/dashboard", 303);
    })
    .get("/assets/dashboard.css", (c) => c.body(STYLE, 200, { "Content-Type": "text/css; charset=utf-8", "Cache-Control": "no-cache" }))
    .get("/assets/live.js", (c) => c.body(LIVE_SCRIPT, 200, { "Content-Type": "text/javascript; charset=utf-8", "Cache-Control": "no-cache" }))
    .get("/", async (c) => {
      const all = deps.realms();
      // One realm (the usual machine): its page is the dashboard's first page.
      if (all.length === 1) return c.html(await realmView(ctx, all[0]!, c.get("session").csrf, c.req.query("domain")));
      return c.html(realmListPage(all, c.get("session").csrf));
    })
    .get("/realms/:name", async (c) => {
      const r = realmOf(c.req.param("name"));
      if (!r) return refuse(c, 404, "No such realm", `This daemon tracks no realm '${c.req.param("name")}'.`, "Pick one from the realm list.");
      return c.html(await realmView(ctx, r, c.get("session").csrf, c.req.query("domain")));
    })
    .get("/realms/:name/contracts/:domain/:contract", async (c) => {
      const r = realmOf(c.req.param("name"));
      const html = r && (await contractView(ctx, r, c.req.param("domain"), c.req.param("contract"), c.get("session").csrf));
      if (!html) return refuse(c, 404, "No such contract", `No contract '${c.req.param("contract")}' in domain '${c.req.param("domain")}' here.`, "Pick one from the realm's page.");
      return c.html(html);
    })
    .get("/realms/:name/repos/:repo", async (c) => {
      const r = realmOf(c.req.param("name"));
      const html = r && (await repoView(ctx, r, c.req.param("repo"), c.get("session").csrf));
      if (!html) return refuse(c, 404, "No such repo", `No repo '${c.req.param("repo")}' in this realm.`, "Pick one from the realm's page.");
      return c.html(html);
    })
    .post("/realms/:name/fetch", async (c) => {
      const r = realmOf(c.req.param("name"));
      if (!r) return refuse(c, 404, "No such realm", `This daemon tracks no realm '${c.req.param("name")}'.`, "Pick one from the realm list.");
      // A failed or busy fetch is the daemon's to log; the page shows the realm as it is.
      await deps.fetch(r.name, r.local_path).catch(() => undefined);
      return c.redirect(`/dashboard/realms/${encodeURIComponent(r.name)}`, 303);
    })
    .post("/logout", (c) => {
      access.end(getCookie(c, cookieName(deps.port())) ?? "");
      deleteCookie(c, cookieName(deps.port()), { path: "/dashboard" });
      return c.html(messagePage("Signed out", "This browser's dashboard session is over.", signIn));
    })
    .get("/events", (c) =>
      streamSSE(c, async (stream) => {
        let finish = () => {};
        const over = new Promise<void>((resolve) => (finish = resolve));
        const unsubscribe = hub.subscribe({ send: (e) => void stream.writeSSE({ event: "change", data: JSON.stringify(e) }).catch(finish), close: () => finish() });
        stream.onAbort(() => finish());
        const ping = setInterval(() => void stream.write(": ping\n\n").catch(finish), PING_MS);
        await stream.writeSSE({ event: "ready", data: "{}" });
        await over;
        clearInterval(ping);
        unsubscribe();
      }),
    );

  return { routes, access, hub };
}

export type Dashboard = ReturnType<typeof createDashboard>;

/** Paths the dashboard answers, with its session instead of the bearer token. */
export const isDashboardPath = (path: string) => path === "/dashboard" || path.startsWith("/dashboard/");
