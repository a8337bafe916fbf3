// `blue realm status` through the compiled binary, with a real daemon on a free port.
import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseDocument } from "yaml";
import { StatusDoc } from "../../src/realm/view.ts";
import { dailyDevelopment as daily, VALUE } from "./daily.ts";
import { BIN, type Sandbox } from "./sandbox.ts";

const sandboxes: Sandbox[] = [];
afterAll(() => {
  for (const sb of sandboxes) sb.shutDaemon();
}, 60_000);

function dailyDevelopment() {
  const setup = daily();
  sandboxes.push(setup.sb);
  return setup;
}

describe("blue realm status", () => {
  const { sb, aperture, fungal, writeCode } = dailyDevelopment();

  test("shows the realm, this repo's domains and contracts, and its own session", () => {
    const r = sb.blue(aperture, "realm", "status");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout.replace(/started (just now|\d+ min ago)/g, "started …")).toBe(
      [
        "aperture (in realm: letemcook)",
        "",
        "Domains:",
        "  s3-access (provider)",
        "    Contract: s3-permissions v1.4.0",
        "",
        "Active sessions:",
        // This shell's session: the command's parent process is the test runner.
        `  • aperture (you) — main in ${aperture}, pid ${process.pid}, started …`,
        "",
        "Notifications:",
        "  none",
        "",
      ].join("\n"),
    );
  });

  test("detects a local contract change from the code and names the affected repos", () => {
    writeCode({ ...VALUE, read: [...VALUE.read, "training-metrics/experiments/*"] });
    const r = sb.blue(aperture, "realm", "status");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      [
        "⚠ Contract change detected:",
        "  s3-permissions has local changes:",
        "    /read: + training-metrics/experiments/*",
        "  Affected repos:",
        "    - fungal-image-analysis (imports >=1.0.0 <2.0.0)",
        "  Run 'blue realm sync' to update realm",
      ].join("\n"),
    );
    const doc = StatusDoc.parse(JSON.parse(sb.blue(aperture, "realm", "status", "--json").stdout));
    expect(doc.local_changes).toEqual([
      {
        contract: "s3-permissions",
        domain: "s3-access",
        changes: [{ kind: "added", pointer: "/read", text: "/read: + training-metrics/experiments/*" }],
        schema_changes: [],
        affected: [{ repo: "fungal-image-analysis", range: ">=1.0.0 <2.0.0" }],
      },
    ]);
  });

  test("each change names where it is: a list's paths under its key, a key that came or went", () => {
    const { delete: _, ...rest } = VALUE;
    writeCode({ ...rest, read: [...VALUE.read, "training-metrics/experiments/*"], list: ["a", "b"] } as unknown as typeof VALUE);
    const r = sb.blue(aperture, "realm", "status");
    expect(r.stdout).toContain(
      ["  s3-permissions has local changes:", "    /delete: - []", "    /list: + a", "    /list: + b", "    /read: + training-metrics/experiments/*", "  Affected repos:"].join("\n"),
    );
    writeCode(VALUE);
  });

  test("a consumer sees the other repo's session and its pending notifications until it acknowledges", async () => {
    const info = JSON.parse(readFileSync(join(sb.env.XDG_RUNTIME_DIR!, "blue", "daemon.json"), "utf8"));
    const token = readFileSync(join(sb.env.BLUE_HOME!, "daemon.token"), "utf8").trim();
    const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
    const res = await fetch(`http://127.0.0.1:${info.port}/notifications`, {
      method: "POST",
      headers,
      body: JSON.stringify({ realm: "letemcook", domain: "s3-access", contract: "s3-permissions", from_repo: "aperture", change_type: "updated", version: "1.5.0", changes: ["+ training-metrics/experiments/*"], recipients: ["fungal-image-analysis"] }),
    });
    expect(res.status).toBe(201);
    const { notification } = (await res.json()) as { notification: { id: number } };

    const r = sb.blue(fungal, "realm", "status");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("  s3-access (consumer)\n    Contract: s3-permissions v1.4.0 · import >=1.0.0 <2.0.0, not resolved yet\n");
    expect(r.stdout).toMatch(new RegExp(`\n  • fungal-image-analysis \\(you\\) — main in ${fungal}, pid ${process.pid}, started (just now|\\d+ min ago)\n`));
    expect(r.stdout).toMatch(new RegExp(`\n  • aperture — main in ${aperture}, pid ${process.pid}, started (just now|\\d+ min ago)\n`));
    expect(r.stdout).toContain(
      "  Notification from aperture (just now):\n    Contract 's3-permissions' updated to 1.5.0\n    + training-metrics/experiments/*\n    Your import (>=1.0.0 <2.0.0) is still satisfied: run 'blue realm sync' to acknowledge 1.5.0\n",
    );
    expect(sb.blue(aperture, "realm", "status").stdout).toContain("Notifications:\n  none\n");

    await fetch(`http://127.0.0.1:${info.port}/notifications/${notification.id}/ack`, { method: "POST", headers, body: JSON.stringify({ repo: "fungal-image-analysis" }) });
    const doc = StatusDoc.parse(JSON.parse(sb.blue(fungal, "realm", "status", "--json").stdout));
    expect(doc.notifications).toEqual([]);
    expect(doc.sessions?.map((s) => [s.repo, s.you, s.state]).sort()).toEqual([
      ["aperture", false, "active"],
      ["fungal-image-analysis", true, "active"],
    ]);
  });
});

describe("sessions", () => {
  test("two shells in two worktrees of one repo are two lines that say which is which", () => {
    const { sb, aperture } = dailyDevelopment();
    sb.git(aperture, "add", "-A");
    sb.git(aperture, "commit", "-qm", "join letemcook");
    const worktree = sb.path("aperture-feat-x");
    sb.git(aperture, "worktree", "add", "-q", "-b", "feat/x", worktree);
    expect(sb.blue(aperture, "realm", "status").code).toBe(0);
    // Another shell (its own process) in the worktree.
    const r = sb.exec("sh", ["-c", `'${BIN}' realm status`], worktree);
    expect(r.code).toBe(0);
    const lines = r.stdout.split("\n").filter((l) => l.startsWith("  • aperture"));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(new RegExp(`^  • aperture \\(you\\) — feat/x in ${worktree}, pid \\d+, started (just now|\\d+ min ago)$`));
    expect(lines[1]).toMatch(new RegExp(`^  • aperture — main in ${aperture}, pid ${process.pid}, started (just now|\\d+ min ago)$`));
    expect(lines[0]).not.toContain(`pid ${process.pid},`);
    // The test runner's own session in the worktree is a third; --json lists each with its fields.
    const doc = StatusDoc.parse(JSON.parse(sb.blue(worktree, "realm", "status", "--json").stdout));
    expect(doc.sessions?.map((s) => [s.branch, s.repo_path, s.pid === process.pid, s.you]).sort()).toEqual([
      ["feat/x", worktree, false, false],
      ["feat/x", worktree, true, true],
      ["main", aperture, true, false],
    ]);
  });

  test("a repo that left the realm is no longer listed", () => {
    const { sb, aperture, fungal } = dailyDevelopment();
    expect(sb.blue(fungal, "realm", "status").code).toBe(0);
    expect(sb.blue(aperture, "realm", "status").stdout).toContain("  • fungal-image-analysis — main in ");
    expect(sb.blue(fungal, "realm", "admin", "leave").code).toBe(0);
    const r = sb.blue(aperture, "realm", "status");
    expect(r.stdout).toContain("  • aperture (you) — main in ");
    expect(r.stdout).not.toContain("fungal-image-analysis —");
    const doc = StatusDoc.parse(JSON.parse(sb.blue(aperture, "realm", "status", "--json").stdout));
    expect(doc.sessions?.map((s) => s.repo)).toEqual(["aperture"]);
  });
});

describe("the daemon's view of the realm", () => {
  test("follows the realm clone to its new commit", () => {
    const { sb, fungal } = dailyDevelopment();
    expect(sb.blue(fungal, "realm", "status").stdout).toContain("Contract: s3-permissions v1.4.0");
    const clone = sb.realmClone("letemcook");
    const file = join(clone, "domains/s3-access/contracts/s3-permissions.yaml");
    writeFileSync(file, readFileSync(file, "utf8").replace("version: 1.4.0", "version: 1.5.0"));
    sb.git(clone, "commit", "-qam", "s3-permissions 1.5.0");
    const after = sb.blue(fungal, "realm", "status");
    expect(after.stdout).toContain("Contract: s3-permissions v1.5.0 · import >=1.0.0 <2.0.0, not resolved yet\n");
    expect(after.stdout).not.toContain("Sessions and notifications unavailable");
  });
});

describe("notifications from realm fetches", () => {
  test("a version pushed from another machine reaches the importer when the daemon fetches the realm", async () => {
    const { sb, fungal } = dailyDevelopment();
    expect(sb.blue(fungal, "realm", "status").stdout).toContain("Notifications:\n  none\n");
    // A teammate publishes s3-permissions 1.5.0 from their own clone.
    const other = sb.path("teammate");
    sb.git(sb.root, "clone", "-q", sb.defaultRemote("letemcook"), other);
    const file = join(other, "domains/s3-access/contracts/s3-permissions.yaml");
    const doc = parseDocument(readFileSync(file, "utf8"));
    doc.set("version", "1.5.0");
    doc.set("evolution", [{ version: "1.5.0", changes: ["+ training-metrics/experiments/*"], compatible: true }]);
    writeFileSync(file, doc.toString());
    sb.git(other, "commit", "-qam", "s3-permissions 1.5.0");
    sb.git(other, "push", "-q", "origin", "main");

    const info = JSON.parse(readFileSync(join(sb.env.XDG_RUNTIME_DIR!, "blue", "daemon.json"), "utf8"));
    const token = readFileSync(join(sb.env.BLUE_HOME!, "daemon.token"), "utf8").trim();
    const res = await fetch(`http://127.0.0.1:${info.port}/realms/letemcook/sync`, { method: "POST", headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { notifications: number }).notifications).toBe(1);
    const again = await fetch(`http://127.0.0.1:${info.port}/realms/letemcook/sync`, { method: "POST", headers: { authorization: `Bearer ${token}` } });
    expect(((await again.json()) as { notifications: number }).notifications).toBe(0);

    const r = sb.blue(fungal, "realm", "status");
    expect(r.stdout).toContain("Contract: s3-permissions v1.5.0");
    expect(r.stdout).toContain("  Notification from aperture (just now):\n    Contract 's3-permissions' updated to 1.5.0\n    + training-metrics/experiments/*\n    Your import (>=1.0.0 <2.0.0) is still satisfied: run 'blue realm sync' to acknowledge 1.5.0\n");
  });
});

describe("blue realm status asks daemon.json's daemon directly, and falls back to starting one", () => {
  const runtime = (sb: Sandbox) => join(sb.env.XDG_RUNTIME_DIR!, "blue");
  const daemonInfo = (sb: Sandbox) => JSON.parse(readFileSync(join(runtime(sb), "daemon.json"), "utf8")) as { pid: number; version: string };
  const ownSession = "Active sessions:\n  • aperture (you) — main in ";
  /** No daemon running, but a token to send (it outlives the daemon), so a request reaches whatever listens. */
  const withToken = (sb: Sandbox) => {
    sb.blue(sb.root, "daemon", "start");
    sb.blue(sb.root, "daemon", "stop");
    expect(existsSync(join(sb.env.BLUE_HOME!, "daemon.token"))).toBe(true);
  };

  test("a daemon of another blue version, whose answer names no version of ours, is replaced", async () => {
    const { sb, aperture } = dailyDevelopment();
    withToken(sb);
    // It answers every request 200 with its /health body: only the version header tells it apart.
    const old = Bun.spawn(["bun", join(import.meta.dir, "../fixtures/old-daemon.ts"), "__daemon", runtime(sb)], { stdout: "pipe" });
    await old.stdout.getReader().read(); // "ready"
    const r = sb.blue(aperture, "realm", "status");
    expect(r.stderr).toBe("");
    expect(r.stdout).toContain(ownSession);
    expect(await old.exited).toBe(0);
    expect(daemonInfo(sb).version).toBe("0.1.0");
  });

  test("a stale daemon.json (nothing listens on its port) starts a daemon", () => {
    const { sb, aperture } = dailyDevelopment();
    sb.blue(sb.root, "daemon", "stop");
    mkdirSync(runtime(sb), { recursive: true });
    const dead = Bun.spawnSync(["true"]).pid;
    writeFileSync(join(runtime(sb), "daemon.json"), JSON.stringify({ pid: dead, port: 9, version: "0.1.0", started_at: "2026-01-01T00:00:00Z" }));
    const r = sb.blue(aperture, "realm", "status");
    expect(r.stderr).toBe("");
    expect(r.stdout).toContain(ownSession);
    expect(daemonInfo(sb).pid).not.toBe(dead);
  });

  test("whatever listens on daemon.json's port but never answers is given up on, and a daemon started", async () => {
    const { sb, aperture } = dailyDevelopment();
    withToken(sb);
    const silent = Bun.serve({ hostname: "127.0.0.1", port: 0, idleTimeout: 0, fetch: () => new Promise<Response>(() => {}) });
    try {
      mkdirSync(runtime(sb), { recursive: true });
      writeFileSync(join(runtime(sb), "daemon.json"), JSON.stringify({ pid: process.pid, port: silent.port, version: "0.1.0", started_at: "2026-01-01T00:00:00Z" }));
      const run = Bun.spawn([join(import.meta.dir, "../../dist/blue"), "realm", "status"], { cwd: aperture, env: sb.env, stdout: "pipe", stderr: "pipe" });
      expect(await run.exited).toBe(0);
      expect(await new Response(run.stdout).text()).toContain(ownSession);
      expect(daemonInfo(sb).pid).not.toBe(process.pid);
    } finally {
      silent.stop(true);
    }
  });
});

describe("blue realm status without a daemon", () => {
  test("prints what the realm clone says and one line on what is missing and why", () => {
    const { sb, aperture } = dailyDevelopment();
    const blocker = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response("not blue") });
    try {
      const r = sb.exec(join(import.meta.dir, "../../dist/blue"), ["realm", "status"], aperture, { BLUE_DAEMON_PORT: String(blocker.port) });
      expect(r.code).toBe(0);
      expect(r.stdout).toContain("  s3-access (provider)\n    Contract: s3-permissions v1.4.0\n");
      const last = r.stdout.trimEnd().split("\n").at(-1)!;
      expect(last).toStartWith("Sessions and notifications unavailable: the blue daemon did not start: cannot listen on 127.0.0.1:");
      expect(r.stdout).not.toContain("Active sessions:");
    } finally {
      blocker.stop(true);
    }
  });
});
