// The cache store on its own: round trips per table, what makes an entry stale, counts that survive a reopen,
// a disabled cache, and files that are not blue's.
import { describe, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openCacheAt } from "../../src/store/cache-db.ts";
import { cachePathForRealm } from "../../src/store/cache-paths.ts";
import { cacheStats, clearCache } from "../../src/store/cache-stats.ts";

const fresh = () => join(mkdtempSync(join(tmpdir(), "blue-cache-")), "cache.db");
const quiet = { enabled: true, warn: (m: string) => { throw new Error(`unexpected warning: ${m}`); } };

describe("cache store", () => {
  test("each table gives back what was put, after the writer closed", () => {
    const path = fresh();
    const w = openCacheAt(path, quiet);
    const stamps = [{ path: "config/s3.json", mtime: 1_700_000_000_123.5, hash: "ab" }];
    w.putExport("k", stamps, { read: ["x"] });
    w.putContract("d", "c", "1.0.0", "sha1", { version: "1.0.0", schema: { type: "object" }, value: { a: 1 } });
    w.putValidation("c", "1.0.0", "h", { errors: [{ instancePath: "/a", message: "must be string" }] });
    // Buffered until close: another process sees nothing yet.
    expect(openCacheAt(path, quiet).getValidation("c", "1.0.0", "h")).toBeUndefined();
    w.close();
    const r = openCacheAt(path, quiet);
    expect(r.getExport("k", stamps)).toEqual({ value: { read: ["x"] } });
    expect(r.getContract("d", "c", "1.0.0", "sha1")).toEqual({ version: "1.0.0", schema: { type: "object" }, value: { a: 1 } });
    expect(r.getValidation("c", "1.0.0", "h")).toEqual({ errors: [{ instancePath: "/a", message: "must be string" }] });
    r.close();
  });

  test("a changed source stamp or another realm commit is a miss, and every lookup is counted", () => {
    const path = fresh();
    const w = openCacheAt(path, quiet);
    w.putExport("k", [{ path: "a", mtime: 1, hash: "x" }], 1);
    w.putContract("d", "c", "1.0.0", "sha1", { version: "1.0.0", schema: {}, value: 1 });
    w.close();
    const r = openCacheAt(path, quiet);
    expect(r.getExport("k", [{ path: "a", mtime: 2, hash: "x" }])).toBeUndefined();
    expect(r.getExport("k", [{ path: "a", mtime: 1, hash: "y" }])).toBeUndefined();
    expect(r.getExport("k", [{ path: "a", mtime: 1, hash: "x" }])).toEqual({ value: 1 });
    expect(r.getContract("d", "c", "1.0.0", "sha2")).toBeUndefined();
    expect(r.getValidation("c", "1.0.0", "none")).toBeUndefined();
    r.close();
    const stats = Object.fromEntries(cacheStats(path, quiet.warn).tables.map((t) => [t.table, [t.hits, t.misses, t.entries]]));
    expect(stats).toEqual({ export_cache: [1, 2, 1], contract_cache: [0, 1, 1], validation_cache: [0, 1, 0], file_cache: [0, 0, 0], report_cache: [0, 0, 0] });
    clearCache(path, quiet.warn);
    expect(cacheStats(path, quiet.warn).tables.every((t) => t.hits + t.misses + t.entries === 0 && t.hit_rate === null)).toBe(true);
  });

  test("a realm file is reused while its size and mtime hold, and never when it changed in the last two seconds", () => {
    const path = fresh();
    let now = 10_000_000;
    const w = openCacheAt(path, { ...quiet, now: () => now });
    const old = { size: 10, mtimeNs: 5_000_000_000_000n };
    w.putFile("/r/a.yaml", old, { name: "a" });
    w.putFile("/r/fresh.yaml", { size: 10, mtimeNs: BigInt(now - 500) * 1_000_000n }, { name: "fresh" });
    w.close();
    const r = openCacheAt(path, quiet);
    expect(r.getFile("/r/a.yaml", old)).toEqual({ name: "a" });
    expect(r.getFile("/r/a.yaml", { size: 11, mtimeNs: old.mtimeNs })).toBeUndefined();
    expect(r.getFile("/r/a.yaml", { size: 10, mtimeNs: old.mtimeNs + 1n })).toBeUndefined();
    expect(r.getFile("/r/fresh.yaml", { size: 10, mtimeNs: BigInt(now - 500) * 1_000_000n })).toBeUndefined();
    r.close();
  });

  test("a disabled cache misses, keeps nothing and never touches the file", () => {
    const path = fresh();
    writeFileSync(path, "not a database");
    const c = openCacheAt(path, { enabled: false });
    c.putValidation("c", "1", "h", { errors: [] });
    expect(c.getValidation("c", "1", "h")).toBeUndefined();
    c.close();
    expect(readdirSync(join(path, ".."))).toEqual(["cache.db"]);
  });

  test("a cache from a newer blue is left alone and turned off, with one warning", () => {
    const path = fresh();
    openCacheAt(path, quiet).close();
    const db = new Database(path);
    db.exec("PRAGMA user_version = 99");
    db.close();
    const warnings: string[] = [];
    const c = openCacheAt(path, { enabled: true, warn: (m) => warnings.push(m) });
    expect(c.enabled).toBe(false);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain("written by a newer blue");
    expect(readdirSync(join(path, "..")).filter((f) => f.includes("corrupt"))).toEqual([]);
  });

  test("the realm repo's cache lives in its git dir, also when .git is a file (a worktree)", () => {
    const dir = mkdtempSync(join(tmpdir(), "blue-realm-"));
    writeFileSync(join(dir, ".git"), "gitdir: /elsewhere/.git/worktrees/r\n");
    expect(cachePathForRealm(dir)).toBe("/elsewhere/.git/worktrees/r/blue-cache.db");
    expect(cachePathForRealm("/no/such/realm")).toBe("/no/such/realm/.git/blue-cache.db");
  });
});
