// The set's record (follow/record.ts) is written on the clone's copy without fetching first: the push's lease is
// what keeps another machine's record. These tests make the clone's copy stale in each way it can be and check
// that nothing another machine wrote is lost; and that a record prepared before the pushes is rebuilt when the
// text it was prepared with is no longer the text to write.
import { describe, expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { prepareSet, publishSet, swapSet, type FollowSet } from "../../src/follow/record.ts";
import { git, realmWithTwoClones, useGitIdentity } from "../git-world.ts";

useGitIdentity();

/** A realm remote and two machines' clones of it. */
function world() {
  const root = mkdtempSync(join(tmpdir(), "blue-record-"));
  const { realm, clones } = realmWithTwoClones(root);
  const [a, b] = clones as [string, string];
  return { root, realm, a, b };
}

const next = (head: string) => ({
  realm: "rc",
  rfc: "x",
  branch: "feat/x",
  auto_merge: false,
  repos: [{ repo: "provider", position: 1, remote_url: "file:///p.git", branch: "feat/x", base: "main", forge: "none", pr: null, blocked_by: [], head }],
});
const optIn = { auto_merge: false, by: "dev@example.com" };
const onRemote = (realm: string): FollowSet => parse(git(realm, "show", "refs/blue/sets/x:set.yaml")) as FollowSet;
const decision = { key: "merge provider", repo: "provider", action: "merge" as const, reason: "ready", by: "machine-b", at: "2026-11-30T10:00:00.000Z" };

describe("the set's record, written on the clone's copy under a lease", () => {
  test("a clone that has not fetched another machine's newer record keeps its decisions", async () => {
    const { realm, a, b } = world();
    await publishSet(a, next("1111111111111111111111111111111111111111"), optIn);
    // Machine b records a decision; a's copy still has the first record.
    await publishSet(b, next("1111111111111111111111111111111111111111"), optIn);
    const onB = onRemote(realm);
    git(b, "fetch", "-q", "origin", "+refs/blue/sets/*:refs/blue/sets/*");
    const parent = git(b, "rev-parse", "refs/blue/sets/x");
    expect(await swapSet(b, { ...onB, decisions: [decision] }, parent, "b decides")).toBe("won");

    const written = await publishSet(a, next("2222222222222222222222222222222222222222"), optIn);
    expect(written.decisions).toEqual([decision]);
    expect(onRemote(realm).decisions).toEqual([decision]);
    expect(onRemote(realm).repos[0]!.head).toBe("2222222222222222222222222222222222222222");
    expect(git(a, "rev-parse", "refs/blue/sets/x")).toBe(git(realm, "rev-parse", "refs/blue/sets/x"));
  }, 60_000);

  test("a clone whose copy names a record deleted on the realm remote writes a new one", async () => {
    const { realm, a } = world();
    await publishSet(a, next("1111111111111111111111111111111111111111"), { auto_merge: true, by: "dev@example.com" });
    git(realm, "update-ref", "-d", "refs/blue/sets/x");
    const written = await publishSet(a, next("2222222222222222222222222222222222222222"), optIn);
    // Built on no record: the earlier opt-in, which the realm no longer holds, is not carried over.
    expect(written.auto_merge).toBe(false);
    expect(git(realm, "rev-list", "--count", "refs/blue/sets/x")).toBe("1");
  }, 60_000);

  test("a record prepared before the pushes is pushed as prepared when its text still holds, and rebuilt when not", async () => {
    const { realm, a } = world();
    const same = prepareSet(a, next("1111111111111111111111111111111111111111"), optIn);
    await publishSet(a, next("1111111111111111111111111111111111111111"), optIn, same);
    expect(git(realm, "rev-parse", "refs/blue/sets/x")).toBe((await same).commit);

    const stale = prepareSet(a, next("2222222222222222222222222222222222222222"), optIn);
    // The run learnt more after preparing (here another head): the prepared commit is not what is pushed.
    await publishSet(a, next("3333333333333333333333333333333333333333"), optIn, stale);
    expect(git(realm, "rev-parse", "refs/blue/sets/x")).not.toBe((await stale).commit);
    expect(onRemote(realm).repos[0]!.head).toBe("3333333333333333333333333333333333333333");
  }, 60_000);
});
