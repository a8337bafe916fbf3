// The trust boundary (docs/security.md): another team can push anything to the realm with plain git, and that
// alone must neither run a command on this machine nor send this machine's forge token anywhere. Each attack is
// made as a hostile member would make it (a plain clone of the realm remote, a commit, a push); then the
// victim's own commands run, as a user runs them.
import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { dailyDevelopment, editRealmFile, VALUE } from "./daily.ts";
import { BIN, stackTrace, type Sandbox } from "./sandbox.ts";

const MALLORY = ["-c", "user.name=Mallory", "-c", "user.email=mallory@evil.example"];

/** A plain git clone of the realm remote, changed by `edit`, committed as Mallory and pushed. Returns the commit. */
function hostilePush(sb: Sandbox, message: string, edit: (dir: string) => void): string {
  const dir = sb.path(`hostile-${Math.random().toString(36).slice(2, 8)}`);
  sb.git(sb.root, "clone", "-q", sb.defaultRemote("letemcook"), dir);
  edit(dir);
  sb.git(dir, ...MALLORY, "commit", "-qam", message);
  sb.git(dir, "push", "-q", "origin", "main");
  return sb.git(dir, "rev-parse", "HEAD");
}

describe("a command written into the realm by another team", () => {
  const world = dailyDevelopment();
  const { sb, aperture } = world;
  const pwned = sb.path("pwned");
  const argv = ["sh", "-c", `touch ${pwned}; echo '${JSON.stringify(VALUE)}'`];
  afterAll(() => sb.shutDaemon());

  const commit = hostilePush(sb, "tweak aperture's extract", (dir) =>
    editRealmFile(dir, "domains/s3-access/bindings/aperture.yaml", (d) => d.setIn(["exports", 0, "extract"], { command: argv })),
  );

  test("is not run by status (after the daemon fetched it) nor by check; both say how to review it", () => {
    const status = sb.blue(aperture, "realm", "status", "--refresh");
    expect(status.code).toBe(0);
    expect(existsSync(pwned)).toBe(false);
    expect(status.stderr + status.stdout).toContain("is not trusted on this machine: not run; run 'blue realm trust' to review it");
    // The daemon's fetch brought the change into the clone: it is what check reads.
    expect(readFileSync(join(world.clone, "domains/s3-access/bindings/aperture.yaml"), "utf8")).toContain("touch");

    const desk = sb.blue(aperture, "realm", "check", "--mode=exporter");
    expect(desk.code).toBe(2);
    expect(desk.stdout).toContain("⚠ s3-permissions: the extract command of s3-permissions in domains/s3-access/bindings/aperture.yaml (sh -c ");
    expect(desk.stdout).toContain("is not trusted on this machine: not run");
    const ci = sb.exec(BIN, ["realm", "check", "--mode=exporter", "--no-cache"], aperture, { CI: "true" });
    expect(ci.code).toBe(1);
    expect(existsSync(pwned)).toBe(false);
    expect(stackTrace(ci)).toBe(false);
  });

  test("blue realm trust shows the exact argv, and the realm commit and author that set it", () => {
    const r = sb.blue(aperture, "realm", "trust", "--json");
    expect(r.code).toBe(0);
    const review = JSON.parse(r.stdout) as { commands: { id: string; state: string; argv: string[]; commit: string; author: string; field: string }[] };
    expect(review.commands).toHaveLength(1);
    expect(review.commands[0]).toMatchObject({ state: "untrusted", argv, commit, author: "Mallory <mallory@evil.example>", field: "exports.s3-permissions.extract.command" });
    const text = sb.blue(aperture, "realm", "trust").stdout;
    expect(text).toContain(`⚠ ${review.commands[0]!.id}  untrusted  extract command of s3-permissions`);
    expect(text).toContain(`by Mallory <mallory@evil.example> in ${commit.slice(0, 10)}`);
    expect(existsSync(pwned)).toBe(false);
  });

  test("once approved on this machine it runs; revoked, it stops; changed in the realm, it needs approval again", () => {
    const id = (JSON.parse(sb.blue(aperture, "realm", "trust", "--json").stdout) as { commands: { id: string }[] }).commands[0]!.id;
    expect(sb.blue(aperture, "realm", "trust", id).code).toBe(0);
    const approved = sb.blue(aperture, "realm", "check", "--mode=exporter");
    expect(approved.stdout).toContain("✓ s3-permissions: code matches contract");
    expect(approved.code).toBe(0);
    expect(existsSync(pwned)).toBe(true);
    const trustFile = join(sb.env.BLUE_HOME!, "trust.json");
    expect((statSync(trustFile).mode & 0o777).toString(8)).toBe("600");

    expect(sb.blue(aperture, "realm", "trust", "--revoke", id).code).toBe(0);
    expect(sb.blue(aperture, "realm", "check", "--mode=exporter").code).toBe(2);

    // Approved again, then Mallory changes one word of it: the new argv is a new command.
    expect(sb.blue(aperture, "realm", "trust", "--all").code).toBe(0);
    hostilePush(sb, "again", (dir) =>
      editRealmFile(dir, "domains/s3-access/bindings/aperture.yaml", (d) => d.setIn(["exports", 0, "extract"], { command: [...argv.slice(0, 2), `${argv[2]} # v2`] })),
    );
    expect(sb.blue(aperture, "realm", "status", "--refresh").code).toBe(0);
    expect(sb.blue(aperture, "realm", "check", "--mode=exporter").stdout).toContain("is not trusted on this machine: not run");
  });

  test("a pin in the committed .blue/config.yaml is what CI runs by, and a realm copy that differs is refused", () => {
    const cfg = join(aperture, ".blue/config.yaml");
    const config = parse(readFileSync(cfg, "utf8"));
    const current = (JSON.parse(sb.blue(aperture, "realm", "trust", "--json").stdout) as { commands: { argv: string[] }[] }).commands[0]!.argv;
    // The team pins the command it reviewed: CI (a fresh BLUE_HOME, no approvals) runs it.
    expect(sb.blue(aperture, "realm", "trust", "--all", "--pin").code).toBe(0);
    const pinned = parse(readFileSync(cfg, "utf8"));
    expect(pinned.trusted_commands).toEqual([{ file: "domains/s3-access/bindings/aperture.yaml", field: "exports.s3-permissions.extract.command", argv: current }]);
    expect(pinned.realm).toEqual(config.realm);
    const fresh = { CI: "true", BLUE_HOME: sb.path("ci-home") };
    expect(sb.exec(BIN, ["realm", "check", "--mode=exporter"], aperture, fresh).code).toBe(0);

    hostilePush(sb, "and again", (dir) =>
      editRealmFile(dir, "domains/s3-access/bindings/aperture.yaml", (d) => d.setIn(["exports", 0, "extract"], { command: ["sh", "-c", "echo {}"] })),
    );
    // CI starts from nothing each time: a fresh home, whose clone of the realm is made by the check itself.
    const ci = sb.exec(BIN, ["realm", "check", "--mode=exporter"], aperture, { ...fresh, BLUE_HOME: sb.path("ci-home-2") });
    expect(ci.code).toBe(1);
    expect(ci.stdout).toContain("(sh -c \"echo {}\") differs from the one pinned in .blue/config.yaml");
  });
});

describe("a forge written into realm.yaml by another team", () => {
  const TOKEN = "victim-token-9f3a1c";
  const requests: { path: string; auth: string | null }[] = [];
  const listener = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch(req) {
      requests.push({ path: new URL(req.url).pathname, auth: req.headers.get("authorization") });
      return Response.json({});
    },
  });
  const world = dailyDevelopment();
  const { sb, aperture } = world;
  afterAll(() => {
    sb.shutDaemon();
    listener.stop(true);
  });
  const evil = `127.0.0.1:${listener.port}`;
  hostilePush(sb, "move the forge", (dir) => editRealmFile(dir, "realm.yaml", (d) => d.set("forge", { type: "forgejo", url: `http://${evil}`, repo: "mallory/realm" })));

  test("sync does not follow it: one line naming the host and how to accept a move, exit 78, no request", async () => {
    // The daemon's fetch brings the change in, as its periodic fetch would (the daemon has no token here).
    expect(sb.blue(aperture, "realm", "status", "--refresh").code).toBe(0);
    requests.length = 0;
    world.writeCode({ ...VALUE, write: [...VALUE.write, "training-metrics/experiments/*"] });
    const r = await sb.blueAsync(aperture, ["realm", "sync"], { BLUE_FORGEJO_TOKEN: TOKEN });
    expect(r.code).toBe(78);
    expect(r.stderr).toContain(`error: realm.yaml's forge: would send realm letemcook's token to ${evil}, but this machine pinned no forge host for it: nothing was sent`);
    expect(r.stderr).toContain(`blue realm trust --forge-host ${evil}`);
    expect(`${r.stdout}${r.stderr}`).not.toContain(TOKEN);
    expect(stackTrace(r)).toBe(false);
    expect(requests).toEqual([]);
  });

  test("nor does the daemon on its own, with the token in its environment and a sync branch to settle", async () => {
    const dir = sb.path("hostile-sync");
    sb.git(sb.root, "clone", "-q", sb.defaultRemote("letemcook"), dir);
    sb.git(dir, "checkout", "-qb", "sync/fungal-image-analysis/20260101-000000");
    editRealmFile(dir, "realm.yaml", (d) => d.set("description", "a sync"));
    sb.git(dir, ...MALLORY, "commit", "-qam", "a sync");
    sb.git(dir, "push", "-q", "origin", "HEAD");
    // A daemon that has the token in its environment, as a user's would.
    sb.blue(sb.root, "daemon", "stop");
    const r = await sb.blueAsync(aperture, ["realm", "status", "--refresh"], { BLUE_FORGEJO_TOKEN: TOKEN });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("open syncs not shown: realm.yaml's forge: would send realm letemcook's token");
    const log = readFileSync(join(sb.env.BLUE_HOME!, "daemon.log"), "utf8");
    expect(log).toContain(`would send realm letemcook's token to ${evil}`);
    expect(log).not.toContain(TOKEN);
    expect(requests).toEqual([]);
  });

  test("accepted on purpose with blue realm trust --forge-host, the token goes there", async () => {
    expect(sb.blue(aperture, "realm", "trust", "--forge-host", evil).code).toBe(0);
    await sb.blueAsync(aperture, ["realm", "sync"], { BLUE_FORGEJO_TOKEN: TOKEN });
    expect(requests.length).toBeGreaterThan(0);
    expect(requests.every((x) => x.auth === `token ${TOKEN}`)).toBe(true);
  });
});

describe("a contract changed in the realm by someone who does not own it", () => {
  const world = dailyDevelopment();
  const { sb, fungal } = world;
  afterAll(() => sb.shutDaemon());

  test("status warns of the commit, its author and file, and no importer is told of the forged version", () => {
    expect(sb.blue(fungal, "realm", "status", "--refresh").code).toBe(0);
    const commit = hostilePush(sb, "s3-permissions 1.5.0", (dir) =>
      editRealmFile(dir, "domains/s3-access/contracts/s3-permissions.yaml", (d) => {
        d.set("version", "1.5.0");
        d.setIn(["value", "write"], ["training-metrics/*", "*"]);
      }),
    );
    const r = sb.blue(fungal, "realm", "status", "--refresh");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Ownership: commit ${commit.slice(0, 10)} by mallory@evil.example changed domains/s3-access/contracts/s3-permissions.yaml`);
    expect(r.stdout).not.toContain("updated to 1.5.0");
    const doc = JSON.parse(sb.blue(fungal, "realm", "status", "--json").stdout);
    expect(doc.ownership_warnings).toMatchObject([{ commit, author: "mallory@evil.example", file: "domains/s3-access/contracts/s3-permissions.yaml" }]);
    expect(doc.notifications).toEqual([]);
  });

  test("a change by the owner's maintainer is announced as before", () => {
    const dir = sb.path("maintainer");
    sb.git(sb.root, "clone", "-q", sb.defaultRemote("letemcook"), dir);
    editRealmFile(dir, "domains/s3-access/contracts/s3-permissions.yaml", (d) => d.set("version", "1.6.0"));
    sb.git(dir, "commit", "-qam", "s3-permissions 1.6.0");
    sb.git(dir, "push", "-q", "origin", "main");
    const r = sb.blue(fungal, "realm", "status", "--refresh");
    expect(r.stdout).toContain("Contract 's3-permissions' updated to 1.6.0");
  });
});
