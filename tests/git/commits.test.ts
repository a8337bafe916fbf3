// Commits in a range read from real git: authors, the files each changes (any byte in a name), a merge's own
// edits only, the default range on a branch and on main, and signatures verified against given keys.
import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { broughtIn, commitsInRange, parseLog, realmTree, resolveRange, signatureOf } from "../../src/git/commits.ts";
import { allowedSigners, fingerprintOf, signatureProblem } from "../../src/check/signing.ts";

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function repo() {
  const dir = mkdtempSync(join(tmpdir(), "blue-commits-"));
  dirs.push(dir);
  const git = (...args: string[]) => {
    const r = Bun.spawnSync(["git", "-c", "user.name=T", "-c", "user.email=t@t.example", ...args], { cwd: dir, env: { ...process.env, GIT_CONFIG_NOSYSTEM: "1" } });
    if (r.exitCode !== 0) throw new Error(r.stderr.toString());
    return r.stdout.toString().trim();
  };
  const commit = (files: Record<string, string | null>, message: string, email = "t@t.example") => {
    for (const [path, text] of Object.entries(files)) {
      if (text === null) git("rm", "-q", "--", path);
      else {
        mkdirSync(join(dir, path, ".."), { recursive: true });
        writeFileSync(join(dir, path), text);
        git("add", "--", path);
      }
    }
    git("-c", `user.email=${email}`, "commit", "-q", "-m", message);
    return git("rev-parse", "HEAD");
  };
  git("init", "-q", "-b", "main");
  return { dir, git, commit };
}

describe("commits in a range", () => {
  const { dir, git, commit } = repo();
  const root = commit({ "realm.yaml": "name: r\n", "repos/a.yaml": "name: a\n" }, "found");
  const second = commit({ "repos/a.yaml": "name: a\nmaintainers: [x@a]\n", 'domains/d/odd\nna"me.yaml': "x: 1\n", "repos/gone.yaml": "name: gone\n" }, "edit", "Eve@Example.COM");
  const third = commit({ "repos/gone.yaml": null }, "remove");

  test("each with its parents, author email as written, and the files it adds, modifies and deletes", async () => {
    const commits = await commitsInRange(dir, root, third);
    expect(commits.map((c) => [c.sha, c.parents, c.email])).toEqual([
      [second, [root], "Eve@Example.COM"],
      [third, [second], "t@t.example"],
    ]);
    expect(commits[0]!.changes).toEqual([
      { path: 'domains/d/odd\nna"me.yaml', kind: "added" },
      { path: "repos/a.yaml", kind: "modified" },
      { path: "repos/gone.yaml", kind: "added" },
    ]);
    expect(commits[1]!.changes).toEqual([{ path: "repos/gone.yaml", kind: "deleted" }]);
    expect((await commitsInRange(dir, undefined, root)).map((c) => c.parents)).toEqual([[]]);
  });

  test("a path that looks like a header or a status is still read as a path", () => {
    const text = `\x1e${"a".repeat(40)}\x1f\x1fe@x\x1fN\0\nA\0\x1efake\0M\0A\0`;
    expect(parseLog(text)).toEqual([{ sha: "a".repeat(40), parents: [], email: "e@x", name: "N", changes: [{ path: "\x1efake", kind: "added" }, { path: "A", kind: "modified" }] }]);
  });

  test("a merge lists only what it changes itself; what it brings in comes from its other parent's commits", async () => {
    git("checkout", "-q", "-b", "side", second);
    const side = commit({ "repos/b.yaml": "name: b\n" }, "side");
    git("checkout", "-q", "main");
    git("merge", "-q", "--no-ff", "--no-commit", "side");
    writeFileSync(join(dir, "realm.yaml"), "name: r\ndescription: slipped in\n");
    git("add", "realm.yaml");
    git("commit", "-q", "-m", "merge");
    const merge = git("rev-parse", "HEAD");
    const commits = await commitsInRange(dir, third, merge);
    expect(commits.map((c) => c.sha).sort()).toEqual([side, merge].sort());
    const m = commits.find((c) => c.sha === merge)!;
    expect(m.parents).toEqual([third, side]);
    expect(m.changes).toEqual([{ path: "realm.yaml", kind: "modified" }]);
    expect(await broughtIn(dir, m)).toEqual([side]);
    const tree = await realmTree(dir, merge);
    expect([...tree.keys()].sort()).toEqual(['domains/d/odd\nna"me.yaml', "realm.yaml", "repos/a.yaml", "repos/b.yaml"]);
  });

  test("default range: the last commit on main; everything since the merge-base on a branch", async () => {
    git("checkout", "-q", "main");
    const head = git("rev-parse", "HEAD");
    expect(await resolveRange(dir)).toEqual({ from: git("rev-parse", "HEAD^1"), to: head });
    git("checkout", "-q", "-b", "pr");
    commit({ "repos/c.yaml": "name: c\n" }, "c1");
    const tip = commit({ "repos/c.yaml": "name: c\nmaintainers: [c@c]\n" }, "c2");
    expect(await resolveRange(dir)).toEqual({ from: head, to: tip });
    expect(await resolveRange(dir, root)).toEqual({ from: root, to: tip });
    // A forge's push event gives git's null id for a branch's first push: the whole history is checked.
    expect(await resolveRange(dir, "0".repeat(40))).toEqual({ from: undefined, to: tip });
    git("checkout", "-q", "main");
  });

  test("a revision that is not one is a usage error (exit 64), never an option", async () => {
    await expect(resolveRange(dir, "--output=/tmp/x")).rejects.toMatchObject({ exitCode: 64, message: "--from '--output=/tmp/x' is not a revision" });
    await expect(resolveRange(dir, "nope")).rejects.toMatchObject({ exitCode: 64 });
  });
});

const hasSshKeygen = Bun.which("ssh-keygen") !== null;

describe.if(hasSshKeygen)("signatures, verified by git against the keys given", () => {
  const { dir, git, commit } = repo();
  const key = (name: string) => {
    const path = join(dir, "..", `${name}-${process.pid}`);
    Bun.spawnSync(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", path]);
    dirs.push(path, `${path}.pub`);
    return { path, pub: readFileSync(`${path}.pub`, "utf8").trim() };
  };
  const alice = key("alice");
  const other = key("other");
  commit({ "realm.yaml": "name: r\n" }, "found");
  const unsigned = commit({ "repos/a.yaml": "name: a\n" }, "unsigned");
  const sign = (k: { path: string }) => {
    git("-c", "gpg.format=ssh", "-c", `user.signingkey=${k.path}`, "commit", "-q", "-S", "--allow-empty", "-m", "signed");
    return git("rev-parse", "HEAD");
  };
  const byAlice = sign(alice);
  const byOther = sign(other);
  const signers = join(dir, "..", `signers-${process.pid}`);
  dirs.push(signers);
  writeFileSync(signers, allowedSigners([alice.pub.split(" ").slice(0, 2).join(" ")]));

  test("the fingerprint blue computes is the one ssh-keygen prints", () => {
    const printed = Bun.spawnSync(["ssh-keygen", "-l", "-f", `${alice.path}.pub`]).stdout.toString().split(" ")[1];
    expect(fingerprintOf(alice.pub)).toBe(printed!);
  });

  test("good with a recorded key; none, or an unrecorded key, is a problem", async () => {
    const good = await signatureOf(dir, byAlice, signers);
    expect(good).toEqual({ status: "G", fingerprint: fingerprintOf(alice.pub) });
    expect(signatureProblem(good, "a@x")).toBeUndefined();
    expect(signatureProblem(await signatureOf(dir, unsigned, signers), "a@x")?.rule).toBe("unsigned-commit");
    const foreign = await signatureOf(dir, byOther, signers);
    expect(foreign.status).not.toBe("G");
    expect(signatureProblem(foreign, "a@x")).toEqual({ rule: "bad-signature", message: `signed with a key ${fingerprintOf(other.pub)} that the realm does not record for a@x` });
  });

  test("no recorded key at all: a signed commit does not verify", async () => {
    const none = join(dir, "..", `none-${process.pid}`);
    dirs.push(none);
    writeFileSync(none, "");
    expect((await signatureOf(dir, byAlice, none)).status).not.toBe("G");
  });
});
