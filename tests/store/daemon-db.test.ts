// daemon.db on its own: a file it cannot use is moved aside with its -wal and -shm and a new one started (the
// daemon's rebuild and the user's one line are tested end to end in tests/e2e/corrupt-store.test.ts); a good file
// is kept; the files are 0600.
import { describe, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDaemonDb } from "../../src/store/daemon-db.ts";

const fresh = () => join(mkdtempSync(join(tmpdir(), "blue-daemon-db-")), "daemon.db");
const at = () => new Date("2026-11-30T09:40:12.345Z");
const mode = (p: string) => (statSync(p).mode & 0o777).toString(8);

describe("daemon.db", () => {
  test("a good file is opened as it is, rows and all, and nothing is moved", () => {
    const path = fresh();
    const a = openDaemonDb(path, at);
    a.upsertRealm({ name: "letemcook", url: "/r.git", local_path: "/c" });
    a.close();
    const b = openDaemonDb(path, at);
    expect(b.recovered).toBeUndefined();
    expect(b.realms().map((r) => r.name)).toEqual(["letemcook"]);
    b.close();
    expect(readdirSync(join(path, "..")).filter((f) => f.includes("corrupt"))).toEqual([]);
  });

  test("an empty file is a new database, not a corrupt one", () => {
    const path = fresh();
    writeFileSync(path, "");
    const db = openDaemonDb(path, at);
    expect(db.recovered).toBeUndefined();
    db.close();
  });

  test("garbage is moved aside (with what is left of its -wal and -shm), named by the UTC time, and a new database started", () => {
    const path = fresh();
    writeFileSync(path, "garbage ".repeat(1000));
    writeFileSync(`${path}-wal`, "wal");
    writeFileSync(`${path}-shm`, "shm");
    const db = openDaemonDb(path, at);
    const aside = `${path}.corrupt-20261130T094012Z`;
    expect(db.recovered).toEqual({ reason: "file is not a database", moved_to: aside });
    expect(readFileSync(aside, "utf8")).toBe("garbage ".repeat(1000));
    // SQLite may already have removed a -wal and -shm it could not use when it closed the file; whatever is left
    // goes with it, and the new database never reads the old ones.
    for (const ext of ["-wal", "-shm"]) {
      if (existsSync(`${aside}${ext}`)) expect(readFileSync(`${aside}${ext}`, "utf8")).toBe(ext.slice(1));
      if (existsSync(`${path}${ext}`)) expect(readFileSync(`${path}${ext}`, "utf8")).not.toBe(ext.slice(1));
    }
    expect(db.realms()).toEqual([]);
    db.upsertRealm({ name: "r", url: "u", local_path: "p" });
    db.close();
  });

  test("a real database cut to half its size is moved aside", () => {
    const path = fresh();
    const db = openDaemonDb(path, at);
    for (let i = 0; i < 500; i++) db.addNotification({ realm: "r", domain: "d", contract: `c${i}`, from_repo: "a", change_type: "updated", version: "1.0.0", changes: ["x".repeat(200)], recipients: ["b"] }, "2026-11-30T00:00:00Z");
    db.close();
    truncateSync(path, Math.floor(statSync(path).size / 2));
    const again = openDaemonDb(path, at);
    expect(again.recovered?.reason).toMatch(/malformed|quick_check failed/);
    expect(again.notifications({})).toEqual([]);
    again.close();
  });

  test("a migration that fails on the file (tables it did not make) moves it aside too", () => {
    const path = fresh();
    const foreign = new Database(path);
    foreign.exec("CREATE TABLE realms (something_else TEXT)");
    foreign.close();
    const db = openDaemonDb(path, at);
    expect(db.recovered?.reason).toMatch(/^its migration failed: .*realms/);
    expect(db.realms()).toEqual([]);
    db.close();
  });

  test("a directory where the file should be is moved aside", () => {
    const path = fresh();
    mkdirSync(path);
    const db = openDaemonDb(path, at);
    expect(db.recovered?.reason).toBe("unable to open database file");
    expect(statSync(db.recovered!.moved_to).isDirectory()).toBe(true);
    db.close();
  });

  test("two in the same second do not overwrite the first one moved aside", () => {
    const path = fresh();
    writeFileSync(path, "one ".repeat(100));
    openDaemonDb(path, at).close();
    writeFileSync(path, "two ".repeat(100));
    const second = openDaemonDb(path, at);
    expect(second.recovered?.moved_to).toBe(`${path}.corrupt-20261130T094012Z-${process.pid}`);
    expect(readFileSync(`${path}.corrupt-20261130T094012Z`, "utf8")).toStartWith("one");
    second.close();
  });

  test("the database, its -wal and -shm are 0600, and an existing file others could read is tightened", () => {
    const path = fresh();
    const db = openDaemonDb(path, at);
    db.upsertRealm({ name: "r", url: "u", local_path: "p" });
    for (const f of [path, `${path}-wal`, `${path}-shm`]) expect(`${f} ${mode(f)}`).toBe(`${f} 600`);
    db.close();
    const loose = fresh();
    openDaemonDb(loose, at).close();
    require("node:fs").chmodSync(loose, 0o644);
    writeFileSync(`${loose}-wal`, "", { mode: 0o644 });
    require("node:fs").chmodSync(`${loose}-wal`, 0o644);
    const again = openDaemonDb(loose, at);
    expect(mode(loose)).toBe("600");
    expect(existsSync(`${loose}-wal`) ? mode(`${loose}-wal`) : "600").toBe("600");
    again.close();
  });
});
