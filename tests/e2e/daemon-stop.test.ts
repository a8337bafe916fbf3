// `blue daemon stop` returns only once the daemon's process is gone (issue 18, item 3): SIGTERM, a bounded wait,
// SIGKILL for a daemon that does not exit, and the old pid and port free when it returns, so a script that stops
// and starts never races the old daemon.
import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { Sandbox } from "./sandbox.ts";

const sandboxes: Sandbox[] = [];
afterAll(() => {
  for (const sb of sandboxes) sb.blue(sb.root, "daemon", "stop");
}, 60_000);

const runtime = (sb: Sandbox) => join(sb.env.XDG_RUNTIME_DIR!, "blue");
const info = (sb: Sandbox) => JSON.parse(readFileSync(join(runtime(sb), "daemon.json"), "utf8")) as { pid: number; port: number };

/** kill -0: true while the pid names any process, a zombie included. */
function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code !== "ESRCH";
  }
}

/** Whether the port can be bound again on 127.0.0.1 (the old daemon no longer holds it). */
async function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once("error", () => resolve(false));
    s.listen(port, "127.0.0.1", () => s.close(() => resolve(true)));
  });
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

describe("blue daemon stop", () => {
  test("returns after the process has exited: the old pid is gone and its port free, five stop+start rounds on one port", async () => {
    const sb = new Sandbox();
    sandboxes.push(sb);
    sb.env.BLUE_DAEMON_PORT = String(await freePort());
    for (let round = 0; round < 5; round++) {
      const start = sb.blue(sb.root, "daemon", "start");
      expect([start.code, start.stderr]).toEqual([0, ""]);
      const { pid, port } = info(sb);
      const stop = sb.blue(sb.root, "daemon", "stop");
      expect([stop.code, stop.stdout]).toEqual([0, "✓ Daemon stopped\n"]);
      expect(pidExists(pid)).toBe(false);
      expect(await portFree(port)).toBe(true);
      expect(existsSync(join(runtime(sb), "blue.pid"))).toBe(false);
    }
  }, 120_000);

  test("a daemon that does not exit on SIGTERM is killed after 5 s, and stop says so", async () => {
    const sb = new Sandbox();
    sandboxes.push(sb);
    expect(sb.blue(sb.root, "daemon", "start").code).toBe(0);
    const { pid, port } = info(sb);
    // Stopped, it can take no signal but SIGKILL: a daemon hung as far as SIGTERM is concerned.
    process.kill(pid, "SIGSTOP");
    const began = Date.now();
    const stop = sb.blue(sb.root, "daemon", "stop");
    expect([stop.code, stop.stdout, stop.stderr]).toEqual([0, "✓ Daemon killed after 5 s (it did not exit on SIGTERM)\n", ""]);
    expect(Date.now() - began).toBeGreaterThanOrEqual(5_000);
    expect(pidExists(pid)).toBe(false);
    expect(await portFree(port)).toBe(true);
    // It could not remove its own files; stop did, and the next start is clean.
    expect(existsSync(join(runtime(sb), "blue.pid"))).toBe(false);
    expect(existsSync(join(runtime(sb), "daemon.json"))).toBe(false);
    expect(sb.blue(sb.root, "daemon", "start").code).toBe(0);
    expect(info(sb).pid).not.toBe(pid);
  }, 60_000);

  test("a shell script's stop && start loop never sees the old daemon", () => {
    const sb = new Sandbox();
    sandboxes.push(sb);
    const script = `set -e
for i in 1 2 3; do
  "$BLUE" daemon start >/dev/null
  old=$(cat "$XDG_RUNTIME_DIR/blue/blue.pid")
  "$BLUE" daemon stop >/dev/null
  if kill -0 "$old" 2>/dev/null; then echo "old daemon $old still there"; exit 1; fi
done
echo done`;
    const r = sb.exec("sh", ["-c", script], sb.root, { BLUE: join(import.meta.dir, "../../dist/blue") });
    expect([r.code, r.stdout, r.stderr]).toEqual([0, "done\n", ""]);
  }, 120_000);
});
