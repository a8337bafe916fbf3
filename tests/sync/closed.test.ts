// The record of a provider's sync branch closed without merging (sync/closed.ts), with real git: one realm remote,
// two machines' clones. Both learn it and both try to retire the acknowledgement at once: the record names the
// importer once and exactly one of them wins the comment. Its end: the provider or every importer synced again.
import { describe, expect, test } from "bun:test";
import { git, realmWithTwoClones, useGitIdentity } from "../git-world.ts";
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { claimRetirement, closedRecordEnd, isRecordedClosed, pruneClosed, readClosedRecords, recordClosed } from "../../src/sync/closed.ts";
import { deleteBranchAt } from "../../src/git/set-ref.ts";
import type { PendingSync } from "../../src/sync/pending.ts";

useGitIdentity();

const PROVIDER = "sync/aperture/20260124-150000";
const NOW = new Date("2026-01-25T00:00:00.000Z");

function world() {
  const root = mkdtempSync(join(tmpdir(), "blue-closed-"));
  const { realm, seed, clones } = realmWithTwoClones(root);
  /** A commit on the realm's main as a sync of `repo` lands it (its trailer), fetched into both clones. */
  const landSync = (repo: string) => {
    git(seed, "commit", "-q", "--allow-empty", "-m", `${repo}: something\n\nBlue-Sync: ${repo}`);
    git(seed, "push", "-q", realm, "main");
    for (const c of clones) git(c, "fetch", "-q", "origin");
  };
  /** The provider's sync branch on the realm remote, one commit further each call (pushed from the seed), fetched into
   *  the clones named (default both). Returns its head. */
  const pushProvider = (fetchInto = clones) => {
    const started = spawnSync("git", ["rev-parse", "--verify", "-q", "refs/heads/provider"], { cwd: seed }).status === 0;
    git(seed, "checkout", "-q", ...(started ? ["provider"] : ["-b", "provider"]));
    git(seed, "commit", "-q", "--allow-empty", "-m", "aperture: 2.0.0\n\nBlue-Sync: aperture");
    git(seed, "push", "-q", "-f", realm, `provider:refs/heads/${PROVIDER}`);
    git(seed, "checkout", "-q", "main");
    for (const c of fetchInto) git(c, "fetch", "-q", "--prune", "origin");
    return git(seed, "rev-parse", "provider");
  };
  const onRemote = () => git(root, "--git-dir", realm, "for-each-ref", "--format=%(refname:lstrip=2) %(objectname)", "refs/heads/sync/");
  const record = () => parse(git(root, "--git-dir", realm, "show", `refs/blue/closed/${PROVIDER}:closed.yaml`)) as { importers: { repo: string }[]; decisions: { key: string }[] };
  return { root, realm, clones, landSync, record, pushProvider, onRemote };
}

const ack = (repo: string, ts: string): PendingSync => ({
  branch: `sync/${repo}/${ts}`,
  repo,
  sha: "f".repeat(40),
  synced_at: NOW.toISOString(),
  base: { branch: PROVIDER, sha: "a".repeat(40) },
  base_merged: false,
  updates: [],
  acks: [],
  approvals: [],
  conflicts: [],
  obsolete: true,
  base_closed: true,
  contents: new Map(),
});

describe("a provider's sync branch closed without merging, recorded in the realm remote (issue 20)", () => {
  test("two machines retiring the same acknowledgement at once: one record naming it once, exactly one comment", async () => {
    const w = world();
    for (let round = 0; round < 3; round++) {
      const p = ack("fungal", `2026012${round}-153000`);
      const won = await Promise.all(w.clones.map((c) => claimRetirement(c, "rc", p, NOW, `host:${c}`)));
      expect(won.filter(Boolean)).toHaveLength(1);
      // Asked again, neither wins: the comment was taken, ever.
      expect(await Promise.all(w.clones.map((c) => claimRetirement(c, "rc", p, NOW, `host:${c}`)))).toEqual([false, false]);
    }
    expect(w.record().importers.map((i) => i.repo)).toEqual(["fungal", "fungal", "fungal"]);
    expect(w.record().decisions.map((d) => d.key)).toEqual(["comment sync/fungal/20260120-153000", "comment sync/fungal/20260121-153000", "comment sync/fungal/20260122-153000"]);
  });

  test("a machine that never saw the acknowledgement reads the record, and knows the branch is closed without asking a forge", async () => {
    const w = world();
    const [a, b] = w.clones as [string, string];
    expect(await isRecordedClosed(b, PROVIDER)).toBe(false);
    await recordClosed(a, "rc", [ack("fungal", "20260124-153000"), ack("gamma", "20260124-153100"), { ...ack("delta", "20260124-153200"), base_closed: false }], NOW);
    const read = await readClosedRecords(b, { fetch: true });
    expect(read.map((r) => [r.record.branch, r.record.repo, r.record.importers.map((i) => i.repo)])).toEqual([[PROVIDER, "aperture", ["fungal", "gamma"]]]);
    expect(await isRecordedClosed(b, PROVIDER)).toBe(true);
    // Recording what it already holds writes nothing.
    const ref = () => git(w.root, "--git-dir", w.realm, "rev-parse", `refs/blue/closed/${PROVIDER}`);
    const at = ref();
    await recordClosed(b, "rc", [ack("fungal", "20260124-153000")], NOW);
    expect(ref()).toBe(at);
  });

  test("its end: not while its importers have not synced again; once they have, or the provider has, or after 30 days", async () => {
    const w = world();
    const [a, b] = w.clones as [string, string];
    await recordClosed(a, "rc", [ack("fungal", "20260124-153000"), ack("gamma", "20260124-153100")], NOW);
    const stored = async () => (await readClosedRecords(b, { fetch: true }))[0]!;
    expect(await closedRecordEnd(b, (await stored()).record, NOW)).toBeNull();
    expect(await closedRecordEnd(b, (await stored()).record, new Date("2026-02-25T00:00:00.000Z"))).toBe("older than 30 days");
    w.landSync("fungal");
    expect(await closedRecordEnd(b, (await stored()).record, NOW)).toBeNull();
    w.landSync("gamma");
    expect(await closedRecordEnd(b, (await stored()).record, NOW)).toBe("fungal, gamma synced again");
    expect(await pruneClosed(b, [await stored()], NOW)).toEqual([{ branch: PROVIDER, why: "fungal, gamma synced again" }]);
    expect(git(w.root, "--git-dir", w.realm, "for-each-ref", "refs/blue/closed/")).toBe("");
    expect(await readClosedRecords(a, { fetch: true })).toEqual([]);

    await recordClosed(a, "rc", [ack("fungal", "20260126-153000")], NOW);
    w.landSync("aperture");
    expect(await closedRecordEnd(a, (await stored()).record, NOW)).toBe("aperture synced again");
  });

  test("the machine that makes the record deletes the closed branch from the realm remote, at the head it saw; the other deletes nothing", async () => {
    const w = world();
    const head = w.pushProvider();
    const fates = await Promise.all(w.clones.map((c) => recordClosed(c, "rc", [ack("fungal", "20260124-153000")], NOW, `host:${c}`)));
    expect(fates.flat()).toEqual([{ branch: PROVIDER, head, fate: "deleted" }]);
    expect(w.onRemote()).toBe("");
    expect((w.record() as unknown as { head: string }).head).toBe(head);
    // Its maker's clone keeps no stale remote-tracking ref of it; the other's next fetch prunes its own.
    expect(git(w.clones[fates[0]!.length ? 0 : 1]!, "for-each-ref", "refs/remotes/origin/sync/")).toBe("");
    // Recorded again (another importer), nothing is deleted again.
    expect(await recordClosed(w.clones[0]!, "rc", [ack("gamma", "20260124-153100")], NOW)).toEqual([]);
  });

  test("the lease: a closed branch pushed to since the record saw it is kept, and its record dropped (it is not the branch that closed)", async () => {
    const w = world();
    const [a, b] = w.clones as [string, string];
    const seen = w.pushProvider();
    const moved = w.pushProvider([b]);
    expect(moved).not.toBe(seen);
    expect(await recordClosed(a, "rc", [ack("fungal", "20260124-153000")], NOW)).toEqual([{ branch: PROVIDER, head: seen, fate: "moved" }]);
    expect(w.onRemote()).toBe(`${PROVIDER} ${moved}`);
    expect(git(w.root, "--git-dir", w.realm, "for-each-ref", "refs/blue/closed/")).toBe("");
    expect(await isRecordedClosed(a, PROVIDER)).toBe(false);
    // The lease itself: at a head it no longer has, nothing is deleted; gone already, nothing to do.
    expect(await deleteBranchAt(a, PROVIDER, seen)).toBe("moved");
    expect(w.onRemote()).toBe(`${PROVIDER} ${moved}`);
    expect(await deleteBranchAt(b, PROVIDER, moved)).toBe("deleted");
    expect(await deleteBranchAt(a, PROVIDER, moved)).toBe("gone");
  });

  test("on plain git the closed branch is gone already: the record holds no head and nothing is deleted", async () => {
    const w = world();
    expect(await recordClosed(w.clones[0]!, "rc", [ack("fungal", "20260124-153000")], NOW)).toEqual([]);
    expect((w.record() as unknown as { head: unknown }).head).toBeNull();
  });

  test("a record's end resurrects nothing: a branch still at the head it recorded is deleted before the record goes; one that moved is kept", async () => {
    const w = world();
    const [a, b] = w.clones as [string, string];
    // A record its maker did not get to act on (made while this clone had not fetched the branch yet, then the branch
    // arrived), and a record written before `head`: both delete the branch still at what they knew.
    await recordClosed(a, "rc", [ack("fungal", "20260124-153000")], NOW);
    w.pushProvider();
    w.landSync("aperture");
    expect(await pruneClosed(b, await readClosedRecords(b, { fetch: true }), NOW)).toEqual([{ branch: PROVIDER, why: "aperture synced again" }]);
    expect(w.onRemote()).toBe("");
    expect(git(w.root, "--git-dir", w.realm, "for-each-ref", "refs/blue/closed/")).toBe("");

    // A branch pushed to since its record: the record ends, the branch (no closed branch) stays.
    const seen = w.pushProvider();
    await recordClosed(a, "rc", [ack("fungal", "20260126-153000")], NOW);
    expect(w.onRemote()).toBe("");
    const moved = w.pushProvider();
    expect(moved).not.toBe(seen);
    w.landSync("aperture");
    expect(await pruneClosed(b, await readClosedRecords(b, { fetch: true }), NOW)).toEqual([{ branch: PROVIDER, why: "aperture synced again" }]);
    expect(w.onRemote()).toBe(`${PROVIDER} ${moved}`);
  });

  test("a realm remote that refuses the deletion: the record stays (the branch ignored), and its end waits until the branch can go", async () => {
    const w = world();
    const [a, b] = w.clones as [string, string];
    const head = w.pushProvider();
    const hook = join(w.realm, "hooks", "pre-receive");
    writeFileSync(hook, '#!/bin/sh\nwhile read old new ref; do case "$new:$ref" in 0000000000000000000000000000000000000000:refs/heads/*) echo "branches are kept here" >&2; exit 1;; esac; done\n');
    chmodSync(hook, 0o755);
    const fates = await recordClosed(a, "rc", [ack("fungal", "20260124-153000")], NOW);
    expect(fates).toEqual([{ branch: PROVIDER, head, fate: "failed", why: expect.stringContaining(`deleting ${PROVIDER} on the realm failed`) }]);
    expect(fates[0]!.why).toBe(`deleting ${PROVIDER} on the realm failed: remote: branches are kept here`);
    expect(w.onRemote()).toBe(`${PROVIDER} ${head}`);
    expect((await readClosedRecords(b, { fetch: true })).map((r) => r.record.head)).toEqual([head]);
    w.landSync("aperture");
    expect(await pruneClosed(b, await readClosedRecords(b, { fetch: true }), NOW)).toEqual([]);
    expect(git(w.root, "--git-dir", w.realm, "for-each-ref", "--format=%(refname)", "refs/blue/closed/")).toBe(`refs/blue/closed/${PROVIDER}`);
    rmSync(hook);
    expect(await pruneClosed(b, await readClosedRecords(b, { fetch: true }), NOW)).toEqual([{ branch: PROVIDER, why: "aperture synced again" }]);
    expect(w.onRemote()).toBe("");
  });

  test("only sync branches blue made are ever deleted: a base named otherwise is neither recorded nor touched", async () => {
    const w = world();
    const [a] = w.clones as [string];
    git(a, "push", "-q", "origin", "main:refs/heads/release/x");
    git(a, "fetch", "-q", "origin");
    expect(await recordClosed(a, "rc", [{ ...ack("fungal", "20260124-153000"), base: { branch: "release/x", sha: "a".repeat(40) } }], NOW)).toEqual([]);
    expect(git(w.root, "--git-dir", w.realm, "for-each-ref", "--format=%(refname)", "refs/heads/release/", "refs/blue/")).toBe("refs/heads/release/x");
  });
});
