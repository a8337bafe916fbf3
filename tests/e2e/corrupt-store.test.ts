// The stores blue owns, damaged as disks and crashes damage them, and the modes of the files blue writes. A
// daemon.db that cannot be read is moved aside and rebuilt from the realms (the user told once); a trust.json that
// cannot be read is moved aside and never rebuilt: its commands are untrusted until approved again.
import { Database } from "bun:sqlite";
import { afterAll, describe, expect, test } from "bun:test";
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, statSync, truncateSync, writeFileSync, writeSync } from "node:fs";
import { join, relative } from "node:path";
import { dailyDevelopment, editRealmFile, VALUE } from "./daily.ts";
import { initialSetup, Sandbox, stackTrace, type Run } from "./sandbox.ts";

const worlds: Sandbox[] = [];
afterAll(() => {
  for (const sb of worlds) sb.shutDaemon();
}, 60_000);

type Listed = { key: string; pending: boolean };
const listed = (r: Run) => (JSON.parse(r.stdout) as { notifications: Listed[] }).notifications.map((n) => [n.key, n.pending]);
const warnings = (r: Run) => r.stderr.split("\n").filter((l) => l.startsWith("warning:"));

/** A daemon.db with rows in every table and a sessions index spread over many pages (so it has an interior root). */
function fillDb(path: string): void {
  const db = new Database(path);
  const add = db.query("INSERT INTO sessions (id, repo, realm, started_at, last_activity) VALUES ($id, 'r', $realm, 'x', 'x')");
  db.transaction(() => {
    for (let i = 0; i < 3000; i++) add.run({ $id: `s${i}`, $realm: `realm-${String(i).padStart(6, "0")}-${"x".repeat(40)}` });
  })();
  db.close(); // the last connection: the WAL is checkpointed into the file and removed
}

/** Point the root page of the sessions_realm index at a page that does not exist: the file opens, and only
 *  PRAGMA quick_check says it is broken. */
function breakIndex(path: string): void {
  const db = new Database(path, { readonly: true });
  const { rootpage } = db.query("SELECT rootpage FROM sqlite_master WHERE name = 'sessions_realm'").get() as { rootpage: number };
  const { page_size } = db.query("PRAGMA page_size").get() as { page_size: number };
  db.close();
  const at = (rootpage - 1) * page_size;
  const fd = openSync(path, "r+");
  const type = Buffer.alloc(1);
  require("node:fs").readSync(fd, type, 0, 1, at);
  expect(type[0]).toBe(0x02); // an interior index page: bytes 8-11 are its right-most child
  writeSync(fd, Buffer.from([0x0f, 0xff, 0xff, 0xff]), 0, 4, at + 8);
  closeSync(fd);
  const check = new Database(path, { readonly: true });
  expect(check.query("PRAGMA quick_check").all()).not.toEqual([{ quick_check: "ok" }]);
  check.close();
}

describe("a daemon.db that cannot be read", () => {
  const world = dailyDevelopment();
  const { sb, aperture, fungal, writeCode } = world;
  worlds.push(sb);
  const home = sb.env.BLUE_HOME!;
  const dbPath = join(home, "daemon.db");
  // fungal acknowledges what is published; aperture then proposes 1.5.0, which fungal has not resolved.
  expect(sb.blue(fungal, "realm", "sync").code).toBe(0);
  writeCode({ ...VALUE, write: [...VALUE.write, "a/*"] });
  expect(sb.blue(aperture, "realm", "sync").code).toBe(0);
  const before = sb.blue(fungal, "realm", "notifications", "--json");
  expect(listed(before)).toEqual([["s3-access/s3-permissions@1.5.0", true]]);

  const damages: [string, RegExp, () => void][] = [
    ["garbage", /^file is not a database$/, () => writeFileSync(dbPath, "this is not a database\n".repeat(200))],
    [
      "a real database truncated to half its size",
      /^database disk image is malformed$|^PRAGMA quick_check failed: /,
      () => {
        fillDb(dbPath);
        truncateSync(dbPath, Math.floor(statSync(dbPath).size / 2));
      },
    ],
    [
      "a database that opens but fails PRAGMA quick_check",
      /^PRAGMA quick_check failed: .*invalid page number/,
      () => {
        fillDb(dbPath);
        breakIndex(dbPath);
      },
    ],
  ];
  for (const [what, reason, damage] of damages) {
    test(`${what}: moved aside, told once in one line, and its notifications rebuilt from the realm`, () => {
      expect(sb.blue(sb.root, "daemon", "stop").code).toBe(0);
      const asideBefore = readdirSync(home).filter((f) => f.startsWith("daemon.db.corrupt-")).length;
      damage();

      const first = sb.blue(fungal, "realm", "notifications", "--json");
      expect(first.code).toBe(0);
      expect(stackTrace(first)).toBe(false);
      const told = warnings(first);
      expect(told).toHaveLength(1);
      const m = /^warning: (\S+) was unreadable \((.+)\); moved to (\S+); sessions and notifications are rebuilt from the realms$/.exec(told[0]!);
      expect(m?.[1]).toBe(dbPath);
      expect(m?.[2]).toMatch(reason);
      expect(m?.[3]).toMatch(/daemon\.db\.corrupt-\d{8}T\d{6}Z/);
      expect(existsSync(m![3]!)).toBe(true);
      expect(readdirSync(home).filter((f) => f.startsWith("daemon.db.corrupt-")).length).toBe(asideBefore + 1);
      // What the lost database held for fungal, derived again from the realm's clone.
      expect(listed(first)).toEqual([["s3-access/s3-permissions@1.5.0", true]]);
      expect(readFileSync(join(home, "daemon.log"), "utf8")).toContain(told[0]!.slice("warning: ".length));

      const again = sb.blue(fungal, "realm", "notifications", "--json");
      expect(warnings(again)).toEqual([]);
      expect(listed(again)).toEqual([["s3-access/s3-permissions@1.5.0", true]]);
      // Every realm cloned here is tracked again, not only the one a command asked about.
      expect(JSON.parse(sb.blue(sb.root, "daemon", "status", "--json").stdout).realms).toEqual(["letemcook"]);
    });
  }

  test("the daemon started by 'blue daemon start' tells it too, and status after it is whole", () => {
    expect(sb.blue(sb.root, "daemon", "stop").code).toBe(0);
    writeFileSync(dbPath, Buffer.alloc(8192, 0xab));
    writeFileSync(`${dbPath}-wal`, "garbage");
    const start = sb.blue(sb.root, "daemon", "start");
    expect(start.code).toBe(0);
    expect(warnings(start)).toHaveLength(1);
    expect(warnings(start)[0]).toContain("daemon.db was unreadable (file is not a database); moved to ");
    // Before any command asked about it, the realm cloned here is tracked again and its notifications derived.
    expect(JSON.parse(sb.blue(sb.root, "daemon", "status", "--json").stdout).realms).toEqual(["letemcook"]);
    expect(readFileSync(join(home, "daemon.log"), "utf8")).toContain("rebuilt realm letemcook from its clone: 1 notification(s)");
    const status = sb.blue(fungal, "realm", "status");
    expect(status.code).toBe(0);
    expect(warnings(status)).toEqual([]);
    expect(status.stdout).toContain("s3-permissions");
  });
});

describe("a daemon that cannot start", () => {
  test("says why in one line (the log's last line), not the runtime's banner", () => {
    const sb = new Sandbox();
    worlds.push(sb);
    // Something in BLUE_HOME no repair can fix: a directory where the token should be.
    mkdirSync(join(sb.env.BLUE_HOME!, "daemon.token"), { recursive: true });
    const r = sb.blue(sb.root, "daemon", "start");
    expect(r.code).toBe(69);
    expect(stackTrace(r)).toBe(false);
    expect(r.stderr.split("\n")[0]).toMatch(/^error: the blue daemon did not start: cannot start: EISDIR/);
  });
});

describe("a trust.json that cannot be read", () => {
  const world = dailyDevelopment();
  const { sb, aperture, clone } = world;
  worlds.push(sb);
  const ran = sb.path("ran");
  const argv = ["sh", "-c", `touch ${ran}; echo '${JSON.stringify(VALUE)}'`];
  editRealmFile(clone, "domains/s3-access/bindings/aperture.yaml", (d) => d.setIn(["exports", 0, "extract"], { command: argv }));
  sb.git(clone, "commit", "-qam", "aperture extracts with a command");
  sb.git(clone, "push", "-q", "origin", "main");
  const trustFile = join(sb.env.BLUE_HOME!, "trust.json");

  const approve = () => {
    expect(sb.blue(aperture, "realm", "trust", "--all").code).toBe(0);
    const r = sb.blue(aperture, "realm", "check", "--mode=exporter");
    expect(r.code).toBe(0);
    expect(existsSync(ran)).toBe(true);
    rmRan();
  };
  const rmRan = () => require("node:fs").rmSync(ran, { force: true });

  test("garbage: moved aside, one line naming what was lost and how to approve again; the command is untrusted, not run", () => {
    approve();
    const good = readFileSync(trustFile, "utf8");
    // Cut in the middle, as a full disk or a crash of another program leaves it: not JSON any more.
    writeFileSync(trustFile, good.slice(0, Math.floor(good.length * 0.7)));
    const r = sb.blue(aperture, "realm", "check", "--mode=exporter");
    expect(stackTrace(r)).toBe(false);
    expect(r.code).toBe(2);
    expect(existsSync(ran)).toBe(false);
    expect(r.stdout).toContain("is not trusted on this machine: not run");
    const told = warnings(r);
    expect(told).toHaveLength(1);
    expect(told[0]).toMatch(
      new RegExp(
        `^warning: ${trustFile.replace(/[.]/g, "\\.")} was unreadable \\(not JSON\\); moved to \\S+trust\\.json\\.corrupt-\\d{8}T\\d{6}Z; lost 1 approved command \\(exports\\.s3-permissions\\.extract\\.command\\) and 0 forge hosts of realm letemcook; approve again with 'blue realm trust'$`,
      ),
    );
    const aside = /moved to (\S+);/.exec(told[0]!)![1]!;
    expect(readFileSync(aside, "utf8")).toBe(good.slice(0, Math.floor(good.length * 0.7)));
    expect(existsSync(trustFile)).toBe(false);
    // Told once: the next command finds no file, which is no approval, and says nothing.
    const next = sb.blue(aperture, "realm", "check", "--mode=exporter");
    expect(next.code).toBe(2);
    expect(warnings(next)).toEqual([]);
    approve();
  });

  test("valid JSON that is not a trust file: how many entries it had; nothing readable: says so", () => {
    writeFileSync(trustFile, JSON.stringify({ realms: { letemcook: { commands: [{ argv: ["x"], field: "f" }, { nope: 1 }], forge_hosts: ["git.example.com"] } } }));
    const r = sb.blue(aperture, "realm", "check", "--mode=exporter");
    expect(r.code).toBe(2);
    expect(existsSync(ran)).toBe(false);
    expect(warnings(r)).toHaveLength(1);
    expect(warnings(r)[0]).toContain("; lost 2 approved commands (f, ?) and 1 forge host (git.example.com) of realm letemcook; approve again with 'blue realm trust'");

    writeFileSync(trustFile, Buffer.from([0xff, 0xfe, 0x00, 0x13, 0x37]));
    const none = sb.blue(aperture, "realm", "trust", "--list");
    expect(none.code).toBe(0);
    expect(none.stdout).toContain("Approved on this machine");
    expect(warnings(none)).toHaveLength(1);
    expect(warnings(none)[0]).toContain("(not JSON); moved to ");
    expect(warnings(none)[0]).toContain("; nothing in it could be read, so every approval on this machine is lost; approve again with 'blue realm trust'");
    approve();
  });
});

describe("file modes", () => {
  /** Every path under `dir` that others may read or enter, outside git's own files in realms/ and remotes/. */
  function open(dir: string, root = dir): string[] {
    const out: string[] = [];
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      const rel = relative(root, p);
      if (/^(realms|remotes|checkouts)(\/|$)/.test(rel)) continue; // git's files: BLUE_HOME's mode covers them
      const mode = statSync(p).mode & 0o777;
      const want = e.isDirectory() ? 0o700 : 0o600;
      if (mode !== want) out.push(`${rel} ${mode.toString(8)}`);
      if (e.isDirectory()) out.push(...open(p, root));
    }
    return out;
  }

  test("BLUE_HOME and the runtime dir are 0700, every file blue writes there 0600, after init, join, status, sync and a daemon", () => {
    const { sb, aperture, fungal, steps } = initialSetup();
    worlds.push(sb);
    for (const s of steps) expect(s.code).toBe(0);
    const home = sb.env.BLUE_HOME!;
    const runtime = join(sb.env.XDG_RUNTIME_DIR!, "blue");
    expect((statSync(home).mode & 0o777).toString(8)).toBe("700");
    expect(sb.blue(aperture, "realm", "status").code).toBe(0);
    expect(sb.blue(fungal, "realm", "sync").code).toBe(0);
    expect(sb.blue(aperture, "realm", "check", "--realm", "letemcook").code).toBeLessThan(64);
    expect(sb.blue(aperture, "realm", "trust", "--forge-host", "git.example.com").code).toBe(0);
    for (const f of ["daemon.db", "daemon.db-wal", "daemon.db-shm", "daemon.log", "daemon.token", "trust.json"]) expect(existsSync(join(home, f))).toBe(true);
    for (const f of ["blue.pid", "daemon.json"]) expect(existsSync(join(runtime, f))).toBe(true);
    expect((statSync(home).mode & 0o777).toString(8)).toBe("700");
    expect(open(home)).toEqual([]);
    expect((statSync(runtime).mode & 0o777).toString(8)).toBe("700");
    expect(open(runtime)).toEqual([]);
  });

  test("a BLUE_HOME and files an older blue left readable by others are tightened when blue runs there", () => {
    const { sb, aperture, steps } = initialSetup();
    worlds.push(sb);
    for (const s of steps) expect(s.code).toBe(0);
    expect(sb.blue(aperture, "realm", "status").code).toBe(0);
    expect(sb.blue(sb.root, "daemon", "stop").code).toBe(0);
    const home = sb.env.BLUE_HOME!;
    const runtime = join(sb.env.XDG_RUNTIME_DIR!, "blue");
    chmodSync(home, 0o755);
    chmodSync(runtime, 0o755);
    expect(sb.blue(aperture, "realm", "trust", "--forge-host", "git.example.com").code).toBe(0);
    for (const f of ["daemon.db", "daemon.log", "daemon.token", "trust.json"]) chmodSync(join(home, f), 0o644);
    expect(sb.blue(aperture, "realm", "status").code).toBe(0);
    expect((statSync(home).mode & 0o777).toString(8)).toBe("700");
    expect((statSync(runtime).mode & 0o777).toString(8)).toBe("700");
    for (const f of ["daemon.db", "daemon.db-wal", "daemon.db-shm", "daemon.log", "daemon.token", "trust.json"]) expect(`${f} ${(statSync(join(home, f)).mode & 0o777).toString(8)}`).toBe(`${f} 600`);
  });
});
