// `blue realm pr` stopped part-way and finished by the same command (issue 20), through the compiled binary:
// against Prism mocks of both forges behind the fault-injecting proxy (a 502 on one repo's PR creation, a
// connection reset), and on plain git with a pre-receive hook that refuses one repo's push. The mock is
// stateless (it never lists an open PR), so only the journal stands between a rerun and a second PR.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PrRunDoc } from "../../src/pr/resume.ts";
import { FORGEJO_SPEC, GITHUB_SPEC, startPrism, startRecordingProxy, type Prism, type RecordingProxy } from "../forge/prism.ts";
import { initialSetup, stackTrace } from "./sandbox.ts";
import { withChange } from "./forge-world.ts";

const TOKEN = "pr-resume-secret-51b0e2";
const cases = [
  { kind: "forgejo", spec: FORGEJO_SPEC, host: "forge.test", env: (api: string) => ({ BLUE_FORGEJO_URL: "https://forge.test", BLUE_FORGEJO_API_URL: api, BLUE_FORGEJO_TOKEN: TOKEN }) },
  { kind: "github", spec: GITHUB_SPEC, host: "github.com", env: (api: string) => ({ BLUE_GITHUB_API_URL: api, BLUE_GITHUB_TOKEN: TOKEN }) },
] as const;
const REPOS = ["aperture", "fungal-image-analysis"];


const created = (proxy: RecordingProxy) =>
  proxy.calls.filter((x) => x.method === "POST" && /^\/repos\/acme\/[^/]+\/pulls$/.test(x.path) && x.status >= 200 && x.status < 300).map((x) => x.path.split("/")[3]);
const table = (stdout: string) => PrRunDoc.parse(JSON.parse(stdout)).operation!.rows.map((r) => [r.repo, r.state, r.failed_step]);

for (const c of cases) {
  const have = existsSync(c.spec);
  if (!have) console.warn(`skipping pr resume tests on ${c.kind}: ${c.spec} is absent`);

  describe.skipIf(!have)(`blue realm pr resumes on ${c.kind}`, () => {
    let prism: Prism;
    let proxy: RecordingProxy;
    const world = initialSetup();
    const { sb, fungal } = world;

    beforeAll(async () => {
      withChange(world, (name) => `https://${c.host}/acme/${name}.git`);
      prism = await startPrism(c.spec);
      proxy = startRecordingProxy(prism);
    }, 120_000);
    afterAll(() => {
      proxy?.stop();
      prism?.stop();
      sb.shutDaemon();
    });

    const pr = (title: string, ...more: string[]) => sb.blueAsync(fungal, ["realm", "pr", "--rfc", "metrics-v2", "--title", title, ...more], c.env(proxy.url));

    test("a 502 on the second repo's PR creation: exit 1 with the table; the rerun opens only the second PR", async () => {
      proxy.calls.length = 0;
      // Every try (blue retries a gateway error) of fungal's creation fails until the fault is removed.
      const remove = proxy.fault({ method: "POST", path: /^\/repos\/acme\/fungal-image-analysis\/pulls$/, times: Infinity, kind: "502" });
      const r = await pr("feat: metrics v2 (502)", "--json");
      remove();
      expect(r.code).toBe(1);
      expect(stackTrace(r)).toBe(false);
      expect(table(r.stdout)).toEqual([
        ["aperture", "done", null],
        ["fungal-image-analysis", "failed", "PR opened"],
      ]);
      expect(PrRunDoc.parse(JSON.parse(r.stdout)).operation!.rows[1]!.reason).toContain("502");
      expect(created(proxy)).toEqual(["aperture"]);
      expect(`${r.stdout}${r.stderr}`).not.toContain(TOKEN);

      const again = await pr("feat: metrics v2 (502)", "--json");
      expect(again.stderr).toBe("");
      expect(again.code).toBe(0);
      expect(table(again.stdout)).toEqual([
        ["aperture", "done", null],
        ["fungal-image-analysis", "done", null],
      ]);
      expect(created(proxy)).toEqual(["aperture", "fungal-image-analysis"]);
      if (c.kind === "forgejo") expect(proxy.calls.filter((x) => x.path.endsWith("/dependencies") && x.status < 300).length).toBe(1);
      expect(proxy.calls.filter((x) => x.status >= 400 && !x.fault)).toEqual([]);
    });

    test("a connection reset on the first repo's PR creation: the table names it, the other is not started; the rerun completes", async () => {
      proxy.calls.length = 0;
      const remove = proxy.fault({ method: "POST", path: /^\/repos\/acme\/aperture\/pulls$/, times: Infinity, kind: "reset" });
      const r = await pr("feat: metrics v2 (reset)");
      remove();
      expect(r.code).toBe(1);
      expect(stackTrace(r)).toBe(false);
      expect(r.stdout).toMatch(/✗ aperture\s+failed at PR opened: /);
      expect(r.stdout).toMatch(/fungal-image-analysis\s+not started/);
      expect(r.stderr).toContain("--resume");
      expect(created(proxy)).toEqual([]);

      const again = await pr("feat: metrics v2 (reset)", "--resume");
      expect(again.code).toBe(0);
      expect(created(proxy)).toEqual(["aperture", "fungal-image-analysis"]);
      // A third run has nothing left: no PR opened, no body sent again.
      proxy.calls.length = 0;
      const third = await pr("feat: metrics v2 (reset)", "--json");
      expect(third.code).toBe(0);
      expect(created(proxy)).toEqual([]);
      expect(proxy.calls.filter((x) => x.method === "PATCH")).toEqual([]);
    });

    test("--resume with no journal for this change: one line, exit 64", async () => {
      const r = await pr("feat: never started", "--resume");
      expect(r.code).toBe(64);
      expect(r.stderr.split("\n")[0]).toContain("nothing to resume");
      expect(stackTrace(r)).toBe(false);
    });
  });
}

describe("blue realm pr resumes on plain git", () => {
  const world = initialSetup();
  const { sb, fungal } = world;
  const hook = () => join(sb.path("origins", "fungal-image-analysis.git"), "hooks", "pre-receive");
  beforeAll(() => {
    withChange(world, (_name, bare) => `file://${bare}`);
    writeFileSync(hook(), '#!/bin/sh\necho "policy: fungal-image-analysis takes no pushes today" >&2\nexit 1\n', { mode: 0o755 });
  }, 120_000);
  afterAll(() => sb.shutDaemon());

  const journal = () => {
    const dir = join(sb.env.BLUE_HOME!, "operations");
    return readdirSync(dir).filter((f) => f.endsWith(".json")).map((f) => JSON.parse(readFileSync(join(dir, f), "utf8")));
  };

  test("a push the origin refuses: exit 1 with the table; after the hook is gone the rerun pushes only what is left", async () => {
    const r = await sb.blueAsync(fungal, ["realm", "pr", "--rfc", "metrics-v2", "--title", "feat: metrics v2"]);
    expect(r.code).toBe(1);
    expect(stackTrace(r)).toBe(false);
    expect(r.stdout).toMatch(/✓ aperture\s+done \(pushed\)/);
    expect(r.stdout).toMatch(/✗ fungal-image-analysis\s+failed at pushed: origin refused the push of feat\/metrics-v2: .*pre-receive hook declined/);
    expect(sb.git(sb.root, "--git-dir", sb.path("origins", "aperture.git"), "rev-parse", "feat/metrics-v2")).toMatch(/^[0-9a-f]{40}$/);

    rmSync(hook());
    const again = await sb.blueAsync(fungal, ["realm", "pr", "--rfc", "metrics-v2", "--title", "feat: metrics v2", "--json"]);
    expect(again.code).toBe(0);
    const doc = PrRunDoc.parse(JSON.parse(again.stdout));
    expect(doc.repos.map((x) => [x.repo, x.push])).toEqual([
      ["aperture", "up-to-date"],
      ["fungal-image-analysis", "pushed"],
    ]);
    const [op] = journal().filter((o) => o.kind === "pr");
    for (const repo of REPOS) expect(op.repos[repo].steps.filter((s: { step: string }) => s.step === "pushed").length).toBe(1);
    expect(sb.git(sb.root, "--git-dir", sb.path("origins", "fungal-image-analysis.git"), "rev-parse", "feat/metrics-v2")).toMatch(/^[0-9a-f]{40}$/);
  });
});

// On plain git no PR step comes between the pushes, so every repo's push runs at once (issue 23): a refused push
// of the first repo in merge order no longer keeps the others from being pushed; each is journaled as it lands.
describe("blue realm pr on plain git pushes every repo at once", () => {
  const world = initialSetup();
  const { sb, fungal } = world;
  const hook = () => join(sb.path("origins", "aperture.git"), "hooks", "pre-receive");
  beforeAll(() => {
    withChange(world, (_name, bare) => `file://${bare}`);
    writeFileSync(hook(), '#!/bin/sh\necho "policy: aperture takes no pushes today" >&2\nexit 1\n', { mode: 0o755 });
  }, 120_000);
  afterAll(() => sb.shutDaemon());

  test("the first repo's push refused: the second is pushed all the same and journaled; the rerun pushes only the first", async () => {
    const r = await sb.blueAsync(fungal, ["realm", "pr", "--rfc", "metrics-v2", "--title", "feat: metrics v2", "--json"]);
    expect(r.code).toBe(1);
    expect(stackTrace(r)).toBe(false);
    expect(table(r.stdout)).toEqual([
      ["aperture", "failed", "pushed"],
      ["fungal-image-analysis", "done", null],
    ]);
    expect(PrRunDoc.parse(JSON.parse(r.stdout)).repos.map((x) => [x.repo, x.push])).toEqual([
      ["aperture", "pending"],
      ["fungal-image-analysis", "pushed"],
    ]);
    const onOrigin = (repo: string) => sb.exec("git", ["--git-dir", sb.path("origins", `${repo}.git`), "rev-parse", "--verify", "-q", "feat/metrics-v2"], sb.root).stdout.trim();
    expect(onOrigin("aperture")).toBe("");
    expect(onOrigin("fungal-image-analysis")).toMatch(/^[0-9a-f]{40}$/);

    rmSync(hook());
    const again = await sb.blueAsync(fungal, ["realm", "pr", "--rfc", "metrics-v2", "--title", "feat: metrics v2", "--json"]);
    expect(again.code).toBe(0);
    expect(PrRunDoc.parse(JSON.parse(again.stdout)).repos.map((x) => [x.repo, x.push])).toEqual([
      ["aperture", "pushed"],
      ["fungal-image-analysis", "up-to-date"],
    ]);
    expect(onOrigin("aperture")).toMatch(/^[0-9a-f]{40}$/);
  });
});
