// .blue/cache.db through the compiled binary: what is reused, what invalidates it, --no-cache, clear and stats,
// a corrupt or foreign file, and eight checks at once.
import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Database } from "bun:sqlite";
import { parseDocument } from "yaml";
import { CheckReport } from "../../src/check/findings.ts";
import { CacheStatsDoc } from "../../src/store/cache-stats.ts";
import { exportFromCode, realmFileEditor } from "./realm-world.ts";
import { BIN, initialSetup, type Sandbox } from "./sandbox.ts";

const sandboxes: Sandbox[] = [];
afterAll(() => {
  for (const sb of sandboxes) sb.shutDaemon();
}, 60_000);

const SCHEMA = { type: "object", required: ["read"], properties: { read: { type: "array", items: { type: "string" } }, write: { type: "array", items: { type: "string" } } } };
const VALUE = { read: ["jobs/*/masks/*"], write: ["training-metrics/*"] };

/** aperture exports s3-permissions 1.4.0 (read from config/s3.json, published with two versions in history). */
function world() {
  const setup = initialSetup();
  const { sb, aperture } = setup;
  sandboxes.push(sb);
  const clone = sb.realmClone("letemcook");
  const contract = "domains/s3-access/contracts/s3-permissions.yaml";
  const edit = realmFileEditor(sb, clone);
  edit(contract, (d) => {
    d.set("version", "1.0.0");
    d.set("schema", { ...SCHEMA, properties: { read: SCHEMA.properties.read } });
    d.set("value", { read: VALUE.read });
    d.set("evolution", [{ version: "1.0.0", changes: ["Initial"], compatible: true }]);
  }, "s3-permissions 1.0.0");
  edit(contract, (d) => {
    d.set("version", "1.4.0");
    d.set("schema", SCHEMA);
    d.set("value", VALUE);
    d.set("evolution", [
      { version: "1.0.0", changes: ["Initial"], compatible: true },
      { version: "1.4.0", changes: ["Added write"], compatible: true },
    ]);
  }, "s3-permissions 1.4.0");
  const code = exportFromCode(sb, clone, aperture, VALUE);
  const stats = (cwd = aperture) => {
    const r = sb.blue(cwd, "realm", "admin", "cache", "stats", "--json");
    expect(r.stderr).toBe("");
    const doc = CacheStatsDoc.parse(JSON.parse(r.stdout));
    return Object.fromEntries(doc.tables.map((t) => [t.table, t]));
  };
  const clear = (cwd = aperture) => expect(sb.blue(cwd, "realm", "admin", "cache", "clear").code).toBe(0);
  return { ...setup, clone, contract, edit, code, stats, clear };
}

describe("the cache in a member repo", () => {
  const { sb, aperture, clone, contract, edit, code, stats, clear } = world();
  const check = (...args: string[]) => sb.blue(aperture, "realm", "check", "--json", ...args);

  test("a second check reuses the validation and the extracted value, and reports the same", () => {
    clear();
    const first = check();
    // Nothing changed: the whole report is reused.
    const second = check();
    // The realm clone was touched (a checkout, a fetch that changed nothing): the report is computed again,
    // from the validation and the extracted value kept by the first check.
    const later = new Date(Date.now() + 5_000);
    utimesSync(join(clone, contract), later, later);
    const third = check();
    expect(first.stderr).toBe("");
    for (const r of [second, third]) {
      expect(r.stdout).toBe(first.stdout);
      expect(r.code).toBe(first.code);
    }
    const s = stats();
    expect([s.report_cache!.misses, s.report_cache!.hits, s.report_cache!.entries]).toEqual([2, 1, 1]);
    expect([s.validation_cache!.misses, s.validation_cache!.hits, s.validation_cache!.entries]).toEqual([1, 1, 1]);
    expect([s.export_cache!.misses, s.export_cache!.hits, s.export_cache!.entries]).toEqual([1, 1, 1]);
    expect(s.export_cache!.hit_rate).toBe(0.5);
    expect(existsSync(join(aperture, ".blue/cache.db"))).toBe(true);
    expect(sb.git(aperture, "status", "--porcelain")).not.toContain("cache.db");
  });

  test("exports: a new mtime invalidates, and so does new content behind an unchanged mtime", () => {
    clear();
    check("--mode=exporter");
    const file = join(aperture, "config/s3.json");
    const later = new Date(statSync(file).mtimeMs + 5_000);
    utimesSync(file, later, later);
    expect(check("--mode=exporter").code).toBe(0);
    expect(stats().export_cache!.misses).toBe(2);

    // Same size, same mtime, different content: only the content hash can tell.
    const mtime = statSync(file).mtime;
    code({ ...VALUE, write: ["training-metrics/+"] });
    utimesSync(file, mtime, mtime);
    const changed = check("--mode=exporter");
    expect(changed.code).toBe(1);
    expect(new Set(CheckReport.parse(JSON.parse(changed.stdout)).findings.map((f) => f.rule))).toEqual(new Set(["export-mismatch"]));
    expect(stats().export_cache).toMatchObject({ hits: 0, misses: 3 });
    code(VALUE);
  });

  test("validations: a changed value under the same version is validated afresh", () => {
    clear();
    expect(check("--mode=contract").code).toBe(0);
    edit(contract, (d) => d.setIn(["value", "read", 0], 42));
    const broken = check("--mode=contract");
    expect(CheckReport.parse(JSON.parse(broken.stdout)).findings.map((f) => f.rule)).toContain("value-invalid");
    expect(stats().validation_cache).toMatchObject({ hits: 0, misses: 2, entries: 2 });
    sb.git(clone, "checkout", "-q", "--", contract);
    expect(check("--mode=contract").code).toBe(0);
    expect(stats().validation_cache).toMatchObject({ hits: 1, misses: 2 });
  });

  test("contracts: old versions are reused until the realm clone moves to a new commit", () => {
    clear();
    const transitive = () => sb.blue(clone, "realm", "check", "--mode=compatibility", "--transitive", "--json");
    const first = transitive();
    expect(CheckReport.parse(JSON.parse(first.stdout)).compatibility.map((c) => `${c.from}→${c.to}`)).toEqual(["1.0.0→1.4.0"]);
    // A file in the clone touched: the report is made again, from the old version kept by the first check.
    const later = new Date(Date.now() + 5_000);
    utimesSync(join(clone, "realm.yaml"), later, later);
    expect(transitive().stdout).toBe(first.stdout);
    expect(stats(clone).contract_cache).toMatchObject({ hits: 1, misses: 1 });
    sb.git(clone, "commit", "-q", "--allow-empty", "-m", "realm moves on");
    expect(transitive().stdout).toBe(first.stdout);
    expect(stats(clone).contract_cache).toMatchObject({ hits: 1, misses: 2 });
    // The realm repo's own cache lives in its git dir, never in its working tree.
    expect(existsSync(join(clone, ".git/blue-cache.db"))).toBe(true);
    expect(sb.git(clone, "status", "--porcelain")).toBe("");
  });

  test("--no-cache does the work afresh and neither reads nor counts", () => {
    clear();
    check();
    const before = stats();
    const fresh = check("--no-cache");
    expect(fresh.stdout).toBe(check().stdout);
    const after = stats();
    // Only the last plain check counted: it found the whole report the first one kept.
    expect(after.report_cache!.hits).toBe(before.report_cache!.hits + 1);
    expect(after.report_cache!.misses).toBe(before.report_cache!.misses);
    expect(after.validation_cache).toEqual(before.validation_cache!);
    expect(after.export_cache).toEqual(before.export_cache!);
  });

  test("clear empties every table and restarts the counts; stats speaks text too", () => {
    check();
    clear();
    const s = stats();
    for (const t of Object.values(s)) expect([t.entries, t.hits, t.misses, t.hit_rate]).toEqual([0, 0, 0, null]);
    const text = sb.blue(aperture, "realm", "admin", "cache", "stats");
    expect(text.stdout).toContain(`Cache: ${join(aperture, ".blue/cache.db")}`);
    expect(text.stdout).toContain("validation_cache  0 entries, 0 hits, 0 misses, no lookups yet");
  });

  test("stats outside a member or realm repo is a usage error", () => {
    const r = sb.blue(sb.root, "realm", "admin", "cache", "stats");
    expect(r.code).toBe(64);
    expect(r.stderr).toStartWith("error: not in a member repo or a realm repo");
  });
});

describe("whole reports", () => {
  const { sb, aperture, fungal, clone, contract, edit, code, stats, clear } = world();
  const check = (...args: string[]) => sb.blue(aperture, "realm", "check", ...args);
  const rules = (r: { stdout: string }) => CheckReport.parse(JSON.parse(r.stdout)).findings.map((f) => f.rule);

  test("a repeated check prints what a fresh one prints, in every format, with the same exit code", () => {
    clear();
    edit(contract, (d) => d.setIn(["value", "read", 0], 42));
    try {
      for (const format of [["--json"], [], ["--format", "sarif"]]) {
        const fresh = sb.blue(aperture, "realm", "check", "--no-cache", ...format);
        const reused = check(...format);
        expect(fresh.code).toBe(1);
        expect(reused.code).toBe(1);
        expect(reused.stdout).toBe(fresh.stdout);
        expect(reused.stderr).toBe("");
      }
      // Made by the --json check, found by the text and SARIF ones: the format is not part of the question.
      expect(stats().report_cache).toMatchObject({ misses: 1, hits: 2, entries: 1 });
    } finally {
      sb.git(clone, "checkout", "-q", "--", contract);
    }
  });

  test("new content behind the same size and mtime, a change to the code, a new realm commit: each a new report", () => {
    clear();
    const base = check("--json");
    expect(base.code).toBe(0);
    const file = join(clone, contract);
    const text = readFileSync(file, "utf8");
    const { mtime, size } = statSync(file);
    writeFileSync(file, text.replace("jobs/*/masks/*", "jobs/*/masks/?"));
    utimesSync(file, mtime, mtime);
    expect([statSync(file).size, statSync(file).mtimeMs]).toEqual([size, mtime.getTime()]);
    expect(rules(check("--json"))).toContain("export-mismatch");
    writeFileSync(file, text);
    expect(check("--json").stdout).toBe(base.stdout);

    code({ ...VALUE, read: [...VALUE.read, "eval/*"] });
    expect(rules(check("--json"))).toContain("export-mismatch");
    code(VALUE);
    expect(check("--json").stdout).toBe(base.stdout);

    sb.git(clone, "commit", "-q", "--allow-empty", "-m", "realm moves on");
    expect(check("--json").stdout).toBe(base.stdout);
    expect(stats().report_cache).toMatchObject({ hits: 0, misses: 6 });
    // Nothing changed since: found.
    expect(check("--json").stdout).toBe(base.stdout);
    expect(stats().report_cache).toMatchObject({ hits: 1, misses: 6 });
  });

  test("a kept report is printed without opening cache.db, and git never sees where it is kept", () => {
    clear();
    const first = check("--json");
    const db = join(aperture, ".blue/cache.db");
    const saved = readFileSync(db);
    try {
      writeFileSync(db, "not a database");
      const again = check("--json");
      expect(again.stdout).toBe(first.stdout);
      expect(again.stderr).toBe("");
      expect(readFileSync(db, "utf8")).toBe("not a database");
    } finally {
      writeFileSync(db, saved);
    }
    // Even where .gitignore names cache.db alone (as before blue ignored cache.db*): the directory ignores itself.
    const gitignore = join(aperture, ".gitignore");
    const ignored = readFileSync(gitignore, "utf8");
    try {
      writeFileSync(gitignore, ".blue/cache.db\n.blue/cache.db-wal\n.blue/cache.db-shm\n");
      expect(sb.git(aperture, "status", "--porcelain", "--untracked-files=all")).not.toContain("cache.db-reports");
    } finally {
      writeFileSync(gitignore, ignored);
    }
  });

  test("a report that ran a hook is never reused: the hook runs every time", () => {
    edit(contract, (d) => d.set("validation", { importer: "scripts/iam.sh" }), "hooks");
    mkdirSync(join(fungal, "scripts"), { recursive: true });
    const hook = (exit: number) => writeFileSync(join(fungal, "scripts/iam.sh"), `#!/bin/sh\nexit ${exit}\n`, { mode: 0o755 });
    hook(0);
    // The hook is named by aperture's contract: fungal's machine consents to it first (docs/security.md).
    expect(sb.blue(fungal, "realm", "trust", "--all").code).toBe(0);
    const importer = () => sb.blue(fungal, "realm", "check", "--mode=importer", "--json");
    expect(rules(importer())).not.toContain("hook-invalid");
    hook(1);
    // Same size, and the check does not read the script as a dependency: only running it tells.
    expect(rules(importer())).toContain("hook-invalid");
    const s = stats(fungal);
    expect(s.report_cache).toMatchObject({ entries: 0, hits: 0, misses: 2 });
  });
});

describe("a cache.db that is not blue's", () => {
  const { sb, aperture } = world();
  const db = join(aperture, ".blue/cache.db");
  const expected = sb.blue(aperture, "realm", "check", "--json");

  const moved = () => readdirSync(join(aperture, ".blue")).filter((f) => f.startsWith("cache.db.corrupt-"));
  // A kept report is printed without opening cache.db: these checks must do the work to find the file bad.
  const forgetReports = () => rmSync(`${db}-reports`, { recursive: true, force: true });

  test("garbage is moved aside with one warning line, the check is unchanged, and the next run is quiet", () => {
    for (const f of moved()) rmSync(join(aperture, ".blue", f));
    rmSync(`${db}-wal`, { force: true });
    rmSync(`${db}-shm`, { force: true });
    writeFileSync(db, "this is not a database ".repeat(500));
    forgetReports();
    const r = sb.blue(aperture, "realm", "check", "--json");
    expect(r.stdout).toBe(expected.stdout);
    expect(r.code).toBe(expected.code);
    const lines = r.stderr.trimEnd().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^warning: cache .*cache\.db is corrupt \(.*\); moved it to .*cache\.db\.corrupt-\S+ and started a new one$/);
    expect(moved()).toHaveLength(1);
    expect(readFileSync(join(aperture, ".blue", moved()[0]!), "utf8")).toStartWith("this is not a database");
    const again = sb.blue(aperture, "realm", "check", "--json");
    expect(again.stderr).toBe("");
    expect(again.stdout).toBe(expected.stdout);
  });

  test("another program's SQLite file is moved aside too", () => {
    for (const f of moved()) rmSync(join(aperture, ".blue", f));
    rmSync(db);
    rmSync(`${db}-wal`, { force: true });
    rmSync(`${db}-shm`, { force: true });
    const foreign = new Database(db);
    foreign.exec("CREATE TABLE notes (text TEXT); INSERT INTO notes VALUES ('mine')");
    foreign.close();
    forgetReports();
    const r = sb.blue(aperture, "realm", "check", "--json");
    expect(r.stdout).toBe(expected.stdout);
    expect(r.stderr).toMatch(/^warning: cache .*cache\.db is not a blue cache \(a foreign SQLite file\); moved it to .*\n$/);
    const kept = new Database(join(aperture, ".blue", moved()[0]!), { readonly: true });
    expect(kept.query("SELECT text FROM notes").get()).toEqual({ text: "mine" });
    kept.close();
  });

  test("--no-cache never opens it", () => {
    writeFileSync(db, "garbage");
    const r = sb.blue(aperture, "realm", "check", "--json", "--no-cache");
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe(expected.stdout);
    expect(readFileSync(db, "utf8")).toBe("garbage");
    rmSync(db);
  });
});

describe("concurrent checks", () => {
  const { sb, aperture, stats } = world();

  const eight = async () => {
    const procs = Array.from({ length: 8 }, () => Bun.spawn([BIN, "realm", "check", "--json"], { cwd: aperture, env: sb.env, stdout: "pipe", stderr: "pipe" }));
    return Promise.all(procs.map(async (p) => ({ code: await p.exited, stdout: await new Response(p.stdout).text(), stderr: await new Response(p.stderr).text() })));
  };

  test("eight processes on a new cache, then on a warm one: all agree, none sees SQLITE_BUSY", async () => {
    const expected = sb.blue(aperture, "realm", "check", "--json", "--no-cache");
    const agreed = { code: expected.code, stderr: "", same: true };
    // Several new caches: the race to create one is lost only now and then (one round in ~30 here, under load).
    for (let n = 0; n < 5; n++) {
      for (const f of ["cache.db", "cache.db-wal", "cache.db-shm", "cache.db-reports"]) rmSync(join(aperture, ".blue", f), { force: true, recursive: true });
      for (const round of [await eight(), await eight()]) {
        expect(round.map((r) => ({ code: r.code, stderr: r.stderr, same: r.stdout === expected.stdout }))).toEqual(Array(8).fill(agreed));
      }
      // Every lookup of all sixteen runs was counted: none was lost to a busy database. Each run that did not
      // find a whole report looked up the validation and the export. A run of the first round that starts late
      // may find the report an earlier one kept: at least one missed, not all eight.
      const s = stats();
      expect(s.report_cache!.hits + s.report_cache!.misses).toBe(16);
      expect(s.report_cache!.misses).toBeGreaterThanOrEqual(1);
      expect(s.validation_cache!.hits + s.validation_cache!.misses).toBe(s.report_cache!.misses);
      expect(s.export_cache!.hits + s.export_cache!.misses).toBe(s.report_cache!.misses);
      expect(s.validation_cache!.entries).toBe(1);
      expect(s.report_cache!.entries).toBe(1);
    }
  });
});

describe("many contracts", () => {
  test("a batch validated by worker threads inside the executable reports exactly what one thread, and the interpreter, do", () => {
    const { sb, clone } = world();
    const dir = join(clone, "domains/s3-access/contracts");
    const bindings = parseDocument(readFileSync(join(clone, "domains/s3-access/bindings/aperture.yaml"), "utf8"));
    for (let i = 0; i < 90; i++) {
      const value = i === 61 ? { paths: ["ok", 7] } : { paths: ["ok"] };
      const schema = { type: "object", properties: { paths: { type: "array", maxItems: 10 + i, items: { type: "string" } } } };
      writeFileSync(join(dir, `c${i}.yaml`), JSON.stringify({ name: `c${i}`, version: "1.0.0", owner: "aperture", schema, value }, null, 1));
      (bindings.get("exports") as { add: (x: unknown) => void }).add({ contract: `c${i}` });
    }
    writeFileSync(join(clone, "domains/s3-access/bindings/aperture.yaml"), bindings.toString());
    // BLUE_AJV_ONLY: every value goes to ajv, so the batch is big enough for worker threads.
    const threads = sb.exec(BIN, ["realm", "check", "--mode=contract", "--no-cache"], clone, { BLUE_DEBUG: "1", BLUE_AJV_ONLY: "1" });
    expect(threads.stderr).toMatch(/^debug: validated \d+ here, \d+ in [1-9]\d* worker threads \(0 failed\)\n$/);
    const one = sb.exec(BIN, ["realm", "check", "--mode=contract", "--no-cache"], clone, { BLUE_VALIDATE_THREADS: "1", BLUE_AJV_ONLY: "1" });
    expect(one.stderr).toBe("");
    expect(threads.stdout).toBe(one.stdout);
    // The interpreter proves the 89 valid values itself and leaves c61 to ajv: the same report, no threads.
    const quick = sb.exec(BIN, ["realm", "check", "--mode=contract", "--no-cache"], clone, { BLUE_DEBUG: "1" });
    expect(quick.stderr).toBe("");
    expect(quick.stdout).toBe(one.stdout);
    expect(threads.code).toBe(1);
    expect(threads.stdout).toContain("✗ domains/s3-access/contracts/c61.yaml:");
  });
});

describe("status", () => {
  test("reads exported values through the cache; --no-cache reads them afresh", () => {
    const { sb, aperture, stats, clear, code } = world();
    clear();
    const first = sb.blue(aperture, "realm", "status", "--json");
    expect(first.code).toBe(0);
    sb.blue(aperture, "realm", "status", "--json");
    expect(stats().export_cache).toMatchObject({ hits: 1, misses: 1 });
    sb.blue(aperture, "realm", "status", "--json", "--no-cache");
    expect(stats().export_cache).toMatchObject({ hits: 1, misses: 1 });
    code({ ...VALUE, read: [...VALUE.read, "training-runs/*"] });
    const changed = JSON.parse(sb.blue(aperture, "realm", "status", "--json").stdout) as { local_changes: { changes: { text: string }[] }[] };
    expect(changed.local_changes[0]!.changes.map((c) => c.text)).toEqual(["/read: + training-runs/*"]);
    expect(stats().export_cache).toMatchObject({ hits: 1, misses: 2 });
  });
});

describe("sync", () => {
  test("reads exported values through the cache; --no-cache reads them afresh", () => {
    const { sb, aperture, stats, clear, code } = world();
    code({ ...VALUE, read: [...VALUE.read, "training-runs/*"] });
    clear();
    const plan = () => JSON.parse(sb.blue(aperture, "realm", "sync", "--dry-run", "--json").stdout) as { branches: { updates: { changes: string[] }[] }[] };
    expect(plan().branches[0]!.updates[0]!.changes).toEqual(["/read: + training-runs/*"]);
    expect(plan().branches[0]!.updates[0]!.changes).toEqual(["/read: + training-runs/*"]);
    expect(stats().export_cache).toMatchObject({ hits: 1, misses: 1 });
    const fresh = sb.blue(aperture, "realm", "sync", "--dry-run", "--json", "--no-cache");
    expect(fresh.code).toBe(0);
    expect(stats().export_cache).toMatchObject({ hits: 1, misses: 1 });
    code({ ...VALUE, read: [...VALUE.read, "training-runs/*", "eval/*"] });
    expect(plan().branches[0]!.updates[0]!.changes).toEqual(["/read: + training-runs/*", "/read: + eval/*"]);
    expect(stats().export_cache).toMatchObject({ hits: 1, misses: 2 });
  });
});
