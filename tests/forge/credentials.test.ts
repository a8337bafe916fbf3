// The credential chain (DESIGN.md §3): environment, `git credential fill`, OS keychain, credentials.yaml,
// first found wins; real git and real helper scripts in a temp HOME, nothing from the user's own setup.
import { afterAll, describe, expect, test } from "bun:test";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { ConfigError, ForgeError } from "../../src/errors.ts";
import { resolveToken } from "../../src/forge/credentials.ts";
import type { ForgeTarget } from "../../src/forge/forge.ts";

const root = mkdtempSync(join(tmpdir(), "blue-cred-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const forgejo: ForgeTarget = { kind: "forgejo", apiUrl: "https://git.example.com/api/v1", webUrl: "https://git.example.com", host: "git.example.com", owner: "realms", repo: "letemcook" };
const github: ForgeTarget = { kind: "github", apiUrl: "https://api.github.com", webUrl: "https://github.com", host: "github.com", owner: "o", repo: "r" };
const gitDir = dirname(Bun.which("git")!);

let n = 0;
/** A fresh world: its own HOME, global git config, BLUE_HOME and PATH (git, plus a bin dir for fake tools). */
function world(opts: { helper?: string; keychain?: string } = {}) {
  const dir = join(root, `w${n++}`);
  const bin = join(dir, "bin");
  mkdirSync(bin, { recursive: true });
  const blueHome = join(dir, "blue-home");
  mkdirSync(blueHome);
  const gitconfig = join(dir, "gitconfig");
  let config = "";
  if (opts.helper) {
    const helper = join(dir, "helper.sh");
    // A git credential helper: for `get`, answers only for the host it knows.
    writeFileSync(helper, `#!/bin/sh\n[ "$1" = get ] || exit 0\ngrep -q '^host=git.example.com$' && printf 'username=blue\\npassword=${opts.helper}\\n'\nexit 0\n`);
    chmodSync(helper, 0o755);
    config = `[credential]\n\thelper = ${helper}\n`;
  }
  writeFileSync(gitconfig, config);
  if (opts.keychain !== undefined) {
    writeFileSync(join(bin, "secret-tool"), `#!/bin/sh\n[ "$1 $2 $3 $4" = "lookup service blue host" ] && [ "$5" = git.example.com ] && printf '%s' '${opts.keychain}' && exit 0\nexit 1\n`);
    chmodSync(join(bin, "secret-tool"), 0o755);
  }
  const env: Record<string, string> = { PATH: `${bin}:${gitDir}:/usr/bin:/bin`, HOME: dir, GIT_CONFIG_GLOBAL: gitconfig, GIT_CONFIG_NOSYSTEM: "1" };
  return { env, blueHome, deps: { env, blueHome, platform: "linux" as const } };
}

function credentialsFile(blueHome: string, body: string, mode: number) {
  const f = join(blueHome, "credentials.yaml");
  writeFileSync(f, body);
  chmodSync(f, mode);
  return f;
}

describe("resolveToken", () => {
  test("BLUE_REALM_TOKEN comes before BLUE_FORGEJO_TOKEN", async () => {
    const w = world({ helper: "from-helper" });
    w.env.BLUE_FORGEJO_TOKEN = "forgejo-env";
    expect(await resolveToken(forgejo, w.deps)).toEqual({ token: "forgejo-env", source: "BLUE_FORGEJO_TOKEN" });
    w.env.BLUE_REALM_TOKEN = "realm-env";
    expect(await resolveToken(forgejo, w.deps)).toEqual({ token: "realm-env", source: "BLUE_REALM_TOKEN" });
  });

  test("GitHub reads BLUE_GITHUB_TOKEN, then GITHUB_TOKEN, and ignores BLUE_FORGEJO_TOKEN", async () => {
    const w = world();
    w.env.BLUE_FORGEJO_TOKEN = "not-for-github";
    w.env.GITHUB_TOKEN = "gh-actions";
    expect(await resolveToken(github, w.deps)).toEqual({ token: "gh-actions", source: "GITHUB_TOKEN" });
    w.env.BLUE_GITHUB_TOKEN = "gh-blue";
    expect(await resolveToken(github, w.deps)).toEqual({ token: "gh-blue", source: "BLUE_GITHUB_TOKEN" });
  });

  test("without a variable, asks git's credential helpers for the forge host", async () => {
    const w = world({ helper: "from-helper", keychain: "from-keychain" });
    expect(await resolveToken(forgejo, w.deps)).toEqual({ token: "from-helper", source: "git credential fill" });
  });

  test("a helper that knows nothing for this host falls through to the keychain (secret-tool)", async () => {
    const w = world({ helper: "from-helper", keychain: "from-keychain" });
    const other = { ...forgejo, host: "other.example.com" };
    // The fake secret-tool only knows git.example.com: it is asked with service=blue host=<host>.
    await expect(resolveToken(other, w.deps)).rejects.toThrow(/no token for forgejo at other.example.com/);
    const noHelper = world({ keychain: "from-keychain" });
    expect(await resolveToken(forgejo, noHelper.deps)).toEqual({ token: "from-keychain", source: "OS keychain (secret-tool)" });
  });

  test("credentials.yaml is read only with mode 0600", async () => {
    const w = world();
    const f = credentialsFile(w.blueHome, "hosts:\n  git.example.com:\n    token: from-file\n", 0o644);
    const err = await resolveToken(forgejo, w.deps).catch((e) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.message).toBe(`${f} is readable by others (mode 0644); blue does not read tokens from it`);
    expect(err.message).not.toContain("from-file");
    chmodSync(f, 0o600);
    expect(await resolveToken(forgejo, w.deps)).toEqual({ token: "from-file", source: f });
  });

  test("a malformed credentials.yaml is named without echoing its content", async () => {
    const w = world();
    credentialsFile(w.blueHome, "hosts:\n  git.example.com:\n    token: 12345\n    extra: secret-ish\n", 0o600);
    const err = await resolveToken(forgejo, w.deps).catch((e) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.message).toContain("credentials.yaml: hosts.git.example.com");
    expect(err.message).not.toContain("12345");
  });

  test("nothing found: one line listing every source tried, and how to set one", async () => {
    const w = world();
    const err = await resolveToken(forgejo, w.deps).catch((e) => e);
    expect(err).toBeInstanceOf(ForgeError);
    expect(err.message).toBe(
      `no token for forgejo at git.example.com; tried BLUE_REALM_TOKEN, BLUE_FORGEJO_TOKEN, git credential fill, secret-tool (not installed), ${join(w.blueHome, "credentials.yaml")} (absent)`,
    );
    expect(err.message).not.toContain("\n");
    expect(err.hint).toContain("Set BLUE_FORGEJO_TOKEN");
  });
});
