// The daemon's limits on the compiled binary (issue 18, items 2 and 7): a realm fetch held on the realm's lock
// (taken here, as a CLI command would hold it) shows the queue: one runs, one waits, the next is a 429 with
// Retry-After, and a client that disconnects while waiting gives its place up. A 50 MB notification is refused.
import { afterAll, describe, expect, test } from "bun:test";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { initialSetup } from "./sandbox.ts";

describe("the daemon's limits, on the compiled binary", () => {
  const { sb, aperture, steps } = initialSetup();
  afterAll(() => sb.shutDaemon());

  test("a realm's fetches: one runs, one waits, more are 429 with Retry-After; a disconnected waiter frees its place", async () => {
    expect(steps.map((s) => s.code)).toEqual([0, 0, 0, 0]);
    expect(sb.blue(aperture, "realm", "status").code).toBe(0); // starts the daemon and has it track the realm
    const info = JSON.parse(readFileSync(join(sb.env.XDG_RUNTIME_DIR!, "blue", "daemon.json"), "utf8")) as { port: number };
    const token = readFileSync(join(sb.env.BLUE_HOME!, "daemon.token"), "utf8").trim();
    const base = `http://127.0.0.1:${info.port}`;
    const auth = { authorization: `Bearer ${token}` };
    const realms = (await (await fetch(`${base}/realms`, { headers: auth })).json()) as { realms: { name: string; local_path: string }[] };
    const clone = realms.realms.find((r) => r.name === "letemcook")!.local_path;
    const sync = (signal?: AbortSignal) => fetch(`${base}/realms/letemcook/sync`, { method: "POST", headers: auth, signal });

    // Hold the clone's lock as a running `blue realm sync` would: the daemon's fetch waits for it.
    const lock = `${clone}.lock`;
    writeFileSync(lock, String(process.pid), { flag: "wx" });
    try {
      const running = sync();
      await Bun.sleep(300);
      const left = new AbortController();
      const leaving = sync(left.signal).catch((e: Error) => e.name);
      await Bun.sleep(300);
      const refused = await sync(AbortSignal.timeout(5000));
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
      expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("sync_busy");

      // The waiting client goes away: its place is free, so the next request waits instead of being refused.
      left.abort();
      expect(await leaving).toBe("AbortError");
      await Bun.sleep(200);
      const next = sync();
      expect(await Promise.race([next.then((r) => r.status), Bun.sleep(500).then(() => "waiting")])).toBe("waiting");

      rmSync(lock);
      expect((await running).status).toBe(200);
      expect((await next).status).toBe(200);
    } finally {
      rmSync(lock, { force: true });
    }

    // A notification with 50 MB of changes is refused before it is read, and not stored.
    const huge = { realm: "letemcook", domain: "s3-access", contract: "s3-permissions", from_repo: "aperture", change_type: "updated", version: "9.0.0", changes: ["x".repeat(50 * 1024 * 1024)] };
    const res = await fetch(`${base}/notifications`, { method: "POST", headers: { ...auth, "content-type": "application/json" }, body: JSON.stringify(huge) });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("too_large");
    const stored = (await (await fetch(`${base}/notifications?realm=letemcook`, { headers: auth })).json()) as { notifications: { version: string | null }[] };
    expect(stored.notifications.map((n) => n.version)).not.toContain("9.0.0");
  }, 60_000);
});
