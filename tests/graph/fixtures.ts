// What the graph tests draw: the RFC's realm (tests/fixtures/realms/good), the seeded 30-repo realm of
// bench/graph-realm.ts, open sync branches as sync/pending.ts reads them, and golden files for the snapshots.
import { expect } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { writeGraphRealm } from "../../bench/graph-realm.ts";
import { loadValidRealm, type RealmModel } from "../../src/realm/load.ts";
import type { PendingSync } from "../../src/sync/pending.ts";

export const RFC_REALM = resolve(import.meta.dir, "../fixtures/realms/good");

export function rfcModel(): RealmModel {
  return loadValidRealm(RFC_REALM, "letemcook").model;
}

/** The seeded realm of the snapshots: 30 repos, 40 contracts in 8 domains. */
export function generatedModel(): RealmModel {
  const dir = mkdtempSync(join(tmpdir(), "blue-graph-"));
  try {
    writeGraphRealm(dir, { repos: 30, domains: 8, contracts: 40, seed: 21 });
    return loadValidRealm(dir, "generated").model;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function pendingSync(p: Partial<PendingSync> & Pick<PendingSync, "branch" | "repo">): PendingSync {
  return { sha: "0".repeat(40), synced_at: "2026-01-25T10:00:00Z", base: null, base_merged: true, updates: [], acks: [], approvals: [], obsolete: false, conflicts: [], contents: new Map(), ...p };
}

/** aperture proposes s3-permissions 2.0.0, incompatible, on an open sync branch. */
export const BREAKING_PROPOSAL = () =>
  pendingSync({ branch: "sync/aperture/20260125-100000", repo: "aperture", updates: [{ domain: "s3-access", contract: "s3-permissions", version: "2.0.0", compatible: false, changes: ["Removed delete"] }] });

/** `text` must equal the golden file `name`; BLUE_UPDATE_GOLDEN=1 writes it instead (then review the diff). */
export function expectGolden(name: string, text: string): void {
  const file = join(import.meta.dir, "golden", name);
  if (process.env.BLUE_UPDATE_GOLDEN === "1") writeFileSync(file, text);
  expect(existsSync(file), `${file} is missing: run with BLUE_UPDATE_GOLDEN=1 and review it`).toBe(true);
  expect(text).toBe(readFileSync(file, "utf8"));
}
