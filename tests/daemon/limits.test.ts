// The daemon's limits (issue 18, items 2 and 7), over real HTTP: the app served by Bun.serve on a free port, as
// server.ts serves it, so Content-Length, chunked bodies and client disconnects are the real ones.
import { afterEach, describe, expect, test } from "bun:test";
import { cpSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ErrorBody, NotificationInput } from "../../src/daemon/api.ts";
import { createApp, IDLE_AFTER_MS, type AppDeps } from "../../src/daemon/app.ts";
import { makeClient } from "../../src/daemon/client.ts";
import { BODY_LIMITS } from "../../src/daemon/limits.ts";
import { CHANGES_MAX_BYTES, fitChanges } from "../../src/daemon/wire.ts";
import { openDaemonDb } from "../../src/store/daemon-db.ts";

const TOKEN = "test-token-123";
const servers: ReturnType<typeof Bun.serve>[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.stop(true);
});

function serve(opts: { now?: () => Date; syncRealm?: AppDeps["syncRealm"] } = {}) {
  const db = openDaemonDb(join(mkdtempSync(join(tmpdir(), "blue-limits-")), "daemon.db"));
  let port = 0;
  const app = createApp({ db, token: TOKEN, port: () => port, version: "0.1.0", startedAt: "2026-11-25T09:00:00Z", clock: opts.now ?? (() => new Date("2026-11-25T10:00:00Z")), syncRealm: opts.syncRealm ?? (async () => ({ head: "abc" })) });
  const server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: app.fetch, idleTimeout: 30 });
  servers.push(server);
  port = server.port!;
  const call = (path: string, init: RequestInit & { headers?: Record<string, string> } = {}) =>
    fetch(`http://127.0.0.1:${port}${path}`, { ...init, headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json", ...init.headers } });
  return { app, db, port, call };
}

const realmDir = () => {
  const dir = mkdtempSync(join(tmpdir(), "blue-limits-realm-"));
  cpSync(join(import.meta.dir, "..", "fixtures", "realms", "good"), dir, { recursive: true });
  return dir;
};

/** Every route that takes a JSON body, from the app itself (POST routes but the sync and the dashboard's code, which
 *  take none, and the dashboard's forms, which take a form of a few KB: tests/dashboard/routes.test.ts). */
function jsonRoutes(app: ReturnType<typeof createApp>): string[] {
  return app.routes.filter((r) => r.method === "POST" && !r.path.endsWith("/sync") && r.path !== "/dashboard-codes" && !r.path.startsWith("/dashboard/")).map((r) => r.path.replace(":name", "r").replace(":repo", "aperture").replace(":id", "1"));
}

async function errorOf(res: Response): Promise<{ code: string; message: string }> {
  return ErrorBody.parse(await res.json()).error;
}

const notification = (changes: string[]) => ({ realm: "r", domain: "s3-access", contract: "s3-permissions", from_repo: "aperture", change_type: "updated", version: "1.5.0", changes, recipients: ["fungal"] });

describe("request bodies", () => {
  test("a JSON route refuses another content type (or none) with 415 and the error document", async () => {
    const { app, call } = serve();
    const routes = jsonRoutes(app);
    expect(routes.length).toBeGreaterThanOrEqual(6);
    for (const path of routes) {
      for (const type of ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", ""]) {
        const res = await call(path, { method: "POST", body: "{}", headers: { "content-type": type } });
        expect([path, type, res.status]).toEqual([path, type, 415]);
        expect((await errorOf(res)).code).toBe("unsupported_media_type");
      }
    }
    // A charset, or a +json type, is still JSON.
    expect((await call("/sessions", { method: "POST", body: JSON.stringify({ id: "s", repo: "a", realm: "r" }), headers: { "content-type": "application/json; charset=utf-8" } })).status).toBe(201);
  });

  test("a body over its route's limit is a 413 with the error document, whether its length is declared or it is streamed", async () => {
    const { app, call } = serve();
    const limits: Record<string, number> = { "/realms": BODY_LIMITS.realm, "/sessions": BODY_LIMITS.session, "/notifications": BODY_LIMITS.notification };
    for (const path of jsonRoutes(app)) {
      const limit = limits[path] ?? (path.endsWith("/status") ? BODY_LIMITS.session : BODY_LIMITS.ack);
      const big = JSON.stringify({ pad: "x".repeat(limit) });
      const declared = await call(path, { method: "POST", body: big });
      expect([path, declared.status]).toEqual([path, 413]);
      expect((await errorOf(declared)).code).toBe("too_large");
      const bytes = new TextEncoder().encode(big);
      const streamed = await call(path, {
        method: "POST",
        body: new ReadableStream({
          start(c) {
            for (let i = 0; i < bytes.length; i += 1000) c.enqueue(bytes.subarray(i, i + 1000));
            c.close();
          },
        }),
      });
      expect([path, "streamed", streamed.status]).toEqual([path, "streamed", 413]);
    }
  });

  test("a notification with 50 MB of changes is refused, not stored; one over 64 KB in small lines is a 400", async () => {
    const { call, db } = serve();
    const huge = await call("/notifications", { method: "POST", body: JSON.stringify(notification(["x".repeat(50 * 1024 * 1024)])) });
    expect(huge.status).toBe(413);
    const many = await call("/notifications", { method: "POST", body: JSON.stringify(notification(Array(100).fill("y".repeat(700)))) });
    expect(many.status).toBe(400);
    expect((await errorOf(many)).message).toBe("changes: must be at most 64 KB in all");
    expect(db.notifications({})).toEqual([]);
    const fits = await call("/notifications", { method: "POST", body: JSON.stringify(notification(Array(80).fill("y".repeat(700)))) });
    expect(fits.status).toBe(201);
  });

  test("the CLI cuts a long change list to what the daemon takes, and says how much it left out", () => {
    const lines = Array.from({ length: 5000 }, (_, i) => `+ field${i}: ${"z".repeat(40)}`);
    const cut = fitChanges([...lines, "w".repeat(10_000)]);
    expect(NotificationInput.safeParse(notification(cut)).success).toBe(true);
    expect(cut.at(-1)).toMatch(/^… and \d+ more \(see the contract's evolution\)$/);
    expect(fitChanges(["a", "b"])).toEqual(["a", "b"]);
    expect(NotificationInput.safeParse(notification(fitChanges(["é".repeat(4096), ...Array(40).fill("é".repeat(1000))]))).success).toBe(true);
    expect(CHANGES_MAX_BYTES).toBe(64 * 1024);
  });

  test("the CLI's typed client sends what the JSON routes take", async () => {
    const { port } = serve();
    const client = makeClient(port, TOKEN);
    expect((await client.realms.$post({ json: { name: "r", url: "/r.git", local_path: realmDir() } })).status).toBe(201);
    expect((await client.sessions.$post({ json: { id: "s1", repo: "aperture", realm: "r", pid: process.pid } })).status).toBe(201);
    const posted = await client.notifications.$post({ json: { ...notification(["+ a"]), change_type: "updated" } });
    expect(posted.status).toBe(201);
    expect((await client.realms[":name"].repos[":repo"].ack.$post({ param: { name: "r", repo: "fungal" }, json: { contract: "s3-permissions" } })).status).toBe(200);
    expect((await client.realms[":name"].repos[":repo"].status.$post({ param: { name: "r", repo: "aperture" }, json: { session: { id: "s1", repo: "aperture", realm: "r" } } })).status).toBe(200);
    expect((await client.realms[":name"].sync.$post({ param: { name: "r" } })).status).toBe(200);
  });
});

/** A fetch the test lets finish. */
function gate() {
  const runs: { name: string; release: () => void }[] = [];
  const syncRealm = (name: string) => new Promise<{ head: string }>((resolve) => runs.push({ name, release: () => resolve({ head: "abc" }) }));
  return { runs, syncRealm };
}
const until = async (ok: () => boolean) => {
  for (let i = 0; i < 500 && !ok(); i++) await Bun.sleep(10);
  expect(ok()).toBe(true);
};

describe("/realms/{name}/sync", () => {
  test("per realm one runs and one waits; a third is refused with 429 and Retry-After; another realm is not held up", async () => {
    const g = gate();
    const { call } = serve({ syncRealm: g.syncRealm });
    for (const name of ["r", "other"]) await call("/realms", { method: "POST", body: JSON.stringify({ name, url: `/${name}.git`, local_path: realmDir() }) });
    const sync = (name = "r") => call(`/realms/${name}/sync`, { method: "POST" });
    const first = sync();
    await until(() => g.runs.length === 1);
    const second = sync();
    await Bun.sleep(50);
    const third = await call("/realms/r/sync", { method: "POST", signal: AbortSignal.timeout(5000) }); // a refusal is at once
    expect(third.status).toBe(429);
    expect(Number(third.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(await errorOf(third)).toMatchObject({ code: "sync_busy" });
    const elsewhere = sync("other");
    await until(() => g.runs.length === 2);
    g.runs[1]!.release();
    expect((await elsewhere).status).toBe(200);

    expect(g.runs.map((r) => r.name)).toEqual(["r", "other"]); // the waiting one has not started
    g.runs[0]!.release();
    expect((await first).status).toBe(200);
    await until(() => g.runs.length === 3);
    g.runs[2]!.release();
    expect((await second).status).toBe(200);
    expect(g.runs.map((r) => r.name)).toEqual(["r", "other", "r"]);
    // Both places free again: the next one runs at once.
    const again = sync();
    await until(() => g.runs.length === 4);
    g.runs[3]!.release();
    expect((await again).status).toBe(200);
  });

  test("a waiting fetch whose client disconnected is not started, and frees its place", async () => {
    const g = gate();
    const { call } = serve({ syncRealm: g.syncRealm });
    await call("/realms", { method: "POST", body: JSON.stringify({ name: "r", url: "/r.git", local_path: realmDir() }) });
    const running = call("/realms/r/sync", { method: "POST" });
    await until(() => g.runs.length === 1);
    const gone = new AbortController();
    const waiting = call("/realms/r/sync", { method: "POST", signal: gone.signal }).catch((e: Error) => e.name);
    await Bun.sleep(50);
    gone.abort();
    expect(await waiting).toBe("AbortError");
    // Its place is free: another client takes it (no 429).
    const gone2 = new AbortController();
    const next = call("/realms/r/sync", { method: "POST", signal: gone2.signal }).catch((e: Error) => e.name);
    await Bun.sleep(50);
    gone2.abort();
    expect(await next).toBe("AbortError");
    await Bun.sleep(50);
    g.runs[0]!.release();
    expect((await running).status).toBe(200);
    await Bun.sleep(200);
    expect(g.runs).toHaveLength(1); // neither disconnected client's fetch was run
  });
});

describe("sessions without a pid", () => {
  test("expire after the idle timeout: not listed, and removed by the sweep; a session whose process lives stays", async () => {
    let now = new Date("2026-11-25T10:00:00Z");
    const { app, db, call } = serve({ now: () => now });
    const register = (id: string, pid?: number) => call("/sessions", { method: "POST", body: JSON.stringify({ id, repo: "aperture", realm: "r", pid }) });
    await register("no-pid");
    await register("with-pid", process.pid);
    const listed = async () => ((await (await call("/sessions")).json()) as { sessions: { id: string; state: string }[] }).sessions.map((s) => [s.id, s.state]).sort();

    now = new Date(now.getTime() + IDLE_AFTER_MS - 1000);
    expect(app.sweepSessions()).toBe(0);
    expect(await listed()).toEqual([["no-pid", "active"], ["with-pid", "active"]]);

    now = new Date(now.getTime() + 2000);
    expect(app.sweepSessions()).toBe(1);
    expect(db.sessions().map((s) => s.id)).toEqual(["with-pid"]);
    expect(await listed()).toEqual([["with-pid", "idle"]]);

    // Between sweeps, an expired one is not listed either (and is removed when the list is asked for).
    await register("late");
    now = new Date(now.getTime() + IDLE_AFTER_MS + 1000);
    expect(await listed()).toEqual([["with-pid", "idle"]]);
    expect(db.sessions().map((s) => s.id)).toEqual(["with-pid"]);
    // A heartbeat keeps it.
    await register("beating");
    now = new Date(now.getTime() + IDLE_AFTER_MS / 2);
    await register("beating");
    now = new Date(now.getTime() + IDLE_AFTER_MS / 2 + 1000);
    expect(await listed()).toEqual([["beating", "active"], ["with-pid", "idle"]]);
  });
});
