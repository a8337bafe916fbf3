// changeRealm against a remote whose main is protected, with real git: the change is proposed on a branch when
// the caller can propose, refused in one line when it cannot, and the clone is left as the remote has it.
import { describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Refused } from "../../src/errors.ts";
import { changeRealm, proposalBranch } from "../../src/git/realm-repo.ts";
import { protectMain } from "../e2e/sandbox.ts";

const ENV = { ...process.env, GIT_AUTHOR_NAME: "T", GIT_AUTHOR_EMAIL: "t@example.com", GIT_COMMITTER_NAME: "T", GIT_COMMITTER_EMAIL: "t@example.com", GIT_CONFIG_NOSYSTEM: "1" };
function git(cwd: string, ...args: string[]): string {
  const r = spawnSync("git", args, { cwd, env: ENV, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`git ${args.join(" ")}: ${r.stderr}`);
  return r.stdout.trim();
}

function world() {
  const root = mkdtempSync(join(tmpdir(), "blue-realm-repo-"));
  const bare = join(root, "realm.git");
  const clone = join(root, "clone");
  git(root, "init", "-q", "--bare", "-b", "main", bare);
  git(root, "clone", "-q", bare, clone);
  git(clone, "config", "user.name", "T");
  git(clone, "config", "user.email", "t@example.com");
  writeFileSync(join(clone, "realm.yaml"), "name: r\n");
  git(clone, "add", ".");
  git(clone, "commit", "-qm", "init");
  git(clone, "push", "-q", "origin", "HEAD:main");
  protectMain(bare);
  return { bare, clone, main: git(clone, "rev-parse", "HEAD") };
}

describe("changeRealm on a protected main", () => {
  test("without a way to propose: one line saying main is protected; the clone is put back", async () => {
    const { clone, main } = world();
    const err = await changeRealm(clone, { apply: () => writeFileSync(join(clone, "x.yaml"), "a: 1\n"), message: () => "blue: add x" }).catch((e) => e);
    expect(err).toBeInstanceOf(Refused);
    expect(err.message).toBe("the realm remote refuses pushes to main: Forgejo: Not allowed to push to protected branch main");
    expect(git(clone, "rev-parse", "HEAD")).toBe(main);
    expect(existsSync(join(clone, "x.yaml"))).toBe(false);
  });

  test("with one: the commit goes to a branch, the proposer hears of it, the clone stays at main", async () => {
    const { bare, clone, main } = world();
    const heard: string[] = [];
    await changeRealm(clone, {
      apply: () => writeFileSync(join(clone, "x.yaml"), "a: 1\n"),
      message: () => "blue: add x",
      propose: async (branch, message) => void heard.push(`${branch} ${message}`),
    });
    expect(heard).toHaveLength(1);
    const [branch] = heard[0]!.split(" ");
    expect(heard[0]).toEndWith(" blue: add x");
    expect(git(bare, "rev-parse", "main")).toBe(main);
    expect(git(bare, "show", `${branch}:x.yaml`)).toBe("a: 1");
    expect(git(clone, "rev-parse", "HEAD")).toBe(main);
  });

  test("branch names say what changed, and when", () => {
    expect(proposalBranch("blue: aperture joins the realm", new Date("2026-11-30T07:06:09Z"))).toBe("blue/aperture-joins-the-realm-20261130-070609");
    expect(proposalBranch("blue: ¿?", new Date("2026-11-30T07:06:09Z"))).toBe("blue/change-20261130-070609");
  });
});
