import { describe, expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cpSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { Health, Notification, NotificationList, RealmDetails, RealmList, RepoStatus, Session, SessionList, SyncResult } from "../../src/daemon/api.ts";
import { VERSION_HEADER } from "../../src/daemon/wire.ts";
import { RepoView } from "../../src/realm/view.ts";
import { createApp, IDLE_AFTER_MS } from "../../src/daemon/app.ts";
import { openDaemonDb } from "../../src/store/daemon-db.ts";

const PORT = 40123;
const TOKEN = "test-token-123";

function setup(now = () => new Date("2026-11-25T10:00:00Z")) {
  const db = openDaemonDb(join(mkdtempSync(join(tmpdir(), "blue-app-")), "daemon.db"));
  const app = createApp({ db, token: TOKEN, port: () => PORT, version: "0.1.0", startedAt: "2026-11-25T09:00:00Z", clock: now, syncRealm: async () => ({ head: "abc" }) });
  const call = (path: string, init: RequestInit & { headers?: Record<string, string> } = {}) =>
    app.request(`http://127.0.0.1:${PORT}${path}`, {
      ...init,
      headers: { host: `127.0.0.1:${PORT}`, authorization: `Bearer ${TOKEN}`, "content-type": "application/json", ...init.headers },
    });
  return { db, app, call };
}

describe("daemon security", () => {
  test("/health answers without a token", async () => {
    const { call } = setup();
    const res = await call("/health", { headers: { authorization: "" } });
    expect(res.status).toBe(200);
    expect(Health.parse(await res.json()).version).toBe("0.1.0");
  });

  test("every other route refuses a missing or wrong token with 401", async () => {
    const { call } = setup();
    for (const path of ["/realms", "/sessions", "/notifications"]) {
      const none = await call(path, { headers: { authorization: "" } });
      expect(none.status).toBe(401);
      expect(await none.json()).toEqual({ error: { code: "unauthorized", message: "missing or wrong bearer token (see daemon.token)" } });
      expect((await call(path, { headers: { authorization: "Bearer wrong" } })).status).toBe(401);
      expect((await call(path, { headers: { authorization: TOKEN } })).status).toBe(401);
    }
  });

  test("a foreign Host is refused (DNS rebinding), even with the token", async () => {
    const { call } = setup();
    for (const host of ["evil.example:40123", `127.0.0.1:${PORT + 1}`, "127.0.0.1"]) {
      const res = await call("/health", { headers: { host } });
      expect(res.status).toBe(403);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("forbidden_host");
    }
    expect((await call("/health", { headers: { host: `localhost:${PORT}` } })).status).toBe(200);
  });

  test("a request from a web page (foreign Origin) is refused", async () => {
    const { call } = setup();
    const res = await call("/sessions", { headers: { origin: "https://evil.example" } });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("forbidden_origin");
    expect((await call("/sessions", { headers: { origin: `http://127.0.0.1:${PORT}` } })).status).toBe(200);
  });
});

describe("sessions", () => {
  test("register, refresh, list with active/idle, and deregister", async () => {
    let now = new Date("2026-11-25T10:00:00Z");
    const { call } = setup(() => now);
    const created = await call("/sessions", { method: "POST", body: JSON.stringify({ id: "s1", repo: "aperture", realm: "letemcook", pid: 4242, active_rfc: "training-metrics-v2" }) });
    expect(created.status).toBe(201);
    const s = Session.parse(((await created.json()) as { session: unknown }).session);
    expect(s).toMatchObject({ id: "s1", state: "active", active_rfc: "training-metrics-v2", started_at: "2026-11-25T10:00:00.000Z" });

    now = new Date(now.getTime() + IDLE_AFTER_MS + 1000);
    const listed = ((await (await call("/sessions?realm=letemcook")).json()) as { sessions: unknown[] }).sessions.map((x) => Session.parse(x));
    expect(listed.map((x) => [x.id, x.state])).toEqual([["s1", "idle"]]);

    await call("/sessions", { method: "POST", body: JSON.stringify({ id: "s1", repo: "aperture", realm: "letemcook" }) });
    const again = ((await (await call("/sessions")).json()) as { sessions: unknown[] }).sessions.map((x) => Session.parse(x));
    expect(again[0]).toMatchObject({ state: "active", active_rfc: "training-metrics-v2", pid: 4242, started_at: "2026-11-25T10:00:00.000Z" });

    expect((await call("/sessions/s1", { method: "DELETE" })).status).toBe(204);
    expect((await call("/sessions/s1", { method: "DELETE" })).status).toBe(404);
  });

  test("a session says which work tree and branch it is in; a refresh on another branch updates it", async () => {
    const { call } = setup();
    const post = (branch?: string) =>
      call("/sessions", { method: "POST", body: JSON.stringify({ id: "s1", repo: "aperture", realm: "letemcook", pid: 4242, repo_path: "/src/aperture/.worktrees/feat-x", branch }) });
    expect(Session.parse(((await (await post("feat/x")).json()) as { session: unknown }).session)).toMatchObject({ repo_path: "/src/aperture/.worktrees/feat-x", branch: "feat/x" });
    await post("feat/y");
    await post(undefined); // a detached HEAD says nothing: the branch last seen stays
    const [s] = ((await (await call("/sessions")).json()) as { sessions: unknown[] }).sessions.map((x) => Session.parse(x));
    expect(s).toMatchObject({ id: "s1", branch: "feat/y", repo_path: "/src/aperture/.worktrees/feat-x" });
  });

  test("the sessions of a repo that left its realm are not listed, and are removed", async () => {
    const { call, db } = setup();
    const realm = mkdtempSync(join(tmpdir(), "blue-app-realm-"));
    cpSync(join(import.meta.dir, "..", "fixtures", "realms", "good"), realm, { recursive: true });
    await call("/realms", { method: "POST", body: JSON.stringify({ name: "letemcook", url: "/r.git", local_path: realm }) });
    const session = (id: string, repo: string, realmName = "letemcook") =>
      call("/sessions", { method: "POST", body: JSON.stringify({ id, repo, realm: realmName, pid: 4242 }) });
    await session("a", "aperture");
    await session("p", "ml-infra"); // a pending member counts
    await session("gone", "fungal-image-analysis");
    await session("elsewhere", "whoever", "untracked"); // a realm this daemon does not track: nothing is known
    const listed = async (query = "") => ((await (await call(`/sessions${query}`)).json()) as { sessions: { id: string }[] }).sessions.map((x) => x.id).sort();
    expect(await listed("?realm=letemcook")).toEqual(["a", "gone", "p"]);

    // fungal-image-analysis leaves: its repos/ file goes (as `blue realm admin leave` commits it).
    rmSync(join(realm, "repos", "fungal-image-analysis.yaml"));
    for (const d of ["s3-access", "training-pipeline"]) {
      const file = join(realm, "domains", d, "domain.yaml");
      writeFileSync(file, readFileSync(file, "utf8").replace(/^\s*- fungal-image-analysis\n/m, ""));
      rmSync(join(realm, "domains", d, "bindings", "fungal-image-analysis.yaml"), { force: true });
    }
    const details = RealmDetails.parse(await (await call("/realms/letemcook")).json());
    expect(details.error).toBeNull();
    expect([...details.repos, ...details.pending]).not.toContain("fungal-image-analysis");
    expect(await listed("?realm=letemcook")).toEqual(["a", "p"]);
    expect(db.sessions().map((x) => x.id).sort()).toEqual(["a", "elsewhere", "p"]);
    expect(await listed()).toEqual(["a", "elsewhere", "p"]);
    const status = RepoStatus.parse(await (await call("/realms/letemcook/repos/aperture/status", { method: "POST", body: JSON.stringify({ session: { id: "a", repo: "aperture", realm: "letemcook" } }) })).json());
    expect(status.sessions.map((x) => x.id).sort()).toEqual(["a", "p"]);
  });

  test("a bad session body is a 400 in blue's error shape", async () => {
    const { call } = setup();
    const res = await call("/sessions", { method: "POST", body: JSON.stringify({ id: "s1", repo: "" }) });
    expect(res.status).toBe(400);
    const err = (await res.json()) as { error: { code: string; message: string } };
    expect(err.error.code).toBe("invalid_request");
    expect(err.error.message).toStartWith("repo: ");
  });
});

describe("notifications", () => {
  test("listed for the repos they are meant for until each acknowledges; never shown again after", async () => {
    const { call } = setup();
    const post = await call("/notifications", {
      method: "POST",
      body: JSON.stringify({ realm: "letemcook", domain: "s3-access", contract: "s3-permissions", from_repo: "aperture", change_type: "updated", version: "1.5.0", changes: ["+ training-metrics/experiments/*"], recipients: ["fungal", "ml-infra"] }),
    });
    expect(post.status).toBe(201);
    const n = Notification.parse(((await post.json()) as { notification: unknown }).notification);
    const pending = async (repo: string) =>
      ((await (await call(`/notifications?realm=letemcook&repo=${repo}&pending=true`)).json()) as { notifications: { id: number }[] }).notifications.map((x) => x.id);
    expect(await pending("fungal")).toEqual([n.id]);
    expect(await pending("aperture")).toEqual([]);

    const ack = await call(`/notifications/${n.id}/ack`, { method: "POST", body: JSON.stringify({ repo: "fungal" }) });
    expect(Notification.parse(((await ack.json()) as { notification: unknown }).notification).acknowledged_by).toEqual(["fungal"]);
    await call(`/notifications/${n.id}/ack`, { method: "POST", body: JSON.stringify({ repo: "fungal" }) });
    expect(await pending("fungal")).toEqual([]);
    expect(await pending("ml-infra")).toEqual([n.id]);
    expect((await call("/notifications/999/ack", { method: "POST", body: JSON.stringify({ repo: "fungal" }) })).status).toBe(404);
  });

  test("pending=true without a repo is refused", async () => {
    const { call } = setup();
    expect((await call("/notifications?pending=true")).status).toBe(400);
  });
});

describe("realms", () => {
  test("registered realms are listed, unknown ones are 404", async () => {
    const { call } = setup();
    expect((await call("/realms", { method: "POST", body: JSON.stringify({ name: "letemcook", url: "/r.git", local_path: "/nowhere" }) })).status).toBe(201);
    expect(await (await call("/realms")).json()).toEqual({ realms: [{ name: "letemcook", url: "/r.git", local_path: "/nowhere", last_sync: null, status: "active" }] });
    expect((await call("/realms/other")).status).toBe(404);
    expect((await call("/realms/other/sync", { method: "POST" })).status).toBe(404);
    expect((await call("/no/such/route")).status).toBe(404);
  });
});

describe("every route's output matches its Zod schema", () => {
  test("realms, realm details, a repo's view, sync, sessions and notifications", async () => {
    const { call } = setup();
    const realm = mkdtempSync(join(tmpdir(), "blue-app-realm-"));
    cpSync(join(import.meta.dir, "..", "fixtures", "realms", "good"), realm, { recursive: true });
    await call("/realms", { method: "POST", body: JSON.stringify({ name: "letemcook", url: "/r.git", local_path: realm }) });
    RealmList.parse(await (await call("/realms")).json());
    const details = RealmDetails.parse(await (await call("/realms/letemcook")).json());
    expect(details.pending).toEqual(["ml-infra"]);
    const view = RepoView.parse(((await (await call("/realms/letemcook/repos/aperture")).json()) as { view: unknown }).view);
    expect(view.exports.map((e) => e.contract)).toEqual(["s3-permissions"]);
    expect((await call("/realms/letemcook/repos/stranger")).status).toBe(404);
    SyncResult.parse(await (await call("/realms/letemcook/sync", { method: "POST" })).json());
    SessionList.parse(await (await call("/sessions")).json());
    NotificationList.parse(await (await call("/notifications")).json());
  });
});

describe("a repo's status in one request", () => {
  test("registers the session, then answers with the view, pending notifications and the realm's sessions", async () => {
    const { call } = setup();
    const realm = mkdtempSync(join(tmpdir(), "blue-app-realm-"));
    cpSync(join(import.meta.dir, "..", "fixtures", "realms", "good"), realm, { recursive: true });
    const session = { id: "cli-1", repo: "fungal-image-analysis", realm: "letemcook", pid: 4242 };
    const ask = (repo: string) => call(`/realms/letemcook/repos/${repo}/status`, { method: "POST", body: JSON.stringify({ session: { ...session, repo } }) });
    const unknown = await ask("fungal-image-analysis");
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { code: string } }).error.code).toBe("not_found");

    await call("/realms", { method: "POST", body: JSON.stringify({ name: "letemcook", url: "/r.git", local_path: realm }) });
    for (const version of ["1.1.0", "1.5.0"]) {
      await call("/notifications", { method: "POST", body: JSON.stringify({ realm: "letemcook", domain: "s3-access", contract: "s3-permissions", from_repo: "aperture", change_type: "updated", version, recipients: ["fungal-image-analysis"] }) });
    }
    const res = await ask("fungal-image-analysis");
    expect(res.status).toBe(200);
    const answer = RepoStatus.parse(await res.json());
    expect(answer.view?.domains.map((d) => [d.name, d.role])).toEqual([["s3-access", "consumer"], ["training-pipeline", "member"]]);
    expect(answer.view_error).toBeNull();
    // fungal's import already resolves 1.4.0: the notice of 1.1.0 no longer concerns it.
    expect(answer.notifications.map((n) => n.version)).toEqual(["1.5.0"]);
    expect(answer.sessions.map((x) => [x.id, x.repo, x.state])).toEqual([["cli-1", "fungal-image-analysis", "active"]]);

    const stranger = RepoStatus.parse(await (await ask("stranger")).json());
    expect(stranger.view).toBeNull();
    expect(stranger.view_error).toBe("'stranger' is not a member of realm 'letemcook'");
    expect((await call("/realms/letemcook/repos/aperture/status", { method: "POST", body: JSON.stringify({ session: { id: "" } }) })).status).toBe(400);
  });

  test("every answer names the daemon's version, refusals included (the CLI skips /health on it)", async () => {
    const { call } = setup();
    for (const res of [await call("/health"), await call("/sessions"), await call("/sessions", { headers: { authorization: "" } }), await call("/no/such/route"), await call("/health", { headers: { host: "evil.example" } })]) {
      expect(res.headers.get(VERSION_HEADER)).toBe("0.1.0");
    }
  });
});

describe("a realm that does not load", () => {
  /** The good fixture registered under `name`, with `edit` applied to one of its files. */
  async function register(call: ReturnType<typeof setup>["call"], name: string, edit?: { file: string; to: (text: string) => string }) {
    const realm = mkdtempSync(join(tmpdir(), "blue-app-realm-"));
    cpSync(join(import.meta.dir, "..", "fixtures", "realms", "good"), realm, { recursive: true });
    if (edit) writeFileSync(join(realm, edit.file), edit.to(readFileSync(join(realm, edit.file), "utf8")));
    await call("/realms", { method: "POST", body: JSON.stringify({ name, url: `/${name}.git`, local_path: realm }) });
  }
  const bomb = (text: string) => `${text}bomb:\n  a: &a [x, x, x, x, x, x, x, x, x]\n${"bcdefghi".split("").map((n, i) => `  ${n}: &${n} [${Array(9).fill(`*${"abcdefghi"[i]}`).join(", ")}]\n`).join("")}`;
  const status = (call: ReturnType<typeof setup>["call"], realm: string, repo: string) =>
    call(`/realms/${realm}/repos/${repo}/status`, { method: "POST", body: JSON.stringify({ session: { id: `cli-${realm}`, repo, realm } }) });

  test("an alias bomb: that realm answers with its problem at file:line:col (not a 500), the other realm as before", async () => {
    const { call, db } = setup();
    await register(call, "hostile", { file: "domains/s3-access/contracts/s3-permissions.yaml", to: bomb });
    await register(call, "healthy");

    const view = await call("/realms/hostile/repos/aperture");
    expect(view.status).toBe(409);
    const message = ((await view.json()) as { error: { code: string; message: string } }).error;
    expect(message.code).toBe("invalid_realm");
    expect(message.message).toMatch(/^realm 'hostile' does not load: domains\/s3-access\/contracts\/s3-permissions\.yaml:\d+:\d+: bomb\.e\[0\]: aliases expand the file by more than 10000 nodes here/);
    const answer = RepoStatus.parse(await (await status(call, "hostile", "aperture")).json());
    expect(answer.view).toBeNull();
    expect(answer.view_error).toBe(message.message);
    const details = RealmDetails.parse(await (await call("/realms/hostile")).json());
    expect(details.realm.status).toBe("broken");
    expect(details.error).toBe(message.message);
    // A fetch (here, of nothing new) marks it broken in the list of realms too.
    expect((await call("/realms/hostile/sync", { method: "POST" })).status).toBe(200);
    expect(db.realm("hostile")?.status).toBe("broken");

    const healthy = RepoStatus.parse(await (await status(call, "healthy", "aperture")).json());
    expect(healthy.view?.exports.map((e) => e.contract)).toEqual(["s3-permissions"]);
    expect(healthy.view_error).toBeNull();
    expect(RealmDetails.parse(await (await call("/realms/healthy")).json())).toMatchObject({ realm: { status: "active" }, error: null });
  });

  test("a realm that needs a newer blue is broken with the upgrade line", async () => {
    const { call } = setup();
    await register(call, "newer", { file: "realm.yaml", to: (t) => `${t}min_blue_version: 99.0.0\ntrust_pins: [abc]\n` });
    const answer = RepoStatus.parse(await (await status(call, "newer", "aperture")).json());
    expect(answer.view_error).toMatch(/^realm 'letemcook' needs blue >= 99\.0\.0 \(this is blue \d+\.\d+\.\d+\): upgrade blue$/);
    expect(RealmDetails.parse(await (await call("/realms/newer")).json())).toMatchObject({ realm: { status: "broken" }, error: answer.view_error, domains: [] });
  });
});

describe("malformed requests", () => {
  test("a body that is not JSON is a 400 with the error document on every JSON route, never a 500", async () => {
    const { call } = setup();
    await call("/realms", { method: "POST", body: JSON.stringify({ name: "r", url: "/r.git", local_path: "/nowhere" }) });
    const routes = ["/realms", "/notifications", "/sessions", "/notifications/1/ack", "/realms/r/repos/a/status", "/realms/r/repos/a/ack"];
    for (const path of routes) {
      for (const body of ["{", "not json", '{"a":', "\u0000\u0001"]) {
        const res = await call(path, { method: "POST", body });
        expect([path, body, res.status]).toEqual([path, body, 400]);
        const doc = (await res.json()) as { error: { code: string; message: string } };
        expect(doc.error.code).toBe("invalid_request");
      }
    }
  });
});
