// `blue dashboard` without a browser: it starts the daemon, mints a code, and hands the sign-in URL to the
// desktop's opener (xdg-open here, a stand-in script), or prints it when there is none or it fails.
import { afterAll, describe, expect, test } from "bun:test";
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CONTRACT_FILE, realmWithHistory, SCHEMA } from "./realm-world.ts";
import { BIN, Sandbox } from "./sandbox.ts";

const sb = new Sandbox();
const others: Sandbox[] = [];
afterAll(() => {
  sb.shutDaemon();
  for (const o of others) o.shutDaemon();
}, 60_000);

/** Signs in as a browser would: the code from `--no-open`, exchanged for the cookie; returns a page getter. */
async function signIn(box: Sandbox, cwd: string): Promise<(path: string) => Promise<{ status: number; html: string }>> {
  const url = box.blue(cwd, "dashboard", "--no-open").stdout.trim();
  const cookie = (await fetch(url, { redirect: "manual" })).headers.get("set-cookie")!.split(";")[0]!;
  return async (path) => {
    const res = await fetch(new URL(path, url), { headers: { cookie } });
    return { status: res.status, html: await res.text() };
  };
}

/** A PATH whose xdg-open records the URL it is given and exits with `code`. */
function opener(code: number): { PATH: string; seen: () => string } {
  const dir = sb.path(`opener-${code}`);
  mkdirSync(dir, { recursive: true });
  const log = join(dir, "seen");
  writeFileSync(join(dir, "xdg-open"), `#!/bin/sh\nprintf '%s' "$1" > '${log}'\nexit ${code}\n`);
  chmodSync(join(dir, "xdg-open"), 0o755);
  return { PATH: `${dir}:${process.env.PATH}`, seen: () => readFileSync(log, "utf8") };
}

const SIGN_IN = /^http:\/\/127\.0\.0\.1:\d+\/dashboard\/login\?code=[\w-]{20,}$/;

describe("blue dashboard", () => {
  test("starts the daemon and opens the sign-in URL in the browser; the URL is not printed", () => {
    const o = opener(0);
    const run = sb.exec(BIN, ["dashboard"], sb.root, { PATH: o.PATH });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Dashboard opened in your browser \(http:\/\/127\.0\.0\.1:\d+\/dashboard\)/);
    expect(run.stdout).not.toContain("code=");
    expect(o.seen()).toMatch(SIGN_IN);
  });

  test("an opener that fails: the URL is printed instead, with why", () => {
    const o = opener(3);
    const run = sb.exec(BIN, ["dashboard"], sb.root, { PATH: o.PATH });
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toMatch(SIGN_IN);
    expect(run.stderr).toContain("could not open a browser");
  });

  test("--no-open prints a new code each time; each signs in once", async () => {
    const first = sb.blue(sb.root, "dashboard", "--no-open").stdout.trim();
    const second = sb.blue(sb.root, "dashboard", "--no-open").stdout.trim();
    expect(first).toMatch(SIGN_IN);
    expect(second).not.toBe(first);
    const login = await fetch(first, { redirect: "manual" });
    expect(login.status).toBe(303);
    expect(login.headers.get("set-cookie")).toContain("HttpOnly");
    expect((await fetch(first, { redirect: "manual" })).status).toBe(403);
  });

  test("the daemon stops at once with a page listening for changes", async () => {
    const url = sb.blue(sb.root, "dashboard", "--no-open").stdout.trim();
    const cookie = (await fetch(url, { redirect: "manual" })).headers.get("set-cookie")!.split(";")[0]!;
    const events = await fetch(new URL("/dashboard/events", url), { headers: { cookie } });
    expect(events.status).toBe(200);
    const reader = events.body!.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toContain("event: ready");
    const stop = await sb.blueAsync(sb.root, ["daemon", "stop"]);
    expect(stop.stdout).toContain("Daemon stopped");
    // The stream ended with the daemon.
    let ended = false;
    for (let i = 0; i < 10 && !ended; i++) ended = (await reader.read().catch(() => ({ done: true }))).done;
    expect(ended).toBe(true);
  });

  test("a breaking change in flight: marked on the realm page, its impact and witness on the contract page", async () => {
    const w = realmWithHistory();
    others.push(w.sb);
    // A sync branch proposing 2.0.0, where `read` is no longer required (breaking for 1.x importers, backwards).
    const { required: _, ...optionalRead } = SCHEMA;
    w.edit("domains/s3-access/bindings/fungal-image-analysis.yaml", (d) => d.setIn(["imports", 0, "resolved_version"], "1.4.0"), "fungal at 1.4.0");
    w.sb.git(w.clone, "push", "-q", "origin", "main");
    const branch = "sync/aperture/20261130-120000";
    w.sb.git(w.clone, "checkout", "-q", "-b", branch);
    w.edit(CONTRACT_FILE, (d) => {
      d.set("version", "2.0.0");
      d.set("schema", optionalRead);
      (d.get("evolution") as { add: (x: unknown) => void }).add({ version: "2.0.0", changes: ["read is optional"], compatible: false });
    }, "aperture: s3-permissions 2.0.0");
    w.sb.git(w.clone, "push", "-q", "origin", branch);
    w.sb.git(w.clone, "checkout", "-q", "main");
    expect(w.sb.blue(w.fungal, "realm", "status").code).toBe(0);
    const page = await signIn(w.sb, w.fungal);
    const realm = await page("/dashboard/realms/letemcook");
    expect(realm.status).toBe(200);
    expect(realm.html).toContain("[BREAKING]");
    expect(realm.html).toMatch(/s3-permissions<\/a> <strong>2\.0\.0<\/strong>\s*<span class="tag breaking">breaking<\/span>/);
    const contract = await page("/dashboard/realms/letemcook/contracts/s3-access/s3-permissions");
    expect(contract.status).toBe(200);
    expect(contract.html).toContain("2.0.0 breaks fungal-image-analysis (imports &gt;=1.0.0 &lt;2.0.0, resolved 1.4.0)");
    expect(contract.html).toMatch(/witness: \{[^<]*\} is valid under 2\.0\.0 and rejected by 1\.4\.0/);
    const repo = await page("/dashboard/realms/letemcook/repos/aperture");
    expect(repo.html).toContain(branch);
  });
});
