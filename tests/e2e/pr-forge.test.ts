// `blue realm pr` when the repos' origins are on Forgejo or GitHub, through the compiled binary, against Prism
// mocks of each forge's published description (a recording proxy in front lists the calls; Prism rejects any
// request its description does not allow). Each origin's fetch URL names the forge (that is how blue detects
// it); its push URL is a bare repo here, so the pushes are real git.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { PrDoc } from "../../src/pr/plan.ts";
import { FORGEJO_SPEC, GITHUB_SPEC, startPrism, startRecordingProxy, type Prism } from "../forge/prism.ts";
import { initialSetup } from "./sandbox.ts";
import { withChange } from "./forge-world.ts";

const TOKEN = "pr-forge-secret-7a3c91";
const cases = [
  { kind: "forgejo", spec: FORGEJO_SPEC, host: "forge.test", env: (api: string) => ({ BLUE_FORGEJO_URL: "https://forge.test", BLUE_FORGEJO_API_URL: api, BLUE_FORGEJO_TOKEN: TOKEN }) },
  { kind: "github", spec: GITHUB_SPEC, host: "github.com", env: (api: string) => ({ BLUE_GITHUB_API_URL: api, BLUE_GITHUB_TOKEN: TOKEN }) },
] as const;

for (const c of cases) {
  const have = existsSync(c.spec);
  if (!have) console.warn(`skipping pr tests on ${c.kind}: ${c.spec} is absent (Forgejo's description lives in ../shared beside the project)`);

  describe.skipIf(!have)(`blue realm pr on ${c.kind}`, () => {
    let prism: Prism;
    let proxy: ReturnType<typeof startRecordingProxy>;
        const { sb, aperture, fungal, steps } = initialSetup();

    beforeAll(async () => {
      for (const s of steps) if (s.code !== 0) throw new Error(s.stderr);
      prism = await startPrism(c.spec);
      proxy = startRecordingProxy(prism);
      withChange({ sb, aperture, fungal, steps: [] }, (name) => `https://${c.host}/acme/${name}.git`);
    }, 120_000);
    afterAll(() => {
      proxy?.stop();
      prism?.stop();
      sb.shutDaemon();
    });

    test("pushes both branches and opens one PR per repo in merge order, provider first", async () => {
      const r = await sb.blueAsync(fungal, ["realm", "pr", "--rfc", "metrics-v2", "--title", "feat: metrics v2", "--json"], c.env(proxy.url));
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
      expect(`${r.stdout}${r.stderr}`).not.toContain(TOKEN);
      const doc = PrDoc.parse(JSON.parse(r.stdout));
      expect(doc.order).toEqual(["aperture", "fungal-image-analysis"]);
      expect(doc.repos.map((x) => [x.repo, x.forge, x.push, x.pr_action, x.pr !== null])).toEqual([
        ["aperture", c.kind, "pushed", "open", true],
        ["fungal-image-analysis", c.kind, "pushed", "open", true],
      ]);
      expect(proxy.calls.filter((x) => x.status >= 400)).toEqual([]);
      const opened = proxy.calls.filter((x) => x.method === "POST" && /^\/repos\/acme\/[^/]+\/pulls$/.test(x.path));
      expect(opened.map((x) => [x.path, JSON.parse(x.body).head, JSON.parse(x.body).title])).toEqual([
        ["/repos/acme/aperture/pulls", "feat/metrics-v2", "feat: metrics v2"],
        ["/repos/acme/fungal-image-analysis/pulls", "feat/metrics-v2", "feat: metrics v2"],
      ]);
      // Every PR body is rewritten once all numbers are known; fungal's names its place after aperture's PR.
      const updates = proxy.calls.filter((x) => x.method === "PATCH" && /\/pulls\/-?\d+$/.test(x.path));
      expect(updates.map((x) => x.path.split("/")[3])).toEqual(["aperture", "fungal-image-analysis"]);
      expect(JSON.parse(updates[1]!.body).body).toMatch(/merge second — blocked by aperture#-?\d+/);
      const deps = proxy.calls.filter((x) => x.path.includes("/dependencies"));
      if (c.kind === "forgejo") {
        expect(deps.map((x) => [x.method, x.path.replace(/-?\d+/, "N")])).toEqual([["POST", "/repos/acme/fungal-image-analysis/issues/N/dependencies"]]);
        expect(JSON.parse(deps[0]!.body)).toMatchObject({ owner: "acme", repo: "aperture" });
      } else {
        expect(deps).toEqual([]); // GitHub dependencies take issues, not PRs: the order is in the bodies
      }
      for (const name of ["aperture", "fungal-image-analysis"]) {
        expect(sb.git(sb.root, "--git-dir", sb.path("origins", `${name}.git`), "rev-parse", "feat/metrics-v2")).toMatch(/^[0-9a-f]{40}$/);
      }
    });
  });
}
