// `blue realm admin remote set|show`: moving a realm from the embedded default (or anywhere) to another git remote,
// through the compiled binary on real git repos.
import { afterAll, describe, expect, test } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { dailyDevelopment, VALUE } from "./daily.ts";
import { Sandbox, stackTrace } from "./sandbox.ts";

const sandboxes: Sandbox[] = [];
afterAll(() => {
  for (const sb of sandboxes) sb.shutDaemon();
}, 60_000);

/** An empty bare repo for the realm to move to. */
function emptyRepo(sb: Sandbox): string {
  const target = sb.path("forge", "letemcook.git");
  sb.git(sb.root, "init", "-q", "--bare", target);
  return target;
}
/** Another machine: its own BLUE_HOME, runtime dir and repos. */
function secondMachine(): Sandbox {
  const other = new Sandbox();
  sandboxes.push(other);
  return other;
}
function world() {
  const setup = dailyDevelopment();
  sandboxes.push(setup.sb);
  return setup;
}
const heads = (sb: Sandbox, bare: string) =>
  sb
    .git(sb.root, "--git-dir", bare, "for-each-ref", "--format=%(refname:lstrip=2) %(objectname)", "refs/heads/")
    .split("\n")
    .filter(Boolean)
    .sort();
/** The realms the running daemon tracks, with the URL it lists for each (GET /realms). */
async function trackedRealms(sb: Sandbox): Promise<{ name: string; url: string }[]> {
  const info = JSON.parse(readFileSync(join(sb.env.XDG_RUNTIME_DIR!, "blue", "daemon.json"), "utf8")) as { port: number };
  const token = readFileSync(join(sb.env.BLUE_HOME!, "daemon.token"), "utf8").trim();
  const res = await fetch(`http://127.0.0.1:${info.port}/realms`, { headers: { authorization: `Bearer ${token}` } });
  return ((await res.json()) as { realms: { name: string; url: string }[] }).realms;
}
const configUrl = (repo: string) => (parse(readFileSync(join(repo, ".blue", "config.yaml"), "utf8")) as { realm: { url: string } }).realm.url;

describe("blue realm admin remote set", () => {
  test("moves main and the open sync branches to an empty repo; the clone, this repo's config and the daemon follow", async () => {
    const { sb, aperture, fungal, clone, writeCode } = world();
    writeCode({ ...VALUE, write: [...VALUE.write, "training-metrics/experiments/*"] });
    expect(sb.blue(aperture, "realm", "sync").code).toBe(0); // leaves a sync branch waiting for fungal
    expect(sb.blue(aperture, "realm", "status").code).toBe(0); // starts the daemon, which tracks the realm
    const old = sb.defaultRemote("letemcook");
    const before = heads(sb, old);
    expect(before.some((h) => h.startsWith("sync/aperture/"))).toBe(true);
    const target = emptyRepo(sb);

    const r = sb.blue(aperture, "realm", "admin", "remote", "set", target);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        `✓ Pushed main and 1 sync branch to ${target}`,
        `✓ The realm clone ${clone} now uses ${target} (was ${old}, left as it is)`,
        "✓ Updated .blue/config.yaml: realm.url (commit it, so teammates' checkouts find the realm there)",
        "",
      ].join("\n"),
    );
    expect(heads(sb, target)).toEqual(before);
    expect(heads(sb, old)).toEqual(before); // the old place is left as it was
    expect(sb.git(clone, "remote", "get-url", "origin")).toBe(target);
    expect(configUrl(aperture)).toBe(target);
    expect(configUrl(fungal)).toBe(old); // another checkout: it follows when its teammate's commit reaches it
    expect((await trackedRealms(sb)).find((x) => x.name === "letemcook")?.url).toBe(target);

    // The realm works from its new place: fungal acknowledges, and both branches land there, not in the old one.
    expect(sb.blue(fungal, "realm", "sync").code).toBe(0);
    expect(sb.blue(aperture, "realm", "sync").code).toBe(0);
    const log = sb.git(sb.root, "--git-dir", target, "log", "--format=%s", "main");
    expect(log).toContain("s3-permissions");
    expect(heads(sb, target)).not.toEqual(before);
    expect(heads(sb, old)).toEqual(before);

    const show = sb.blue(fungal, "realm", "admin", "remote", "show");
    expect(show.stdout).toBe(
      `letemcook: ${target}\n  clone: ${clone}\n  this repo's .blue/config.yaml names ${old}: run 'blue realm admin remote set ${target}' here to follow the move\n`,
    );
    const follow = sb.blue(fungal, "realm", "admin", "remote", "set", target);
    expect(follow.stdout).toBe(`✓ Realm 'letemcook' already uses ${target}\n✓ Updated .blue/config.yaml: realm.url (commit it, so teammates' checkouts find the realm there)\n`);
    expect(configUrl(fungal)).toBe(target);
  });

  test("a daemon stopped during the move lists the realm at its new place from its next fetch", async () => {
    const { sb, aperture } = world();
    expect(sb.blue(aperture, "realm", "status").code).toBe(0); // the daemon tracks the realm at its first place
    expect(sb.blue(sb.root, "daemon", "stop").code).toBe(0);
    const target = emptyRepo(sb);
    expect(sb.blue(aperture, "realm", "admin", "remote", "set", target).code).toBe(0);
    // Started again by status; it keeps what it knew, until --refresh makes it fetch.
    expect(sb.blue(aperture, "realm", "status").code).toBe(0);
    expect((await trackedRealms(sb)).find((x) => x.name === "letemcook")?.url).toBe(sb.defaultRemote("letemcook"));
    expect(sb.blue(aperture, "realm", "status", "--refresh").code).toBe(0);
    expect((await trackedRealms(sb)).find((x) => x.name === "letemcook")?.url).toBe(target);
  });

  test("another machine, whose clone still names the old place, follows a realm already moved", () => {
    const { sb, aperture } = world();
    const old = sb.defaultRemote("letemcook");
    // A second machine cloned the realm from the old place before the move.
    const other = secondMachine();
    const theirs = other.repo("ml-infra");
    expect(other.blue(theirs, "realm", "admin", "join", "letemcook", "--url", old).code).toBe(0);

    const target = emptyRepo(sb);
    expect(sb.blue(aperture, "realm", "admin", "remote", "set", target).code).toBe(0);
    // The first machine goes on: a domain created after the move is on the new remote only.
    expect(sb.blue(aperture, "realm", "admin", "domain", "create", "later", "--repos", "aperture,ml-infra", "--contract", "later-contract").code).toBe(0);

    const r = other.blue(theirs, "realm", "admin", "remote", "set", target);
    expect(r.stderr).toBe("");
    expect(r.stdout).toStartWith(`✓ ${target} already holds realm 'letemcook' (moved from another machine): following it\n`);
    const otherClone = other.realmClone("letemcook");
    expect(other.git(otherClone, "remote", "get-url", "origin")).toBe(target);
    expect(other.git(otherClone, "log", "-1", "--format=%s")).toContain("later");
    expect(configUrl(theirs)).toBe(target);
  });

  test("a move is refused when the old place got commits after the realm moved (they would be lost)", () => {
    const { sb, aperture } = world();
    const old = sb.defaultRemote("letemcook");
    const other = secondMachine();
    const target = emptyRepo(sb);
    expect(sb.blue(aperture, "realm", "admin", "remote", "set", target).code).toBe(0);
    expect(sb.blue(aperture, "realm", "admin", "domain", "create", "later", "--repos", "aperture,fungal-image-analysis", "--contract", "later-contract").code).toBe(0);
    // The second machine joins through the old place after the move: its commit is there only.
    const theirs = other.repo("ml-infra");
    expect(other.blue(theirs, "realm", "admin", "join", "letemcook", "--url", old).code).toBe(0);
    const r = other.blue(theirs, "realm", "admin", "remote", "set", target);
    expect(stackTrace(r)).toBe(false);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `error: ${target} holds another history: its main and this realm's have diverged or share nothing\n` +
        "If commits reached the old remote after the realm moved, put them on the new one by hand first; otherwise give an empty repo, or the one this realm was moved to.\n",
    );
    expect(other.git(other.realmClone("letemcook"), "remote", "get-url", "origin")).toBe(old);
  });

  test("refuses a repo holding another history, a non-git place and a realm not on this machine; changes nothing", () => {
    const { sb, aperture, clone } = world();
    const old = sb.defaultRemote("letemcook");
    const before = heads(sb, old);
    const unrelated = sb.repo("unrelated");
    const refused = sb.blue(aperture, "realm", "admin", "remote", "set", unrelated);
    expect(stackTrace(refused)).toBe(false);
    expect(refused.code).toBe(1);
    expect(refused.stderr.split("\n")[0]).toBe(`error: ${unrelated} holds another history: its main and this realm's have diverged or share nothing`);
    const missing = sb.blue(aperture, "realm", "admin", "remote", "set", sb.path("nowhere.git"));
    expect(missing.code).toBe(69);
    expect(missing.stderr).toStartWith(`error: cannot reach realm remote ${sb.path("nowhere.git")}: `);
    expect(sb.git(clone, "remote", "get-url", "origin")).toBe(old);
    expect(configUrl(aperture)).toBe(old);
    expect(heads(sb, old)).toEqual(before);

    const none = sb.blue(aperture, "realm", "admin", "remote", "set");
    expect(none.code).toBe(64);
    expect(none.stderr).toBe("error: give the realm's new remote\nGive a git URL, or --forgejo URL, or --github OWNER.\n");
    const both = sb.blue(aperture, "realm", "admin", "remote", "set", "x", "--github", "someone");
    expect(both.code).toBe(64);
    const elsewhere = sb.blue(aperture, "realm", "admin", "remote", "set", "x", "--realm", "other");
    expect(elsewhere.code).toBe(64);
    expect(elsewhere.stderr.split("\n")[0]).toBe("error: unknown realm 'other': it is not cloned on this machine");
    // A realm that does not load is not moved: its problems, exit 78, nothing pushed.
    const realmYaml = readFileSync(join(clone, "realm.yaml"), "utf8");
    writeFileSync(join(clone, "realm.yaml"), "name: [letemcook\n");
    sb.git(clone, "commit", "-qam", "broken");
    const broken = sb.blue(aperture, "realm", "admin", "remote", "set", emptyRepo(sb));
    expect(stackTrace(broken)).toBe(false);
    expect(broken.code).toBe(78);
    expect(broken.stderr).toStartWith("realm.yaml:2:1: invalid YAML: ");
    expect(heads(sb, sb.path("forge", "letemcook.git"))).toEqual([]);
    sb.git(clone, "reset", "-q", "--hard", "HEAD~1");
    expect(readFileSync(join(clone, "realm.yaml"), "utf8")).toBe(realmYaml);
    // A hand edit in the clone is not moved silently.
    writeFileSync(join(clone, "README.md"), "edited by hand\n");
    const target = sb.path("forge", "letemcook.git");
    const dirty = sb.blue(aperture, "realm", "admin", "remote", "set", target);
    expect(dirty.code).toBe(1);
    expect(dirty.stderr.split("\n")[0]).toBe("error: the realm clone has changes that are not on its remote");
    expect(heads(sb, target)).toEqual([]);
  });
});
