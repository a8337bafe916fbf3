// Git identity as git itself resolves it (issue 18, items 6 and 9): every command that commits ends in exit 78
// with the one-line fix when git cannot name who commits, and the maintainers and approvers blue records by
// default are the identity the commit carries (GIT_AUTHOR_EMAIL over user.email).
import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { dailyDevelopment, VALUE } from "./daily.ts";
import { BIN, initialSetup, Sandbox, stackTrace } from "./sandbox.ts";

const sandboxes: Sandbox[] = [];
afterAll(() => {
  for (const sb of sandboxes) sb.shutDaemon();
}, 60_000);

const FIX = "error: git does not know who you are, so blue cannot commit to the realm";

describe("no git identity: exit 78 and the fix in every command that commits", () => {
  const w = dailyDevelopment();
  const { sb, aperture, fungal, writeCode } = w;
  sandboxes.push(sb);
  const gamma = sb.repo("gamma");
  writeCode({ ...VALUE, write: [...VALUE.write, "x/*"] });
  writeFileSync(join(aperture, "config/p2.json"), JSON.stringify({ permissions: VALUE }));
  const remote = sb.defaultRemote("letemcook");
  const remoteState = () => sb.git(sb.root, "-C", remote, "for-each-ref", "--format=%(refname) %(objectname)");
  const before = remoteState();
  // An empty HOME, no GIT_* identity, and git told not to guess one from the host name (which it can on some machines).
  const nobody = sb.path("nobody");
  mkdirSync(nobody, { recursive: true });
  writeFileSync(join(nobody, "gitconfig"), "[init]\n\tdefaultBranch = main\n[user]\n\tuseConfigOnly = true\n");
  const noIdentity = { HOME: nobody, GIT_CONFIG_GLOBAL: join(nobody, "gitconfig"), EMAIL: "" };

  const rows: { command: string; cwd: string; args: string[] }[] = [
    { command: "realm sync", cwd: aperture, args: ["realm", "sync"] },
    { command: "realm admin join", cwd: gamma, args: ["realm", "admin", "join", "letemcook"] },
    { command: "realm admin leave", cwd: fungal, args: ["realm", "admin", "leave"] },
    { command: "realm admin domain create", cwd: aperture, args: ["realm", "admin", "domain", "create", "metrics", "--repos", "aperture,fungal-image-analysis", "--contract", "metrics-schema"] },
    { command: "realm admin maintainers add", cwd: aperture, args: ["realm", "admin", "maintainers", "add", "carol@example.com"] },
    { command: "realm admin maintainers remove", cwd: aperture, args: ["realm", "admin", "maintainers", "remove", "test@example.com"] },
    { command: "realm import", cwd: fungal, args: ["realm", "import", "s3-permissions", "--range", ">=1.0.0 <3.0.0"] },
    { command: "realm export", cwd: aperture, args: ["realm", "export", "s3-permissions", "--extract", "config/p2.json:/permissions"] },
    { command: "realm admin init", cwd: sb.root, args: ["realm", "admin", "init", "--name", "another"] },
  ];
  for (const row of rows) {
    test(`blue ${row.command}`, () => {
      const r = sb.exec(BIN, row.args, row.cwd, noIdentity);
      expect([r.code, r.stderr.split("\n")[0]]).toEqual([78, FIX]);
      expect(r.stderr).toContain('Run: git config --global user.name "Your Name" && git config --global user.email you@example.com');
      expect(r.stderr).not.toContain("internal error");
      expect(stackTrace(r)).toBe(false);
    });
  }

  test("blue realm sync with an author from the environment but no committer", () => {
    const r = sb.exec(BIN, ["realm", "sync"], aperture, { ...noIdentity, GIT_AUTHOR_NAME: "Env Person", GIT_AUTHOR_EMAIL: "env@example.com" });
    expect([r.code, r.stderr.split("\n")[0]]).toEqual([78, FIX]);
    expect(r.stderr).not.toContain("internal error");
  });

  test("none of them changed the realm remote", () => {
    expect(remoteState()).toBe(before);
  });

  test("blue realm approve (plain git: a signed-off commit) on an open sync branch", () => {
    const s = sb.blue(aperture, "realm", "sync");
    expect(s.code).toBe(0);
    const branch = /Pushed (sync\/aperture\/\S+):/.exec(s.stdout)![1]!;
    const r = sb.exec(BIN, ["realm", "approve", branch], aperture, noIdentity);
    expect([r.code, r.stderr.split("\n")[0]]).toEqual([78, FIX]);
    expect(r.stderr).not.toContain("internal error");
  });
});

describe("the identity git commits with is the one blue records", () => {
  test("join records GIT_AUTHOR_EMAIL (not user.email) as maintainer, the author of join's commit; init records it as approver", () => {
    const sb = new Sandbox();
    sandboxes.push(sb);
    const env = { GIT_AUTHOR_NAME: "Env Person", GIT_AUTHOR_EMAIL: "env@example.com" };
    expect(sb.exec(BIN, ["realm", "admin", "init", "--name", "letemcook"], sb.root, env).code).toBe(0);
    const aperture = sb.repo("aperture");
    const r = sb.exec(BIN, ["realm", "admin", "join", "letemcook"], aperture, env);
    expect([r.code, r.stderr]).toEqual([0, ""]);
    const remote = sb.defaultRemote("letemcook");
    const onMain = (rel: string) => parse(sb.git(sb.root, "-C", remote, "show", `main:${rel}`)) as Record<string, any>;
    expect(onMain("repos/aperture.yaml").maintainers).toEqual(["env@example.com"]);
    expect(sb.git(sb.root, "-C", remote, "log", "-1", "--format=%ae", "main", "--", "repos/aperture.yaml")).toBe("env@example.com");
    expect(onMain("realm.yaml").governance.approvers).toEqual(["env@example.com"]);
    // user.email (test@example.com) is nowhere.
    expect(sb.exec("git", ["-C", remote, "grep", "-q", "test@example.com", "main"], sb.root).code).toBe(1);
  });

  test("without the environment, the configured user.email is recorded, as before", () => {
    const { sb, steps } = initialSetup();
    sandboxes.push(sb);
    expect(steps.map((s) => s.code)).toEqual([0, 0, 0, 0]);
    const remote = sb.defaultRemote("letemcook");
    expect((parse(sb.git(sb.root, "-C", remote, "show", "main:repos/aperture.yaml")) as { maintainers: string[] }).maintainers).toEqual(["test@example.com"]);
  });
});
