// git run directly answers as simple-git's `raw` did, which blue's git code was written against: trimmed
// stdout; a rejection with git's words when it fails and says why; a silent non-zero exit as its (empty) output.
import { describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gitCommand, GitFailed } from "../../src/git/command.ts";

function repo(): string {
  const root = mkdtempSync(join(tmpdir(), "blue-command-"));
  spawnSync("git", ["init", "-q", "-b", "main", root]);
  spawnSync("git", ["-C", root, "-c", "user.name=T", "-c", "user.email=t@example.com", "commit", "-q", "--allow-empty", "-m", "first"]);
  return root;
}

describe("gitCommand", () => {
  const root = repo();
  const env = { ...process.env, GIT_CONFIG_NOSYSTEM: "1", GIT_CONFIG_GLOBAL: "/dev/null" };
  const g = gitCommand(root, env);

  test("answers with git's stdout, trimmed", async () => {
    expect(await g.raw(["rev-parse", "--abbrev-ref", "HEAD"])).toBe("main");
  });

  test("a silent non-zero exit (a missing ref, an unset key) answers with its empty output", async () => {
    expect(await g.raw(["rev-parse", "--verify", "-q", "refs/heads/nowhere"])).toBe("");
    expect(await g.raw(["config", "--get", "remote.origin.url"])).toBe("");
  });

  test("a failure git explains rejects with its words and exit code", async () => {
    const e = await g.raw(["show", "nowhere:file"]).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(GitFailed);
    expect((e as GitFailed).code).toBe(128);
    expect((e as GitFailed).message).toContain("fatal:");
  });

  test("a directory that does not exist rejects rather than running git elsewhere", async () => {
    await expect(gitCommand(join(root, "missing"), env).raw(["status"])).rejects.toThrow();
  });

  test("clone and ls-remote", async () => {
    const dest = join(mkdtempSync(join(tmpdir(), "blue-command-")), "copy");
    await gitCommand(tmpdir(), env).clone(root, dest);
    expect(await gitCommand(dest, env).raw(["rev-parse", "HEAD"])).toBe(await g.raw(["rev-parse", "HEAD"]));
    expect(await g.listRemote([dest])).toMatch(/^[0-9a-f]{40}\tHEAD$/m);
  });
});
