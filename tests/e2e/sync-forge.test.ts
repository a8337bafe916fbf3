// `blue realm sync` on a realm whose forge is Forgejo or GitHub, through the compiled binary, against mocks
// served by Prism from each forge's own published description (Forgejo's swagger in ../shared/specs, GitHub's
// @octokit/openapi). A recording proxy in front of Prism lists the calls blue made; Prism rejects (4xx) any
// request the description does not allow. The mock is stateless, so this checks what blue sends and reads;
// the behaviour of merging is covered on plain git (sync.test.ts).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { FORGEJO_SPEC, GITHUB_SPEC, startPrism, startRecordingProxy, type Prism } from "../forge/prism.ts";
import { dailyDevelopment, VALUE } from "./daily.ts";
import { realmOnForge } from "./forge-world.ts";
import { protectMain, stackTrace, type Sandbox } from "./sandbox.ts";

const TOKEN = "sync-forge-secret-4d1e8a";
const cases = [
  { kind: "forgejo" as const, spec: FORGEJO_SPEC, tokenVar: "BLUE_FORGEJO_TOKEN", auth: `token ${TOKEN}` },
  { kind: "github" as const, spec: GITHUB_SPEC, tokenVar: "BLUE_GITHUB_TOKEN", auth: `Bearer ${TOKEN}` },
];

for (const c of cases) {
  const have = existsSync(c.spec);
  if (!have) console.warn(`skipping sync tests on ${c.kind}: ${c.spec} is absent (Forgejo's description lives in ../shared beside the project)`);

  describe.skipIf(!have)(`blue realm sync on ${c.kind}`, () => {
    let prism: Prism;
    let proxy: ReturnType<typeof startRecordingProxy>;
    let sb: Sandbox;
    let world: ReturnType<typeof dailyDevelopment>;
    
    beforeAll(async () => {
      prism = await startPrism(c.spec);
      proxy = startRecordingProxy(prism);
      world = dailyDevelopment();
      sb = world.sb;
      // One maintainer is a forge user name (a reviewer); one an e-mail (named in the PR body).
      expect(realmOnForge(world, c.kind, proxy.url, ["fungal-bot", "fungal@example.com"])).toBe(0);
    }, 120_000);
    afterAll(() => {
      proxy?.stop();
      prism?.stop();
      sb?.shutDaemon();
    });

    const run = (cwd: string, ...args: string[]) => sb.blueAsync(cwd, args, { [c.tokenVar]: TOKEN });
    const seen = () => proxy.calls.map((x) => `${x.method} ${x.path}`);

    test("the provider's sync pushes the branch and opens a labelled PR with the importers' reviewers", async () => {
      // A daemon started with the token in its environment, as a user's would be: it is told of the sync and fetches.
      expect((await run(world.fungal, "realm", "status")).code).toBe(0);
      world.writeCode({ ...VALUE, write: [...VALUE.write, "training-metrics/experiments/*"] });
      proxy.calls.length = 0;
      const r = await run(world.aperture, "realm", "sync");
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/✓ PR #-?\d+: "aperture: s3-permissions 1\.5\.0"/);
      expect(r.stdout).toContain("Reviewers: fungal-bot, fungal@example.com");
      expect(`${r.stdout}${r.stderr}`).not.toContain(TOKEN);
      expect(proxy.calls.filter((x) => x.status >= 400)).toEqual([]);
      expect(proxy.calls.every((x) => x.auth === c.auth)).toBe(true);
      expect(seen()).toContain("POST /repos/realms/letemcook/pulls");
      const open = proxy.calls.find((x) => x.method === "POST" && x.path === "/repos/realms/letemcook/pulls")!;
      expect(JSON.parse(open.body)).toMatchObject({ title: "aperture: s3-permissions 1.5.0", base: "main", head: expect.stringMatching(/^sync\/aperture\//) });
      expect(JSON.parse(open.body).body).toContain("| s3-access/s3-permissions | 1.4.0 → 1.5.0 | compatible (minor) |");
      expect(seen().some((s) => /^POST \/repos\/realms\/letemcook\/(pulls|issues)\/-?\d+\/(requested_reviewers|labels)$/.test(s))).toBe(true);
      const reviewers = proxy.calls.find((x) => x.path.endsWith("/requested_reviewers"))!;
      expect(JSON.parse(reviewers.body).reviewers).toEqual(["fungal-bot"]);
      expect(sb.git(sb.root, "-C", sb.defaultRemote("letemcook"), "for-each-ref", "--format=%(refname:lstrip=2)", "refs/heads/sync/")).toMatch(/^sync\/aperture\//);
    });

    test("the importer's sync pushes its acknowledgement and opens its own PR", async () => {
      proxy.calls.length = 0;
      const r = await run(world.fungal, "realm", "sync");
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
      expect(r.stdout).toContain("s3-permissions: resolved_version (none) → 1.5.0");
      expect(r.stdout).toMatch(/✓ PR #-?\d+: "fungal-image-analysis: acknowledge s3-permissions 1\.5\.0"/);
      expect(proxy.calls.filter((x) => x.status >= 400)).toEqual([]);
      // The provider's PR is not open on a stateless mock, so nothing may merge: the acknowledgement waits for it.
      expect(seen().filter((s) => s.endsWith("/merge"))).toEqual([]);
      const open = proxy.calls.filter((x) => x.method === "POST" && x.path === "/repos/realms/letemcook/pulls").map((x) => JSON.parse(x.body).head);
      expect(open).toEqual([expect.stringMatching(/^sync\/fungal-image-analysis\//)]);
      expect(`${r.stdout}${r.stderr}`).not.toContain(TOKEN);
    });

    test("the token is in no file blue wrote: daemon.db, its WAL, the daemon log, the realm clone's git config", async () => {
      const refreshed = await run(world.fungal, "realm", "status", "--refresh");
      expect(refreshed.code).toBe(0);
      // fungal acknowledged 1.5.0 on its own open sync branch: the daemon holds the notification, no longer pending.
      const all = await run(world.fungal, "realm", "notifications", "--all", "--json");
      expect(JSON.parse(all.stdout).notifications.map((n: { key: string; pending: boolean }) => [n.key, n.pending])).toEqual([["s3-access/s3-permissions@1.5.0", false]]);
      const home = sb.env.BLUE_HOME!;
      const files = ["daemon.db", "daemon.db-wal", "daemon.log", "realms/letemcook/.git/config", "realms/letemcook/.git/FETCH_HEAD"].map((f) => join(home, f)).filter(existsSync);
      expect(files.length).toBeGreaterThanOrEqual(3);
      for (const f of files) expect(readFileSync(f).includes(TOKEN)).toBe(false);
    });

    test("waive opens a PR for the waiver, labelled waiver, for a realm approver to approve (issue 19)", async () => {
      proxy.calls.length = 0;
      const r = await run(world.aperture, "realm", "waive", "s3-permissions", "--rule", "required-removed", "--pointer", "/required/0", "--until", "2099-12-31", "--reason", "fungal reads it as optional");
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/✓ Recorded the waiver of required-removed at \/required\/0 in s3-permissions \(the change from \d+\.\d+\.\d+\) until 2099-12-31 on sync\/aperture\/\S+/);
      expect(proxy.calls.filter((x) => x.status >= 400)).toEqual([]);
      expect(proxy.calls.every((x) => x.auth === c.auth)).toBe(true);
      const open = proxy.calls.find((x) => x.method === "POST" && x.path === "/repos/realms/letemcook/pulls")!;
      expect(JSON.parse(open.body)).toMatchObject({ title: "aperture: waive required-removed at /required/0 in s3-permissions until 2099-12-31", base: "main", head: expect.stringMatching(/^sync\/aperture\//) });
      expect(JSON.parse(open.body).body).toContain("this needs a realm approver's approval (`blue realm approve`)");
      expect(seen().some((s) => /^POST \/repos\/realms\/letemcook\/(pulls|issues)\/-?\d+\/labels$/.test(s))).toBe(true);
    });

    test("without a token: one line naming the sources tried, exit 1, nothing pushed", async () => {
      world.writeCode({ ...VALUE, read: [...VALUE.read, "more/*"] });
      const before = sb.git(sb.root, "-C", sb.defaultRemote("letemcook"), "for-each-ref", "refs/heads/sync/");
      const r = await sb.blueAsync(world.aperture, ["realm", "sync"], {});
      expect(r.code).toBe(1);
      expect(r.stderr.split("\n")[0]).toContain(c.tokenVar);
      expect(stackTrace(r)).toBe(false);
      expect(sb.git(sb.root, "-C", sb.defaultRemote("letemcook"), "for-each-ref", "refs/heads/sync/")).toBe(before);
    });

    test("with main protected, an admin change goes to a branch and a PR on the forge", async () => {
      protectMain(sb.defaultRemote("letemcook"));
      proxy.calls.length = 0;
      const r = await run(world.aperture, "realm", "admin", "domain", "create", "metrics", "--repos", "aperture,fungal-image-analysis", "--contract", "metrics-schema");
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/✓ The realm's main is protected: opened PR #-?\d+ \(.+\); the change lands when it merges/);
      const open = proxy.calls.find((x) => x.method === "POST" && x.path === "/repos/realms/letemcook/pulls")!;
      expect(JSON.parse(open.body)).toMatchObject({ title: "create domain metrics (aperture, fungal-image-analysis)", base: "main", head: expect.stringMatching(/^blue\/create-domain-metrics-aperture-fungal-image-anal-\d{8}-\d{6}$/) });
      expect(proxy.calls.every((x) => x.auth === c.auth)).toBe(true);
      // main on the remote and in the clone are as they were; the change waits on its branch.
      expect(sb.git(world.clone, "rev-parse", "HEAD")).toBe(sb.git(sb.root, "-C", sb.defaultRemote("letemcook"), "rev-parse", "main"));
      expect(existsSync(join(world.clone, "domains/metrics"))).toBe(false);
      expect(sb.git(sb.root, "-C", sb.defaultRemote("letemcook"), "for-each-ref", "--format=%(refname:lstrip=2)", "refs/heads/blue/")).toBe(JSON.parse(open.body).head);
    });
  });
}
