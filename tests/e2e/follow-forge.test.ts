// Following a coordinated change whose repos are on Forgejo or GitHub (issue 20), through the compiled binary,
// against Prism mocks of each forge's description. The mocks are stateless, so a small proxy in front of the
// recording one says what the test needs (the provider's PR merged, the consumer's open at a known head, checks
// green, no branch protection) and the recorded calls prove the rest: the merge is sent once, however many times and
// from however many BLUE_HOMEs the set is followed. (Pins: tests/follow/forge.test.ts.)
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { parse } from "yaml";
import { PrFollowDoc } from "../../src/follow/publish.ts";
import { FORGEJO_SPEC, GITHUB_SPEC, type Patch, type Prism, startPatchingProxy, startPrism, startRecordingProxy } from "../forge/prism.ts";
import { initialSetup, Sandbox } from "./sandbox.ts";
import { withChange } from "./forge-world.ts";

const TOKEN = "follow-forge-secret-5b2e04";
const HEAD = "c0ffee".padEnd(40, "0");
const cases = [
  { kind: "forgejo", spec: FORGEJO_SPEC, host: "forge.test", env: (api: string) => ({ BLUE_FORGEJO_URL: "https://forge.test", BLUE_FORGEJO_API_URL: api, BLUE_FORGEJO_TOKEN: TOKEN }) },
  { kind: "github", spec: GITHUB_SPEC, host: "github.com", env: (api: string) => ({ BLUE_GITHUB_API_URL: api, BLUE_GITHUB_TOKEN: TOKEN }) },
] as const;

/** How the provider's PR ended (the second test closes it unmerged). */
let providerEnd: "merged" | "closed" = "merged";

/** What the forge says that a stateless mock cannot: aperture's PR merged, fungal's open at HEAD, checks green, no protection. */
const patch: Patch = (method, path, _query, body) => {
  if (method !== "GET") return undefined;
  const pr = /^\/repos\/acme\/([^/]+)\/pulls\/-?\d+$/.exec(path);
  if (pr && body && typeof body === "object") {
    const p = body as Record<string, any>;
    const provider = pr[1] === "aperture";
    return { status: 200, body: { ...p, state: provider ? "closed" : "open", merged: provider && providerEnd === "merged", draft: false, head: { ...(p.head ?? {}), ref: "feat/metrics-v2", sha: HEAD } } };
  }
  if (/\/pulls\/-?\d+\/reviews$/.test(path)) return { status: 200, body: [] };
  if (/\/branches\/[^/]+\/protection$/.test(path)) return { status: 404, body: { message: "Branch not protected" } };
  if (/\/branch_protections$/.test(path)) return { status: 200, body: [] };
  if (/\/commits\/[^/]+\/status$/.test(path) && body && typeof body === "object") return { status: 200, body: { ...(body as object), state: "success", total_count: 1 } };
  if (/\/commits\/[^/]+\/check-runs$/.test(path)) return { status: 200, body: { total_count: 0, check_runs: [] } };
  return undefined;
};

for (const c of cases) {
  const have = existsSync(c.spec);
  describe.skipIf(!have)(`following a coordinated change on ${c.kind}`, () => {
    let prism: Prism;
    let recorder: ReturnType<typeof startRecordingProxy>;
    let front: ReturnType<typeof startPatchingProxy>;
    const { sb, aperture, fungal, steps } = initialSetup();
    const other = new Sandbox("machine-b");

    beforeAll(async () => {
      for (const s of steps) if (s.code !== 0) throw new Error(s.stderr);
      prism = await startPrism(c.spec);
      recorder = startRecordingProxy(prism);
      front = startPatchingProxy(recorder.url, patch);
      withChange({ sb, aperture, fungal, steps: [] }, (name) => `https://${c.host}/acme/${name}.git`);
    }, 120_000);
    afterAll(() => {
      front?.stop();
      recorder?.stop();
      prism?.stop();
      sb.shutDaemon();
      other.shutDaemon();
    });

    const record = () => parse(sb.git(sb.root, "--git-dir", sb.defaultRemote("letemcook"), "show", "refs/blue/sets/metrics-v2:set.yaml")) as { decisions: { key: string }[] };
    const follow = (box: Sandbox, env: Record<string, string>) => box.blueAsync(fungal, ["realm", "pr", "--rfc", "metrics-v2", "--status", "--refresh", "--json"], env);

    test("--auto-merge: provider merged → the consumer's PR merged once through the forge's API, from two homes and three looks", async () => {
      providerEnd = "merged";
      const env = c.env(front.url);
      const r = await sb.blueAsync(fungal, ["realm", "pr", "--rfc", "metrics-v2", "--title", "feat: metrics v2", "--auto-merge"], env);
      expect([r.code, r.stderr]).toEqual([0, ""]);
      // The same user's second machine opts in there too (a daemon merges only what its own user opted in to).
      const r2 = await other.blueAsync(fungal, ["realm", "pr", "--rfc", "metrics-v2", "--title", "feat: metrics v2", "--auto-merge"], env);
      expect([r2.code, r2.stderr]).toEqual([0, ""]);
      recorder.calls.length = 0;
      const looks = [await follow(sb, env), await follow(other, env), await follow(sb, env)];
      for (const l of looks) expect([l.code, l.stderr]).toEqual([0, ""]);
      for (const l of looks) expect(`${l.stdout}${l.stderr}`).not.toContain(TOKEN);
      const doc = PrFollowDoc.parse(JSON.parse(looks[0]!.stdout));
      expect(doc.follow!.decisions.map((d) => [d.key, d.action])).toEqual([["merge fungal-image-analysis", "merge"]]);
      expect(record().decisions.map((d) => d.key)).toEqual(["merge fungal-image-analysis"]);
      const merges = recorder.calls.filter((x) => /\/pulls\/-?\d+\/merge$/.test(x.path) && x.method !== "GET");
      expect(merges.map((x) => [x.method, x.path.replace(/-?\d+/, "N"), x.status])).toEqual([
        [c.kind === "github" ? "PUT" : "POST", "/repos/acme/fungal-image-analysis/pulls/N/merge", 200],
      ]);
      const body = JSON.parse(merges[0]!.body);
      if (c.kind === "github") expect(body).toMatchObject({ merge_method: "merge", sha: HEAD });
      else expect(body).toMatchObject({ Do: "merge", head_commit_id: HEAD, merge_when_checks_succeed: true });
      expect(merges[0]!.auth).toContain(TOKEN);
      expect(recorder.calls.filter((x) => x.status >= 400 && x.status !== 404)).toEqual([]);
    }, 180_000);

    test("provider closed without merging → the consumer's PR gets one comment saying it is blocked, and no merge", async () => {
      providerEnd = "closed";
      recorder.calls.length = 0;
      const env = c.env(front.url);
      const looks = [await follow(sb, env), await follow(other, env), await follow(other, env)];
      for (const l of looks) expect([l.code, l.stderr]).toEqual([0, ""]);
      const doc = PrFollowDoc.parse(JSON.parse(looks[2]!.stdout));
      expect(doc.follow!.repos.map((r) => [r.repo, r.state])).toEqual([["aperture", "closed"], ["fungal-image-analysis", "blocked"]]);
      const comments = recorder.calls.filter((x) => x.method === "POST" && /\/issues\/-?\d+\/comments$/.test(x.path));
      expect(comments.map((x) => x.path.replace(/-?\d+/, "N"))).toEqual(["/repos/acme/fungal-image-analysis/issues/N/comments"]);
      expect(JSON.parse(comments[0]!.body).body).toMatch(/^aperture#-?\d+, which fungal-image-analysis#-?\d+ depends on, was closed without merging/);
      expect(recorder.calls.filter((x) => /\/merge$/.test(x.path) && x.method !== "GET")).toEqual([]);
      expect(record().decisions.map((d) => d.key)).toEqual(["merge fungal-image-analysis", "blocked fungal-image-analysis by aperture"]);
    }, 180_000);
  });
}
