// `blue dashboard` without a browser: it starts the daemon, mints a code, and hands the sign-in URL to the
// desktop's opener (xdg-open here, a stand-in script), or prints it when there is none or it fails.
import { afterAll, describe, expect, test } from "bun:test";
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { BIN, Sandbox } from "./sandbox.ts";

const sb = new Sandbox();
afterAll(() => sb.shutDaemon(), 60_000);

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
});
