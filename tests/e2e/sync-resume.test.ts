// `blue realm sync` stopped part-way and finished by the next sync (issue 20), through the compiled binary,
// against Prism mocks of both forges behind the fault-injecting proxy. The mock is stateless (it never lists an
// open PR): without the journal a rerun would see the pushed branch as "already proposed" and never open its PR,
// or open a second one.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { SyncReport } from "../../src/sync/run.ts";
import { FORGEJO_SPEC, GITHUB_SPEC, startPrism, startRecordingProxy, type Prism, type RecordingProxy } from "../forge/prism.ts";
import { dailyDevelopment, VALUE } from "./daily.ts";
import { realmOnForge } from "./forge-world.ts";
import { stackTrace, type Sandbox } from "./sandbox.ts";

const TOKEN = "sync-resume-secret-0c7f3a";
const cases = [
  { kind: "forgejo" as const, spec: FORGEJO_SPEC, tokenVar: "BLUE_FORGEJO_TOKEN" },
  { kind: "github" as const, spec: GITHUB_SPEC, tokenVar: "BLUE_GITHUB_TOKEN" },
];
const PULLS = "/repos/realms/letemcook/pulls";

for (const c of cases) {
  const have = existsSync(c.spec);
  if (!have) console.warn(`skipping sync resume tests on ${c.kind}: ${c.spec} is absent`);

  describe.skipIf(!have)(`blue realm sync resumes on ${c.kind}`, () => {
    let prism: Prism;
    let proxy: RecordingProxy;
    let sb: Sandbox;
    let world: ReturnType<typeof dailyDevelopment>;

    beforeAll(async () => {
      prism = await startPrism(c.spec);
      proxy = startRecordingProxy(prism);
      world = dailyDevelopment();
      sb = world.sb;
      expect(realmOnForge(world, c.kind, proxy.url, ["fungal-bot"])).toBe(0);
    }, 120_000);
    afterAll(() => {
      proxy?.stop();
      prism?.stop();
      sb?.shutDaemon();
    });

    const sync = (...args: string[]) => sb.blueAsync(world.aperture, ["realm", "sync", ...args], { [c.tokenVar]: TOKEN });
    const created = () => proxy.calls.filter((x) => x.method === "POST" && x.path === PULLS && x.status >= 200 && x.status < 300).map((x) => JSON.parse(x.body).head as string);
    const remoteSyncBranches = () => sb.git(sb.root, "-C", sb.defaultRemote("letemcook"), "for-each-ref", "--format=%(refname:lstrip=2)", "refs/heads/sync/aperture/");

    test("a 502 on the PR's creation: exit 1 with the table (branch pushed, PR failed); the next sync opens that PR once, on the same branch", async () => {
      world.writeCode({ ...VALUE, write: [...VALUE.write, "training-metrics/502/*"] });
      proxy.calls.length = 0;
      const remove = proxy.fault({ method: "POST", path: /^\/repos\/realms\/letemcook\/pulls$/, times: Infinity, kind: "502" });
      const r = await sync("--json");
      remove();
      expect(r.code).toBe(1);
      expect(stackTrace(r)).toBe(false);
      const doc = SyncReport.parse(JSON.parse(r.stdout));
      const branch = doc.branches[0]!.branch;
      expect(doc.operation!.rows.map((x) => [x.repo, x.state, x.failed_step, x.steps])).toEqual([[branch, "failed", "PR opened", ["branch pushed"]]]);
      expect(doc.operation!.rows[0]!.reason).toContain("502");
      expect(doc.merges).toEqual([]);
      expect(remoteSyncBranches()).toContain(branch);
      expect(created()).toEqual([]);

      const again = await sync();
      expect(again.code).toBe(0);
      expect(again.stdout).toContain(`Finishing sync branch: ${branch}`);
      expect(again.stdout).toMatch(/✓ PR #-?\d+: "aperture: s3-permissions /);
      expect(created()).toEqual([branch]);
      expect(proxy.calls.filter((x) => x.path.endsWith("/requested_reviewers")).length).toBe(1);
      expect(`${r.stdout}${r.stderr}${again.stdout}${again.stderr}`).not.toContain(TOKEN);

      // Nothing left: a third sync opens nothing more.
      const third = await sync();
      expect(third.code).toBe(0);
      expect(created()).toEqual([branch]);
    });

    test("a connection reset on the labels after the PR opened: the next sync adds the labels and opens no second PR", async () => {
      world.writeCode({ ...VALUE, write: [...VALUE.write, "training-metrics/reset/*"] });
      proxy.calls.length = 0;
      const remove = proxy.fault({ method: "POST", path: /\/(issues|pulls)\/-?\d+\/labels$|\/labels$/, times: Infinity, kind: "reset" });
      const r = await sync("--json");
      remove();
      expect(r.code).toBe(1);
      const doc = SyncReport.parse(JSON.parse(r.stdout));
      const row = doc.operation!.rows.at(-1)!;
      expect([row.state, row.failed_step]).toEqual(["failed", "labels added"]);
      expect(row.steps).toEqual(["branch pushed", "PR opened"]);
      expect(created().length).toBe(1);

      const again = await sync("--resume", "--json");
      expect(again.code).toBe(0);
      const done = SyncReport.parse(JSON.parse(again.stdout));
      expect(done.operation!.rows.map((x) => x.state)).toEqual(done.operation!.rows.map(() => "done"));
      expect(created().length).toBe(1);
      expect(proxy.calls.filter((x) => /labels$/.test(x.path) && x.method === "POST" && x.status >= 200 && x.status < 300).length).toBeGreaterThanOrEqual(1);
    });
  });
}
