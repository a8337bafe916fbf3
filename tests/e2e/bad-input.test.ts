// Bad input ends in one clear line, a documented exit code, no stack trace, and nothing half-written.
import { describe, expect, test } from "bun:test";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { initialSetup, Sandbox, stackTrace, type Run } from "./sandbox.ts";

function expectOneError(r: Run, code: number, text: string) {
  expect(stackTrace(r)).toBe(false);
  expect(r.code).toBe(code);
  const first = r.stderr.split("\n")[0]!;
  expect(first).toStartWith("error: ");
  expect(first).toContain(text);
}

describe("bad input", () => {
  test("outside a git repo: exit 64", () => {
    const sb = new Sandbox();
    mkdirSync(sb.path("not-a-repo"));
    sb.blue(sb.root, "realm", "admin", "init", "--name", "r1");
    const r = sb.blue(sb.path("not-a-repo"), "realm", "admin", "join", "r1");
    expectOneError(r, 64, "is not inside a git repository");
  });

  test("an unknown realm: exit 64, and it says how to join one", () => {
    const sb = new Sandbox();
    const r = sb.blue(sb.repo("app"), "realm", "admin", "join", "nowhere");
    expectOneError(r, 64, "unknown realm 'nowhere'");
    expect(r.stderr).toContain("--url");
    expect(existsSync(sb.path("app", ".blue"))).toBe(false);
  });

  test("joining twice: exit 1", () => {
    const { sb, aperture } = initialSetup();
    expectOneError(sb.blue(aperture, "realm", "admin", "join", "letemcook"), 1, "already joined realm 'letemcook' as 'aperture'");
  });

  test("a realm name that is taken: exit 1, and the first realm is untouched", () => {
    const sb = new Sandbox();
    expect(sb.blue(sb.root, "realm", "admin", "init", "--name", "taken").code).toBe(0);
    const head = sb.git(sb.realmClone("taken"), "rev-parse", "HEAD");
    expectOneError(sb.blue(sb.root, "realm", "admin", "init", "--name", "taken"), 1, "a realm named 'taken' already exists");
    expect(sb.git(sb.realmClone("taken"), "rev-parse", "HEAD")).toBe(head);
  });

  test("an invalid realm name: exit 64", () => {
    const sb = new Sandbox();
    expectOneError(sb.blue(sb.root, "realm", "admin", "init", "--name", "../escape"), 64, "not a valid realm name");
    expect(existsSync(join(sb.env.BLUE_HOME!, "remotes"))).toBe(false);
  });

  test("a remote that cannot be reached: exit 69, and nothing is left behind", () => {
    const sb = new Sandbox();
    const r = sb.blue(sb.root, "realm", "admin", "init", "--name", "far", "--remote", "git://127.0.0.1:9/nothing.git");
    expectOneError(r, 69, "cannot reach realm remote git://127.0.0.1:9/nothing.git");
    expect(existsSync(sb.realmClone("far"))).toBe(false);
  });

  test("a remote that already holds commits is not made into a new realm", () => {
    const { sb } = initialSetup();
    const r = sb.blue(sb.root, "realm", "admin", "init", "--name", "again", "--remote", sb.defaultRemote("letemcook"));
    expectOneError(r, 1, "already has commits");
    expect(r.stderr).toContain("blue realm admin join again --url");
  });

  test("malformed YAML in the realm: exit 78 with file:line:col, and the clone is left as it was", () => {
    const { sb, aperture } = initialSetup();
    // A teammate pushes a broken domain file to the realm.
    const other = sb.path("teammate-clone");
    sb.git(sb.root, "clone", "-q", sb.defaultRemote("letemcook"), other);
    mkdirSync(join(other, "domains/broken"), { recursive: true });
    writeFileSync(join(other, "domains/broken/domain.yaml"), "name: broken\ncreated_at: 2026-01-24T10:00:00Z\nmembers: [aperture\n");
    sb.git(other, "add", "-A");
    sb.git(other, "commit", "-q", "-m", "broken");
    sb.git(other, "push", "-q", "origin", "main");

    const clone = sb.realmClone("letemcook");
    const before = sb.git(clone, "rev-parse", "HEAD");
    const r = sb.blue(aperture, "realm", "admin", "domain", "create", "metrics", "--repos", "aperture,fungal-image-analysis");
    expect(stackTrace(r)).toBe(false);
    expect(r.code).toBe(78);
    expect(r.stderr.split("\n")[0]).toMatch(/^domains\/broken\/domain\.yaml:4:1: invalid YAML: /);
    expect(r.stderr).toContain("error: realm 'letemcook' has 1 error");
    expect(sb.git(clone, "rev-parse", "HEAD")).toBe(before);
    expect(existsSync(join(clone, "domains/metrics"))).toBe(false);
  });

  test("check in the realm repo with a malformed realm.yaml: exit 78 with file:line:col, not an internal error", () => {
    const { sb } = initialSetup();
    const clone = sb.realmClone("letemcook");
    writeFileSync(join(clone, "realm.yaml"), `${readFileSync(join(clone, "realm.yaml"), "utf8")}version: [unclosed\n`);
    for (const args of [[], ["--contract", "s3-permissions"]]) {
      const r = sb.blue(clone, "realm", "check", ...args);
      expect(stackTrace(r)).toBe(false);
      expect(r.stderr).not.toContain("internal error");
      expect(r.code).toBe(78);
      expect(r.stderr.split("\n")[0]).toMatch(/^realm\.yaml:\d+:\d+: invalid YAML: /);
    }
  });

  test("a schema violation names the field: exit 78", () => {
    const { sb, aperture } = initialSetup();
    writeFileSync(join(aperture, ".blue/config.yaml"), "realm:\n  name: letemcook\nrepo: Aperture\n");
    const r = sb.blue(aperture, "realm", "admin", "domain", "list");
    expect(r.code).toBe(78);
    expect(r.stderr).toContain(".blue/config.yaml:2:3: realm.url: is required\n");
    expect(r.stderr).toContain(".blue/config.yaml:3:7: repo: must start with a lowercase letter");
    expect(stackTrace(r)).toBe(false);
  });

  test("a push the remote rejects leaves the clone as it was and writes nothing in the repo", () => {
    const { sb } = initialSetup();
    const remote = sb.defaultRemote("letemcook");
    const hook = join(remote, "hooks/pre-receive");
    writeFileSync(hook, "#!/bin/sh\necho 'realm is frozen' >&2\nexit 1\n");
    chmodSync(hook, 0o755);
    const clone = sb.realmClone("letemcook");
    const before = sb.git(clone, "rev-parse", "HEAD");
    const app = sb.repo("late-joiner");
    const r = sb.blue(app, "realm", "admin", "join", "letemcook");
    expect(r.code).toBe(1);
    expect(r.stderr.split("\n")[0]).toStartWith("error: git push failed");
    expect(stackTrace(r)).toBe(false);
    expect(sb.git(clone, "rev-parse", "HEAD")).toBe(before);
    expect(sb.git(clone, "status", "--porcelain")).toBe("");
    expect(existsSync(join(app, ".blue"))).toBe(false);
  });

  test("git without an identity: exit 78 and how to set one", () => {
    const sb = new Sandbox();
    writeFileSync(sb.env.GIT_CONFIG_GLOBAL!, "[init]\n\tdefaultBranch = main\n");
    const r = sb.exec(join(import.meta.dir, "../../dist/blue"), ["realm", "admin", "init", "--name", "anon"], sb.root, {
      GIT_AUTHOR_NAME: "",
      EMAIL: "",
      GIT_COMMITTER_NAME: "",
    });
    // Some systems derive an identity from the host; only check the message when git refused.
    if (r.code !== 0) {
      expectOneError(r, 78, "git does not know who you are");
      expect(existsSync(sb.realmClone("anon"))).toBe(false);
      expect(existsSync(sb.defaultRemote("anon"))).toBe(false);
    }
  });

  test("a realm URL that does not exist is unreachable (69), named without git's progress noise", () => {
    const sb = new Sandbox();
    const r = sb.blue(sb.repo("app"), "realm", "admin", "join", "other", "--url", sb.path("nothing.git"));
    expectOneError(r, 69, `cannot reach realm remote ${sb.path("nothing.git")}`);
    expect(r.stderr).not.toContain("Cloning into");
    expect(existsSync(sb.realmClone("other"))).toBe(false);
  });

  test("a repo removed from elsewhere can leave (clearing its stale config) and join again", () => {
    const { sb, aperture, fungal } = initialSetup();
    expect(sb.blue(aperture, "realm", "admin", "leave", "--realm", "letemcook", "--repo", "fungal-image-analysis").code).toBe(0);
    expect(existsSync(join(fungal, ".blue/config.yaml"))).toBe(true);
    const rejoin = sb.blue(fungal, "realm", "admin", "join", "letemcook");
    expect(rejoin.stderr).toBe("");
    expect(rejoin.code).toBe(0);
    expect(sb.blue(aperture, "realm", "admin", "leave", "--realm", "letemcook", "--repo", "fungal-image-analysis").code).toBe(0);
    const leave = sb.blue(fungal, "realm", "admin", "leave");
    expect(leave.code).toBe(0);
    expect(leave.stdout).toBe("✓ 'fungal-image-analysis' was no longer a member of realm 'letemcook'; removed the stale .blue/config.yaml\n");
    expect(existsSync(join(fungal, ".blue/config.yaml"))).toBe(false);
  });

  test("every error ends with a hint: an unknown realm or contract for check, a --body-file that is not there", () => {
    const { sb, aperture } = initialSetup();
    const realm = sb.blue(aperture, "realm", "check", "--realm", "nope");
    expectOneError(realm, 64, "unknown realm 'nope': it is not cloned on this machine");
    expect(realm.stderr.split("\n")[1]).toBe("Realms cloned on this machine: letemcook; a realm is cloned when a repo joins it: blue realm admin join nope --url <git-url>");
    expect(sb.blue(aperture, "realm", "check", "--realm", "letemcok").stderr.split("\n")[0]).toBe("error: unknown realm 'letemcok': it is not cloned on this machine. Did you mean 'letemcook'?");

    const contract = sb.blue(aperture, "realm", "check", "--contract", "nope");
    expectOneError(contract, 64, "unknown contract 'nope' for repo 'aperture' in realm 'letemcook'");
    expect(contract.stderr.split("\n")[1]).toBe("Contracts 'aperture' exports or imports: s3-permissions.");
    expect(sb.blue(aperture, "realm", "check", "--contract", "s3-permisions").stderr.split("\n")[0]).toEndWith(". Did you mean 's3-permissions'?");

    const body = sb.blue(aperture, "realm", "pr", "--rfc", "metrics", "--title", "t", "--body-file", sb.path("missing.md"));
    expectOneError(body, 64, `cannot read --body-file ${sb.path("missing.md")}: no such file`);
    expect(body.stderr).not.toContain("ENOENT");
    expect(body.stderr.split("\n")[1]).toBe("Give the path of a readable text file (relative to this directory), or leave --body-file out.");
    for (const r of [realm, contract, body]) expect(r.stderr.trimEnd().split("\n")).toHaveLength(2);
    // Other names from the realm get the closest one too.
    expect(sb.blue(aperture, "realm", "admin", "domain", "show", "s3-acess").stderr.split("\n")[0]).toBe("error: unknown domain 's3-acess' in realm 'letemcook'. Did you mean 's3-access'?");
    expect(sb.blue(aperture, "realm", "contract", "show", "s3-permisions").stderr.split("\n")[0]).toBe("error: unknown contract 's3-permisions' in realm 'letemcook'. Did you mean 's3-permissions'?");
  });

  test("domain create with a duplicate or unknown owner: exit 64", () => {
    const { sb, aperture } = initialSetup();
    expectOneError(sb.blue(aperture, "realm", "admin", "domain", "create", "x", "--repos", "aperture,aperture"), 64, "--repos lists a repo twice");
    expectOneError(sb.blue(aperture, "realm", "admin", "domain", "create", "x", "--repos", "aperture,b", "--owner", "c"), 64, "--owner c is not one of --repos");
    expectOneError(sb.blue(aperture, "realm", "admin", "domain", "create", "s3-access", "--repos", "aperture,b"), 1, "domain 's3-access' already exists");
    expectOneError(sb.blue(aperture, "realm", "admin", "domain", "show", "nope"), 64, "unknown domain 'nope'");
  });
});

describe("the command line", () => {
  const sb = new Sandbox();
  const commands = [
    [],
    ["realm"],
    ["realm", "admin"],
    ["realm", "admin", "init"],
    ["realm", "admin", "join"],
    ["realm", "admin", "domain"],
    ["realm", "admin", "domain", "create"],
    ["realm", "admin", "domain", "list"],
    ["realm", "admin", "domain", "show"],
    ["realm", "admin", "leave"],
    ["realm", "admin", "maintainers"],
    ["realm", "admin", "maintainers", "add"],
    ["realm", "admin", "maintainers", "remove"],
    ["realm", "status"],
    ["realm", "check"],
    ["realm", "contract"],
    ["realm", "contract", "show"],
    ["realm", "worktree"],
    ["realm", "pr"],
    ["realm", "sync"],
    ["realm", "approve"],
    ["daemon"],
    ["daemon", "start"],
    ["daemon", "stop"],
    ["daemon", "status"],
    ["daemon", "logs"],
    ["daemon", "install"],
    ["schema"],
    ["mcp"],
  ];
  for (const cmd of commands) {
    test(`blue ${cmd.join(" ")} --help prints its usage`, () => {
      const r = sb.blue(sb.root, ...cmd, "--help");
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`USAGE\n  blue${cmd.length ? ` ${cmd.join(" ")}` : ""}`);
      expect(r.stdout).not.toContain("\x1b[");
    });
  }

  test("blue --version prints the version", () => {
    const r = sb.blue(sb.root, "--version");
    expect(r).toEqual({ code: 0, stdout: "blue 0.1.0\n", stderr: "" });
  });

  test("an unknown command or flag is a usage error (64)", () => {
    expectOneError(sb.blue(sb.root, "realm", "teleport"), 64, "unknown command 'teleport' for 'blue realm'");
    expectOneError(sb.blue(sb.root, "realm", "admin", "init", "--name", "x", "--colour"), 64, "unknown flag '--colour' for 'blue realm admin init'");
    expectOneError(sb.blue(sb.root, "realm", "admin", "init"), 64, "Missing required argument: --name");
    expectOneError(sb.blue(sb.root, "realm", "admin", "init", "--name"), 64, "flag needs a value: --name");
    expectOneError(sb.blue(sb.root, "realm", "admin", "join", "a", "b"), 64, 'unexpected argument "b"');
    expectOneError(sb.blue(sb.root, "realm", "admin", "init", "--name", "x", "extra"), 64, 'unexpected argument "extra"');
    expectOneError(sb.blue(sb.root, "realm", "--bogus"), 64, "unknown flag '--bogus' for 'blue realm'");
  });

  test("a mistyped command or flag: did you mean the one that is close", () => {
    const command = sb.blue(sb.root, "realm", "stauts");
    expect(command).toEqual({ code: 64, stdout: "", stderr: "error: unknown command 'stauts' for 'blue realm'. Did you mean 'status'?\nRun 'blue realm --help' to see the commands.\n" });
    expect(sb.blue(sb.root, "realm", "admin", "domian", "list").stderr.split("\n")[0]).toBe("error: unknown command 'domian' for 'blue realm admin'. Did you mean 'domain'?");
    const flag = sb.blue(sb.root, "realm", "status", "--jsno");
    expect(flag).toEqual({ code: 64, stdout: "", stderr: "error: unknown flag '--jsno' for 'blue realm status'. Did you mean '--json'?\nRun 'blue realm status --help' for usage.\n" });
    expect(sb.blue(sb.root, "realm", "check", "--no-cahce").stderr.split("\n")[0]).toBe("error: unknown flag '--no-cahce' for 'blue realm check'. Did you mean '--no-cache'?");
    expect(sb.blue(sb.root, "realm", "--hlep").stderr.split("\n")[0]).toBe("error: unknown flag '--hlep' for 'blue realm'. Did you mean '--help'?");
    // Nothing close: no guess.
    expect(sb.blue(sb.root, "realm", "teleport").stderr).not.toContain("Did you mean");
  });

  test("blue schema prints each kind's JSON Schema, generated from the same Zod schema", () => {
    const list = sb.blue(sb.root, "schema");
    expect(list.stdout.split("\n").filter(Boolean).map((l) => l.split(/\s+/)[0])).toEqual(["realm", "repo", "domain", "governance", "contract", "waiver", "binding", "config"]);
    const r = sb.blue(sb.root, "schema", "contract");
    expect(r.code).toBe(0);
    const schema = JSON.parse(r.stdout);
    expect(schema.$schema).toBe("https://json-schema.org/draft/2020-12/schema");
    expect(schema.required).toEqual(["name", "version", "owner", "schema", "value"]);
    expectOneError(sb.blue(sb.root, "schema", "nope"), 64, "unknown kind 'nope'");
  });
});
