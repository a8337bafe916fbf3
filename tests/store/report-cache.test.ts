// What a cached check report depends on, on real files in a temp dir: unchanged files verify, and any change a
// check could see (new content, even behind a restored size and mtime; a new or removed file; a moved ref)
// does not. Then the store of kept reports: what it keeps, counts, drops and refuses.
import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sha256 } from "../../src/store/hash.ts";
import { DepRecorder, RACY_MS, ReportStore, REPORTS_KEPT, verifyDeps } from "../../src/store/report-cache.ts";

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A realm-shaped tree whose files were written a minute ago (not racy), with a .git dir of refs. */
function tree(): string {
  const root = mkdtempSync(join(tmpdir(), "blue-deps-"));
  dirs.push(root);
  const files: Record<string, string> = {
    "realm.yaml": "name: r\n",
    "domains/d/domain.yaml": "name: d\n",
    "domains/d/contracts/c.yaml": "version: 1.0.0\n",
    ".git/HEAD": "ref: refs/heads/main\n",
    ".git/refs/heads/main": "a".repeat(40),
    ".git/refs/remotes/origin/main": "a".repeat(40),
    ".git/objects/ab/cdef": "blob",
  };
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(join(root, rel, ".."), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
  age(root, ["", ...Object.keys(files), "domains", "domains/d", "domains/d/contracts", ".git", ".git/refs", ".git/refs/heads", ".git/refs/remotes", ".git/refs/remotes/origin"]);
  return root;
}

function age(root: string, rels: string[], ms = 60_000): void {
  const then = new Date(Date.now() - ms);
  for (const rel of rels) utimesSync(join(root, rel), then, then);
}

function record(root: string): ReturnType<DepRecorder["deps"]> {
  const r = new DepRecorder();
  r.realm(root);
  expect(r.unrepeatable).toBeUndefined();
  return r.deps();
}

describe("a report's dependencies", () => {
  test("an untouched realm verifies; git objects and files outside the tree are not part of it", () => {
    const root = tree();
    const deps = record(root);
    const rels = deps.flatMap((t) => t.entries.map((e) => join(t.root, e[0])));
    expect(rels).toContain(join(root, "domains/d/contracts/c.yaml"));
    expect(rels).toContain(join(root, ".git/refs/remotes/origin/main"));
    expect(rels).toContain(join(root, ".git/packed-refs")); // absent, and expected to stay so
    expect(rels.some((p) => p.includes("objects"))).toBe(false);
    expect(verifyDeps(deps)).toEqual({ ok: true });
    // New objects (a fetch that moved no ref) change nothing a check reads.
    writeFileSync(join(root, ".git/objects/ab/0123"), "blob");
    expect(verifyDeps(deps).ok).toBe(true);
  });

  test("new content is seen even behind the same size and a restored mtime", () => {
    const root = tree();
    const deps = record(root);
    const file = join(root, "domains/d/contracts/c.yaml");
    const { mtime } = statSync(file);
    writeFileSync(file, "version: 2.0.0\n");
    utimesSync(file, mtime, mtime);
    expect(statSync(file).mtimeMs).toBe(mtime.getTime());
    expect(verifyDeps(deps).ok).toBe(false);
  });

  test("a file added deep in the tree, a file removed, a file that appears where none was", () => {
    const added = tree();
    const d1 = record(added);
    writeFileSync(join(added, "domains/d/contracts/new.yaml"), "x: 1\n");
    expect(verifyDeps(d1).ok).toBe(false);

    const removed = tree();
    const d2 = record(removed);
    rmSync(join(removed, "domains/d/domain.yaml"));
    expect(verifyDeps(d2).ok).toBe(false);

    const packed = tree();
    const d3 = record(packed);
    writeFileSync(join(packed, ".git/packed-refs"), "# pack-refs\n");
    expect(verifyDeps(d3).ok).toBe(false);
  });

  test("a moved ref is seen, whether the branch or the remote's", () => {
    for (const ref of [".git/refs/heads/main", ".git/refs/remotes/origin/main", ".git/HEAD"]) {
      const root = tree();
      const deps = record(root);
      writeFileSync(join(root, ref), "b".repeat(40));
      expect(verifyDeps(deps).ok).toBe(false);
    }
  });

  test("files changed in the last two seconds carry their hash until they are old enough", () => {
    const root = tree();
    const file = join(root, "domains/d/contracts/c.yaml");
    writeFileSync(file, "version: 1.0.1\n");
    const deps = record(root);
    const entry = deps[0]!.entries.find((e) => e[0] === "domains/d/contracts/c.yaml")!;
    expect(entry[6]).toMatch(/^[0-9a-f]{64}$/);
    // Files not written recently carry none.
    expect(deps[0]!.entries.find((e) => e[0] === "realm.yaml")![6]).toBeUndefined();
    // Still racy: verified by content, kept as it is. (A second write within the same timestamp tick cannot be
    // made on purpose here; a recorded hash that no longer matches stands for it.)
    expect(verifyDeps(deps)).toEqual({ ok: true });
    const tampered = structuredClone(deps);
    tampered[0]!.entries.find((e) => e[0] === "domains/d/contracts/c.yaml")![6] = "0".repeat(64);
    expect(verifyDeps(tampered).ok).toBe(false);
    // Old enough now: verified, and given back without the hash.
    const later = verifyDeps(deps, Date.now() + RACY_MS + 1_000);
    expect(later.ok).toBe(true);
    const fresh = later.ok ? later.fresh : undefined;
    expect(fresh?.[0]!.entries.find((e) => e[0] === "domains/d/contracts/c.yaml")![6]).toBeUndefined();
  });

  test("what cannot be pinned down by files makes the report unrepeatable", () => {
    const link = tree();
    symlinkSync(join(link, "realm.yaml"), join(link, "domains/d/contracts/linked.yaml"));
    const r1 = new DepRecorder();
    r1.realm(link);
    expect(r1.unrepeatable).toContain("symbolic link");

    const worktree = tree();
    rmSync(join(worktree, ".git"), { recursive: true });
    writeFileSync(join(worktree, ".git"), "gitdir: /elsewhere\n");
    const r2 = new DepRecorder();
    r2.realm(worktree);
    expect(r2.unrepeatable).toContain("not a directory");

    const r3 = new DepRecorder();
    r3.realm(tree());
    r3.volatile("a validation hook ran");
    r3.volatile("something else");
    expect(r3.unrepeatable).toBe("a validation hook ran");
  });

  test("files outside the realm: present, or absent and expected to stay absent", () => {
    const repo = tree();
    const r = new DepRecorder();
    r.path(repo, "config/s3.json");
    r.path(repo, "realm.yaml");
    const deps = r.deps();
    expect(deps[0]!.entries.map((e) => [e[0], e[1]])).toEqual([
      ["config/s3.json", "-"],
      ["realm.yaml", "f"],
    ]);
    expect(verifyDeps(deps).ok).toBe(true);
    mkdirSync(join(repo, "config"));
    writeFileSync(join(repo, "config/s3.json"), "{}");
    expect(verifyDeps(deps).ok).toBe(false);
  });
});

describe("the kept reports", () => {
  const noWarning = (m: string) => {
    throw new Error(`unexpected warning: ${m}`);
  };
  const store = () => {
    const dir = join(mkdtempSync(join(tmpdir(), "blue-reports-")), "cache.db-reports");
    dirs.push(join(dir, ".."));
    return new ReportStore<unknown>(dir, noWarning);
  };
  const key = (n: number | string) => sha256(String(n));

  test("a report comes back while its files are unchanged; every lookup is counted; clear forgets all", () => {
    const root = tree();
    const s = store();
    expect(s.get(key(1))).toBeUndefined();
    s.put(key(1), record(root), { summary: "clean" });
    expect(s.get(key(1))?.value).toEqual({ summary: "clean" });
    expect(s.get(key(2))).toBeUndefined();
    writeFileSync(join(root, "realm.yaml"), "name: changed\n");
    expect(s.get(key(1))).toBeUndefined();
    expect(s.stats()).toEqual({ entries: 1, hits: 1, misses: 3 });
    // Ignored by git even where .gitignore names only cache.db.
    expect(readFileSync(join(s.dir, ".gitignore"), "utf8")).toBe("*\n");
    s.clear();
    expect(s.stats()).toEqual({ entries: 0, hits: 0, misses: 0 });
  });

  test("only the most recently kept reports stay", () => {
    const s = store();
    const base = Date.now() / 1000 - 1_000;
    for (let i = 0; i < REPORTS_KEPT + 8; i++) {
      s.put(key(i), [], { n: i });
      utimesSync(join(s.dir, key(i)), base + i, base + i);
    }
    const kept = readdirSync(s.dir).filter((n) => /^[0-9a-f]{64}$/.test(n));
    expect(kept.sort()).toEqual(Array.from({ length: REPORTS_KEPT }, (_, i) => key(i + 8)).sort());
    expect(s.get(key(REPORTS_KEPT + 7))?.value).toEqual({ n: REPORTS_KEPT + 7 });
    expect(s.get(key(0))).toBeUndefined();
  });

  test("a file cut short, or not blue's, is a miss and is replaced by the next report", () => {
    const root = tree();
    const s = store();
    const deps = record(root);
    s.put(key(1), deps, { n: 1 });
    const file = join(s.dir, key(1));
    const whole = readFileSync(file, "utf8");
    writeFileSync(file, whole.slice(0, -3));
    expect(s.get(key(1))).toBeUndefined();
    writeFileSync(file, "not a report");
    expect(s.get(key(1))).toBeUndefined();
    writeFileSync(file, "");
    expect(s.get(key(1))).toBeUndefined();
    // Whole, and its files unchanged, but the report is not JSON: a miss too.
    writeFileSync(file, `${JSON.stringify({ deps: [], length: 3 })}\nabc`);
    expect(s.get(key(1))).toBeUndefined();
    expect(s.stats()).toMatchObject({ hits: 0, misses: 4 });
    s.put(key(1), deps, { n: 1 });
    expect(s.get(key(1))?.value).toEqual({ n: 1 });
  });

  test("a file no longer racy loses its hash once, on the first lookup that finds it old enough", () => {
    const s = store();
    const later = new ReportStore<unknown>(s.dir, noWarning, () => Date.now() + RACY_MS + 1);
    const racy = tree();
    writeFileSync(join(racy, "realm.yaml"), "name: racy\n");
    later.put(key(2), record(racy), { n: 2 });
    const entry = () => JSON.parse(readFileSync(join(s.dir, key(2)), "utf8").split("\n")[0]!).deps[0].entries.find((e: string[]) => e[0] === "realm.yaml");
    expect(entry()).toHaveLength(7);
    expect(later.get(key(2))?.value).toEqual({ n: 2 });
    expect(entry()).toHaveLength(6);
    expect(later.get(key(2))?.value).toEqual({ n: 2 });
  });
});
