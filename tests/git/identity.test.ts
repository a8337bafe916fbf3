// Who git commits as, read from git itself (git var), so GIT_AUTHOR_* in the environment win over user.* config.
import { afterEach, describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError } from "../../src/errors.ts";
import { gitIdentity, identityEmail, parseIdent, requireGitIdentity } from "../../src/git/identity.ts";

const saved = { ...process.env };
afterEach(() => {
  for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
  Object.assign(process.env, saved);
});

/** A repo whose only identity is its own config (the global config is a file we write, the system one off). */
function repo(config: string): string {
  const root = mkdtempSync(join(tmpdir(), "blue-identity-"));
  writeFileSync(join(root, "gitconfig"), config);
  for (const k of Object.keys(process.env)) if (/^GIT_(AUTHOR|COMMITTER)_|^EMAIL$/.test(k)) delete process.env[k];
  process.env.GIT_CONFIG_GLOBAL = join(root, "gitconfig");
  process.env.GIT_CONFIG_NOSYSTEM = "1";
  spawnSync("git", ["init", "-q", root]);
  return root;
}

describe("parseIdent", () => {
  test("reads git var's 'Name <email> time zone'", () => {
    expect(parseIdent("Ada Lovelace <ada@example.com> 1700000000 +0100\n")).toEqual({ name: "Ada Lovelace", email: "ada@example.com" });
    expect(parseIdent("<only@example.com> 1700000000 -0500")).toEqual({ name: "", email: "only@example.com" });
    expect(parseIdent("not an ident")).toBeUndefined();
  });
});

describe("gitIdentity", () => {
  test("the configured user, when the environment names none", async () => {
    const root = repo("[user]\n\tname = Config Person\n\temail = config@example.com\n");
    expect(await gitIdentity(root)).toEqual({ name: "Config Person", email: "config@example.com" });
  });

  test("GIT_AUTHOR_EMAIL wins over user.email for the author; the committer keeps the config", async () => {
    const root = repo("[user]\n\tname = Config Person\n\temail = config@example.com\n");
    process.env.GIT_AUTHOR_NAME = "Env Person";
    process.env.GIT_AUTHOR_EMAIL = "env@example.com";
    expect(await identityEmail(root)).toBe("env@example.com");
    expect(await identityEmail(root, "committer")).toBe("config@example.com");
  });

  test("no identity: undefined, and requireGitIdentity is a ConfigError (exit 78) with the fix", async () => {
    const root = repo("[user]\n\tuseConfigOnly = true\n");
    expect(await gitIdentity(root)).toBeUndefined();
    const e = await requireGitIdentity(root).catch((x) => x);
    expect(e).toBeInstanceOf(ConfigError);
    expect(e.hint).toContain("git config --global user.email");
  });

  test("an author from the environment without a committer is not enough to commit", async () => {
    const root = repo("[user]\n\tuseConfigOnly = true\n");
    process.env.GIT_AUTHOR_NAME = "Env Person";
    process.env.GIT_AUTHOR_EMAIL = "env@example.com";
    expect(await identityEmail(root)).toBe("env@example.com");
    expect(await requireGitIdentity(root).catch((x) => x)).toBeInstanceOf(ConfigError);
  });
});
