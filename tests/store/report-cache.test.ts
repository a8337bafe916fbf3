// What a cached check report depends on, on real files in a temp dir: unchanged files verify, and any change a
// check could see (new content, even behind a restored size and mtime; a new or removed file; a moved ref)
// does not.
import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DepRecorder, RACY_MS, verifyDeps } from "../../src/store/report-cache.ts";

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
