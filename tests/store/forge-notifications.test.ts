// daemon.db's forge notifications (issue 20): one row per decision of a followed set, whichever machine took it
// and however often the daemon reads the record; a repo sees its own, newest first, within the window asked.
import { describe, expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDaemonDb } from "../../src/store/daemon-db.ts";

const row = (decision: string, repo: string, at: string) => ({ realm: "rc", set_id: "x", decision, repo, kind: "blocked" as const, message: `${decision}!`, decided_at: at, decided_by: "host:/home" });

describe("forge notifications in daemon.db", () => {
  test("a decision is stored once, and listed for its repo only", () => {
    const db = openDaemonDb(join(mkdtempSync(join(tmpdir(), "blue-forge-notes-")), "daemon.db"));
    expect(db.addForgeNotifications([row("blocked middle by provider", "middle", "2026-11-30T10:00:00Z"), row("unblocked consumer", "consumer", "2026-11-30T10:01:00Z")], "2026-11-30T10:02:00Z")).toBe(2);
    expect(db.addForgeNotifications([row("blocked middle by provider", "middle", "2026-11-30T10:00:00Z")], "2026-11-30T10:05:00Z")).toBe(0);
    expect(db.forgeNotifications("rc", "middle", "2026-11-01T00:00:00Z").map((n) => n.decision)).toEqual(["blocked middle by provider"]);
    expect(db.forgeNotifications("rc", "middle", "2026-11-30T10:00:01Z")).toEqual([]);
    db.close();
  });
});

describe("withdrawn notifications in daemon.db", () => {
  const notice = (version: string) => ({ realm: "rc", domain: "d", contract: "c", from_repo: "p", change_type: "breaking" as const, version, changes: [], recipients: ["i"] });
  const v = (version: string) => ({ domain: "d", contract: "c", version });

  test("a withdrawn version's notice is marked once; proposed again, the mark is cleared", () => {
    const db = openDaemonDb(join(mkdtempSync(join(tmpdir(), "blue-withdrawn-")), "daemon.db"));
    db.addNotification(notice("2.0.0"), "2026-11-30T10:00:00Z");
    db.addNotification(notice("1.6.0"), "2026-11-30T10:00:00Z");
    const marks = () => db.notifications({ realm: "rc", repo: "i" }).map((n) => [n.version, n.withdrawn_at ?? null]);
    expect(db.markWithdrawn("rc", [v("2.0.0")], [], "2026-11-30T11:00:00Z")).toBe(1);
    expect(db.markWithdrawn("rc", [v("2.0.0")], [], "2026-11-30T12:00:00Z")).toBe(0);
    expect(marks()).toEqual([["1.6.0", null], ["2.0.0", "2026-11-30T11:00:00Z"]]);
    expect(db.markWithdrawn("rc", [], [v("2.0.0")], "2026-11-30T13:00:00Z")).toBe(0);
    expect(marks()).toEqual([["1.6.0", null], ["2.0.0", null]]);
    db.close();
  });
});
