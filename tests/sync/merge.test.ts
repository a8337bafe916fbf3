// The plain-git forge's merge of a sync branch, on real repos: one merge commit built without a checkout, pushed
// with the branch's deletion as one atomic push; a conflict leaves the remote as it was; a branch someone pushed
// to meanwhile is merged with their commit, never deleted under it; signed when the user's git signs commits.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { mergeSyncBranch } from "../../src/sync/branches.ts";

const saved = { ...process.env };
let root: string;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "blue-merge-"));
  writeFileSync(join(root, "gitconfig"), "[user]\n\tname = Merger\n\temail = merger@example.com\n[init]\n\tdefaultBranch = main\n");
  for (const k of Object.keys(process.env)) if (k.startsWith("GIT_")) delete process.env[k];
  process.env.GIT_CONFIG_GLOBAL = join(root, "gitconfig");
  process.env.GIT_CONFIG_NOSYSTEM = "1";
});
afterAll(() => {
  for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
  Object.assign(process.env, saved);
});

function git(cwd: string, ...args: string[]): string {
  const r = spawnSync("git", args, { cwd, encoding: "utf8", env: process.env });
  if (r.status !== 0) throw new Error(`git ${args.join(" ")}: ${r.stderr}`);
  return r.stdout.trim();
}

/** A bare remote with main (one file), a clone of it (blue's), and a teammate's clone that pushed `branch`. */
function world(name: string, branch: string, edit: string) {
  const dir = mkdtempSync(join(root, `${name}-`));
  const remote = join(dir, "realm.git");
  git(dir, "init", "-q", "--bare", remote);
  const mate = join(dir, "mate");
  git(dir, "clone", "-q", remote, mate);
  writeFileSync(join(mate, "a.yaml"), "value: 1\n");
  git(mate, "add", "a.yaml");
  git(mate, "commit", "-qm", "first");
  git(mate, "push", "-q", "origin", "main");
  git(mate, "switch", "-q", "-c", branch);
  writeFileSync(join(mate, "a.yaml"), edit);
  git(mate, "commit", "-qam", "change on the branch");
  git(mate, "push", "-q", "origin", branch);
  const clone = join(dir, "clone");
  git(dir, "clone", "-q", remote, clone);
  return { remote, mate, clone };
}

describe("mergeSyncBranch", () => {
  test("one merge commit of main and the branch on the remote's main, and the branch deleted there and here", async () => {
    const { remote, clone } = world("plain", "sync/a/1", "value: 2\n");
    const main = git(clone, "rev-parse", "origin/main");
    const head = git(clone, "rev-parse", "origin/sync/a/1");
    const out = await mergeSyncBranch(clone, "sync/a/1", "Merge sync/a/1: c 1.1.0 (acknowledged)");
    expect(out.merged).toBe(true);
    const merged = git(remote, "rev-parse", "main");
    expect(out).toEqual({ merged: true, sha: merged });
    expect(git(remote, "log", "-1", "--format=%P%n%s%n%an <%ae>", "main").split("\n")).toEqual([`${main} ${head}`, "Merge sync/a/1: c 1.1.0 (acknowledged)", "Merger <merger@example.com>"]);
    expect(git(remote, "show", "main:a.yaml")).toBe("value: 2");
    expect(git(remote, "for-each-ref", "refs/heads/sync/")).toBe("");
    expect(git(clone, "for-each-ref", "--format=%(refname) %(objectname)", "refs/remotes/origin/")).toBe(`refs/remotes/origin/HEAD ${merged}\nrefs/remotes/origin/main ${merged}`);
  });

  test("a branch that conflicts with main: its files, and the remote unchanged", async () => {
    const { remote, mate, clone } = world("conflict", "sync/a/2", "value: 2\n");
    git(mate, "switch", "-q", "main");
    writeFileSync(join(mate, "a.yaml"), "value: 3\n");
    git(mate, "commit", "-qam", "main moves");
    git(mate, "push", "-q", "origin", "main");
    git(clone, "fetch", "-q", "origin");
    const before = git(remote, "for-each-ref");
    expect(await mergeSyncBranch(clone, "sync/a/2", "Merge sync/a/2")).toEqual({ merged: false, conflicts: ["a.yaml"] });
    expect(git(remote, "for-each-ref")).toBe(before);
  });

  test("a branch pushed to after it was read is merged with that commit, not deleted under it; a moved main is merged onto", async () => {
    const { remote, mate, clone } = world("moved", "sync/a/3", "value: 2\n");
    // The teammate adds to the branch and moves main after this clone fetched.
    writeFileSync(join(mate, "b.yaml"), "added: later\n");
    git(mate, "add", "b.yaml");
    git(mate, "commit", "-qm", "later on the branch");
    git(mate, "push", "-q", "origin", "sync/a/3");
    const later = git(mate, "rev-parse", "HEAD");
    git(mate, "switch", "-q", "main");
    writeFileSync(join(mate, "c.yaml"), "other: change\n");
    git(mate, "add", "c.yaml");
    git(mate, "commit", "-qm", "main moves");
    git(mate, "push", "-q", "origin", "main");
    const main = git(mate, "rev-parse", "HEAD");
    const out = await mergeSyncBranch(clone, "sync/a/3", "Merge sync/a/3");
    expect(out.merged).toBe(true);
    expect(git(remote, "log", "-1", "--format=%P", "main")).toBe(`${main} ${later}`);
    expect(git(remote, "show", "main:b.yaml")).toBe("added: later");
    expect(git(remote, "for-each-ref", "refs/heads/sync/")).toBe("");
  });

  const hasSshKeygen = spawnSync("ssh-keygen", ["-?"]).error === undefined;
  test.if(hasSshKeygen)("signed when the user's git signs its commits (commit.gpgSign), as git merge would", async () => {
    const { remote, clone } = world("signed", "sync/a/4", "value: 2\n");
    const key = join(root, "key");
    spawnSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "merger", "-f", key]);
    writeFileSync(join(root, "gitconfig"), `${readFileSync(join(root, "gitconfig"), "utf8")}[gpg]\n\tformat = ssh\n[user]\n\tsigningkey = ${key}\n[commit]\n\tgpgsign = true\n`);
    try {
      expect((await mergeSyncBranch(clone, "sync/a/4", "Merge sync/a/4")).merged).toBe(true);
      expect(git(remote, "cat-file", "commit", "main")).toContain("-----BEGIN SSH SIGNATURE-----");
    } finally {
      writeFileSync(join(root, "gitconfig"), "[user]\n\tname = Merger\n\temail = merger@example.com\n[init]\n\tdefaultBranch = main\n");
    }
  });
});
