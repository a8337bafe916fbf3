// A member repo whose origin URL carries a token (`https://x-access-token:<token>@host/…`, as CI checkouts and
// some clones have it) joins a realm and opens a coordinated change: what blue writes where every realm member
// reads it (repos/<repo>.yaml, the change's record at refs/blue/sets/<rfc>) names the origin without the token, and
// neither the realm's history nor blue's output holds it. The pushes themselves go to a local bare repo
// (`url.<path>.pushInsteadOf`, which `git remote get-url origin` does not apply, so blue reads the https URL).
import { afterAll, describe, expect, test } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Sandbox } from "./sandbox.ts";

const TOKEN = "ghp_0123456789abcdefSECRETtoken";
const ORIGIN = `https://x-access-token:${TOKEN}@git.example.com/acme/aperture.git`;
const PUBLIC = "https://git.example.com/acme/aperture.git";

const sb = new Sandbox();
afterAll(() => sb.shutDaemon());
const aperture = sb.repo("aperture");
const bare = sb.path("aperture-origin.git");
sb.git(sb.root, "init", "-q", "--bare", bare);
sb.git(aperture, "remote", "add", "origin", ORIGIN);
sb.git(aperture, "config", `url.${bare}.pushInsteadOf`, ORIGIN);

describe("an origin URL with a token in it", () => {
  test("join writes the origin to the realm without the token", () => {
    expect(sb.blue(sb.root, "realm", "admin", "init", "--name", "letemcook").code).toBe(0);
    const joined = sb.blue(aperture, "realm", "admin", "join", "letemcook");
    expect(joined.code).toBe(0);
    const clone = sb.realmClone("letemcook");
    expect(readFileSync(join(clone, "repos/aperture.yaml"), "utf8")).toContain(`url: ${PUBLIC}\n`);
    expect(sb.git(clone, "log", "-p", "--all")).not.toContain(TOKEN);
    expect(joined.stdout + joined.stderr).not.toContain(TOKEN);
  });

  test("pr records the change with the origin named without the token, and prints none", () => {
    expect(sb.blue(aperture, "realm", "worktree", "--rfc", "x").code).toBe(0);
    const wt = join(aperture, ".worktrees", "feat-x");
    writeFileSync(join(wt, "change.txt"), "x\n");
    sb.git(wt, "add", "change.txt");
    sb.git(wt, "commit", "-qm", "x");
    const r = sb.blue(aperture, "realm", "pr", "--rfc", "x", "--title", "feat: x", "--json");
    expect(r.code).toBe(0);
    expect(r.stdout + r.stderr).not.toContain(TOKEN);
    // The branch reached the origin (through pushInsteadOf), and the record names the public URL.
    expect(sb.git(sb.root, "--git-dir", bare, "for-each-ref", "--format=%(refname)", "refs/heads/feat/x")).toBe("refs/heads/feat/x");
    const remote = sb.defaultRemote("letemcook");
    const record = sb.git(sb.root, "--git-dir", remote, "show", "refs/blue/sets/x:set.yaml");
    expect(record).toContain(PUBLIC);
    expect(record).not.toContain(TOKEN);
    expect(sb.git(sb.root, "--git-dir", remote, "log", "-p", "--all")).not.toContain(TOKEN);
  });
});
