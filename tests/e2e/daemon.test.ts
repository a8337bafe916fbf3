// The daemon as a real process: started by the compiled binary, on a free port, in a temporary home.
import { Database } from "bun:sqlite";
import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, readFileSync, statSync, writeFileSync, mkdirSync } from "node:fs";
import { networkInterfaces } from "node:os";
import { join } from "node:path";
import { processAlive } from "../../src/system/process-alive.ts";
import { BIN, initialSetup, Sandbox } from "./sandbox.ts";

const sandboxes: Sandbox[] = [];
function world(): Sandbox {
  const sb = new Sandbox();
  sandboxes.push(sb);
  return sb;
}
afterAll(() => {
  for (const sb of sandboxes) sb.shutDaemon();
}, 60_000);

const runtime = (sb: Sandbox) => join(sb.env.XDG_RUNTIME_DIR!, "blue");
const info = (sb: Sandbox) => JSON.parse(readFileSync(join(runtime(sb), "daemon.json"), "utf8")) as { pid: number; port: number; version: string };
const token = (sb: Sandbox) => readFileSync(join(sb.env.BLUE_HOME!, "daemon.token"), "utf8").trim();
const alive = processAlive;

describe("daemon lifecycle", () => {
  test("starts from a cold state, publishes its files, and stops cleanly", () => {
    const sb = world();
    expect(JSON.parse(sb.blue(sb.root, "daemon", "status", "--json").stdout).running).toBe(false);
    const start = sb.blue(sb.root, "daemon", "start");
    expect(start.code).toBe(0);
    const i = info(sb);
    expect(start.stdout).toBe(`✓ Daemon running on localhost:${i.port} (pid ${i.pid})\n`);
    expect(readFileSync(join(runtime(sb), "blue.pid"), "utf8").trim()).toBe(String(i.pid));
    expect(existsSync(join(sb.env.BLUE_HOME!, "daemon.db"))).toBe(true);
    expect(statSync(join(sb.env.BLUE_HOME!, "daemon.token")).mode & 0o777).toBe(0o600);
    expect(i.port).not.toBe(7865);
    const status = JSON.parse(sb.blue(sb.root, "daemon", "status", "--json").stdout);
    expect(status).toMatchObject({ running: true, pid: i.pid, port: i.port, version: "0.1.0" });

    expect(sb.blue(sb.root, "daemon", "stop").stdout).toBe("✓ Daemon stopped\n");
    expect(alive(i.pid)).toBe(false);
    expect(existsSync(join(runtime(sb), "blue.pid"))).toBe(false);
    expect(existsSync(join(runtime(sb), "daemon.json"))).toBe(false);
    expect(readFileSync(join(sb.env.BLUE_HOME!, "daemon.log"), "utf8")).toContain("SIGTERM: finishing in-flight requests");
  });

  test("ten commands starting it at the same moment start exactly one daemon", async () => {
    const sb = world();
    const procs = Array.from({ length: 10 }, () => Bun.spawn([BIN, "daemon", "start"], { cwd: sb.root, env: sb.env, stdout: "pipe", stderr: "pipe" }));
    const codes = await Promise.all(procs.map((p) => p.exited));
    const outs = await Promise.all(procs.map((p) => new Response(p.stdout).text()));
    expect(codes).toEqual(Array(10).fill(0));
    const pids = new Set(outs.map((o) => o.match(/pid (\d+)/)?.[1]));
    expect(pids.size).toBe(1);
    const log = readFileSync(join(sb.env.BLUE_HOME!, "daemon.log"), "utf8");
    expect(log.match(/listening on/g)).toHaveLength(1);
  });

  test("a stale pid file does not stop a new daemon from starting", () => {
    const sb = world();
    const dead = Bun.spawnSync(["true"]).pid;
    mkdirSync(runtime(sb), { recursive: true });
    writeFileSync(join(runtime(sb), "blue.pid"), `${dead}\n`);
    writeFileSync(join(runtime(sb), "daemon.json"), JSON.stringify({ pid: dead, port: 9, version: "0.0.1", started_at: "2026-01-01T00:00:00Z" }));
    const r = sb.blue(sb.root, "daemon", "start");
    expect(r.code).toBe(0);
    expect(info(sb).pid).not.toBe(dead);
    expect(alive(info(sb).pid)).toBe(true);
  });

  test("a daemon of another blue version is replaced on start", async () => {
    const sb = world();
    const old = Bun.spawn(["bun", join(import.meta.dir, "../fixtures/old-daemon.ts"), "__daemon", runtime(sb)], { stdout: "pipe" });
    await old.stdout.getReader().read(); // "ready"
    expect(info(sb).version).toBe("0.0.9");
    const start = Bun.spawn([BIN, "daemon", "start"], { cwd: sb.root, env: sb.env, stdout: "pipe", stderr: "pipe" });
    expect(await start.exited).toBe(0);
    expect(await old.exited).toBe(0);
    expect(info(sb)).toMatchObject({ version: "0.1.0" });
    expect(info(sb).pid).not.toBe(old.pid);
  });

  test("a missing token is one clear line and exit 69, not a crash", () => {
    const sb = world();
    sb.blue(sb.root, "daemon", "start");
    Bun.spawnSync(["rm", join(sb.env.BLUE_HOME!, "daemon.token")]);
    const r = sb.blue(sb.root, "daemon", "status");
    expect(r.code).toBe(69);
    expect(r.stderr).toBe(`error: cannot read the daemon's token (${join(sb.env.BLUE_HOME!, "daemon.token")})\nRestart the daemon so it writes a new one: blue daemon stop && blue daemon start\n`);
    expect(sb.blue(sb.root, "daemon", "stop").code).toBe(0);
    expect(sb.blue(sb.root, "daemon", "start").code).toBe(0);
    expect(sb.blue(sb.root, "daemon", "status").code).toBe(0);
  });

  test("listens on 127.0.0.1 only and checks the token over the wire", async () => {
    const sb = world();
    sb.blue(sb.root, "daemon", "start");
    const { port } = info(sb);
    expect((await fetch(`http://127.0.0.1:${port}/notifications`)).status).toBe(401);
    const ok = await fetch(`http://127.0.0.1:${port}/notifications`, { headers: { authorization: `Bearer ${token(sb)}` } });
    expect(ok.status).toBe(200);
    const external = Object.values(networkInterfaces()).flat().find((a) => a && a.family === "IPv4" && !a.internal);
    if (external) {
      await expect(fetch(`http://${external.address}:${port}/health`, { signal: AbortSignal.timeout(2000) })).rejects.toThrow();
    }
  });
});

describe("sessions", () => {
  test("realm commands in a member repo refresh its session when a daemon runs, and never start one", async () => {
    const { sb, aperture } = initialSetup();
    sandboxes.push(sb);
    expect(existsSync(join(runtime(sb), "daemon.json"))).toBe(false);
    sb.blue(sb.root, "daemon", "start");
    expect(sb.blue(aperture, "realm", "admin", "domain", "list").code).toBe(0);
    const { port } = info(sb);
    const res = await fetch(`http://127.0.0.1:${port}/sessions?realm=letemcook`, { headers: { authorization: `Bearer ${token(sb)}` } });
    const { sessions } = (await res.json()) as { sessions: { repo: string; pid: number }[] };
    expect(sessions.map((s) => s.repo)).toEqual(["aperture"]);
    expect(sessions[0]!.pid).toBe(process.pid);
  });

  test("sessions whose process is gone are removed when the daemon starts", async () => {
    const sb = world();
    sb.blue(sb.root, "daemon", "start");
    const dead = Bun.spawnSync(["true"]).pid;
    const auth = { authorization: `Bearer ${token(sb)}`, "content-type": "application/json" };
    const post = (id: string, pid: number) => fetch(`http://127.0.0.1:${info(sb).port}/sessions`, { method: "POST", headers: auth, body: JSON.stringify({ id, repo: "a", realm: "r", pid }) });
    expect((await post("gone", dead)).status).toBe(201);
    expect((await post("here", process.pid)).status).toBe(201);
    sb.blue(sb.root, "daemon", "stop");
    sb.blue(sb.root, "daemon", "start");
    const res = await fetch(`http://127.0.0.1:${info(sb).port}/sessions`, { headers: auth });
    expect(((await res.json()) as { sessions: { id: string }[] }).sessions.map((s) => s.id)).toEqual(["here"]);
    expect(readFileSync(join(sb.env.BLUE_HOME!, "daemon.log"), "utf8")).toContain("removed 1 orphaned session(s)");
  });

  test("daemon install --print shows a unit that runs this binary as the daemon", () => {
    const sb = world();
    const r = sb.blue(sb.root, "daemon", "install", "--print");
    expect(r.code).toBe(0);
    if (process.platform === "linux") {
      expect(r.stdout).toContain(`ExecStart=${BIN} __daemon\n`);
      expect(r.stdout).toContain(`Environment=BLUE_HOME=${sb.env.BLUE_HOME}\n`);
      expect(existsSync(join(sb.env.HOME!, ".config/systemd/user/blue.service"))).toBe(false);
    }
  });
});

describe("daemon robustness", () => {
  test("SIGTERM mid-request: requests in flight complete, then it exits clean", async () => {
    const sb = world();
    sb.blue(sb.root, "daemon", "start");
    const { pid, port } = info(sb);
    const auth = { authorization: `Bearer ${token(sb)}`, "content-type": "application/json" };
    // Enough rows that each listing takes a while to serialise.
    const db = new Database(join(sb.env.BLUE_HOME!, "daemon.db"));
    db.exec("PRAGMA busy_timeout = 5000");
    db.transaction(() => {
      const ins = db.query("INSERT INTO notifications (realm, domain, contract, from_repo, change_type, changes, recipients, created_at) VALUES ('r','d','c','a','updated','[\"+ x\"]','[\"b\"]','2026-01-01T00:00:00Z')");
      for (let i = 0; i < 10_000; i++) ins.run();
    })();
    db.close();
    const requests = Array.from({ length: 20 }, () =>
      fetch(`http://127.0.0.1:${port}/notifications?limit=10000`, { headers: auth }).then(
        async (r) => ({ status: r.status, rows: ((await r.json()) as { notifications: unknown[] }).notifications.length }),
        () => ({ status: 0, rows: 0 }),
      ),
    );
    await Bun.sleep(5);
    process.kill(pid, "SIGTERM");
    const results = await Promise.all(requests);
    // Each request either completed whole or was never accepted; none was cut off or failed inside.
    for (const r of results) expect(r.status === 0 || (r.status === 200 && r.rows === 10_000)).toBe(true);
    expect(results.some((r) => r.status === 200)).toBe(true);
    for (let i = 0; i < 200 && alive(pid); i++) await Bun.sleep(25);
    expect(alive(pid)).toBe(false);
    expect(existsSync(join(runtime(sb), "blue.pid"))).toBe(false);
    const check = new Database(join(sb.env.BLUE_HOME!, "daemon.db"));
    expect(check.query("PRAGMA integrity_check").get()).toEqual({ integrity_check: "ok" });
    check.close();
  });

  test("kill -9 during 1,000 concurrent session registrations: restart opens clean, every acknowledged write is there", async () => {
    const sb = world();
    sb.blue(sb.root, "daemon", "start");
    const { pid, port } = info(sb);
    const auth = { authorization: `Bearer ${token(sb)}`, "content-type": "application/json" };
    const acknowledged: string[] = [];
    const posts = Array.from({ length: 1000 }, (_, i) =>
      fetch(`http://127.0.0.1:${port}/sessions`, { method: "POST", headers: auth, body: JSON.stringify({ id: `s${i}`, repo: "aperture", realm: "letemcook" }) }).then(
        (r) => {
          if (r.status === 201) acknowledged.push(`s${i}`);
        },
        () => undefined,
      ),
    );
    await Bun.sleep(30);
    process.kill(pid, "SIGKILL");
    await Promise.all(posts);
    for (let i = 0; i < 200 && alive(pid); i++) await Bun.sleep(25);
    expect(alive(pid)).toBe(false);

    const restart = sb.blue(sb.root, "daemon", "start");
    expect(restart.code).toBe(0);
    const db = new Database(join(sb.env.BLUE_HOME!, "daemon.db"), { readonly: true });
    expect(db.query("PRAGMA integrity_check").get()).toEqual({ integrity_check: "ok" });
    const stored = new Set((db.query("SELECT id FROM sessions").all() as { id: string }[]).map((r) => r.id));
    db.close();
    const lost = acknowledged.filter((id) => !stored.has(id));
    expect(lost).toEqual([]);
    expect(acknowledged.length).toBeGreaterThan(0);
  });
});
