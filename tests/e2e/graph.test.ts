// `blue realm graph` through the compiled binary, on the RFC's Daily Development realm: the picture before and
// after aperture proposes a breaking change on an open sync branch, the formats and their defaults, SVG drawn
// inside the one binary (Graphviz in WebAssembly, no system `dot`), --open through $BROWSER, and bad names.
import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { XMLValidator } from "fast-xml-parser";
import { GraphModel } from "../../src/graph/model.ts";
import { breakReadSchema, dailyDevelopment, editRealmFile, publishSchema } from "./daily.ts";
import { Sandbox, stackTrace } from "./sandbox.ts";

const sandboxes: Sandbox[] = [];
afterAll(() => {
  for (const sb of sandboxes) sb.shutDaemon();
}, 60_000);

const graphOf = (r: { code: number; stdout: string; stderr: string }) => {
  expect(r.stderr).toBe("");
  expect(r.code).toBe(0);
  return GraphModel.parse(JSON.parse(r.stdout));
};

describe("blue realm graph", () => {
  const w = dailyDevelopment();
  sandboxes.push(w.sb);
  const { sb, aperture, fungal, clone } = w;

  test("the realm as it is: repos with maintainers, the contract, its export and import, nothing flagged", () => {
    const g = graphOf(sb.blue(fungal, "realm", "graph", "--format", "json"));
    expect(g.realm).toBe("letemcook");
    expect(g.repos.map((r) => r.name)).toEqual(["aperture", "fungal-image-analysis"]);
    expect(g.repos[0]!.maintainers).toEqual(["test@example.com"]);
    expect(g.contracts.map((c) => `${c.id}@${c.version} by ${c.owner}`)).toEqual(["s3-access/s3-permissions@1.4.0 by aperture"]);
    expect(g.edges.map((e) => `${e.kind} ${e.repo}`)).toEqual(["export aperture", "import fungal-image-analysis"]);
    expect(g.edges.every((e) => !e.flags.breaking_in_flight && !e.flags.pending_sync && !e.flags.range_excludes_newest)).toBe(true);
    expect(g.commit).toMatch(/^[0-9a-f]{40}$/);
  });

  test("a breaking change on an open sync branch: the branch on the export, the import flagged in colour and words", () => {
    publishSchema(w);
    expect(sb.blue(aperture, "realm", "sync").code).toBe(0);
    expect(sb.blue(fungal, "realm", "sync").stdout).toMatch(/Merged sync\/aperture/);
    breakReadSchema(w);
    const synced = sb.blue(aperture, "realm", "sync", "--json");
    expect(synced.code).toBe(0);
    const branch = JSON.parse(synced.stdout).branches[0].branch as string;

    const g = graphOf(sb.blue(fungal, "realm", "graph", "--json"));
    expect(g.contracts[0]).toMatchObject({ version: "1.5.0", proposed_version: "2.0.0" });
    const exp = g.edges.find((e) => e.kind === "export")!;
    const imp = g.edges.find((e) => e.kind === "import")!;
    expect(exp.flags).toEqual({ range_excludes_newest: false, pending_sync: { branch, pr: branch, url: null }, breaking_in_flight: true, unacknowledged: false });
    expect(imp.flags).toMatchObject({ range_excludes_newest: true, breaking_in_flight: true, unacknowledged: true });

    // Mermaid is the default on a pipe; the marks read without colour.
    const mmd = sb.blue(fungal, "realm", "graph");
    expect(mmd.code).toBe(0);
    expect(mmd.stdout.split("\n")[0]).toBe("flowchart LR");
    expect(mmd.stdout).toContain("s3-permissions@1.5.0<br/>owner: aperture<br/>domain: s3-access<br/>proposed: 2.0.0");
    expect(mmd.stdout).toContain("[BREAKING] [EXCLUDES 2.0.0] [NOT ACKED]");
    expect(mmd.stdout).toContain("linkStyle 0 stroke:#D55E00");
    const dot = sb.blue(fungal, "realm", "graph", "--format", "dot");
    expect(dot.stdout).toStartWith('digraph "realm letemcook" {');
    expect(dot.stdout).toContain(`[SYNC ${branch}]`);
  });

  test("-o file.svg: drawn inside the binary, valid XML, every repo and contract, maintainers in tooltips; an unwritable file is one line", () => {
    const out = sb.path("realm.svg");
    const r = sb.blue(fungal, "realm", "graph", "-o", out);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`Wrote ${out}\n`);
    const svg = readFileSync(out, "utf8");
    expect(XMLValidator.validate(svg)).toBe(true);
    expect(svg).toContain("<svg");
    const dir = sb.path("a-directory.svg");
    mkdirSync(dir);
    const refused = sb.blue(fungal, "realm", "graph", "-o", dir);
    expect(refused.code).toBe(1);
    expect(refused.stderr.split("\n")[0]).toBe(`error: cannot write ${dir}: it is a directory`);
    expect(stackTrace(refused)).toBe(false);
    for (const t of ["<title>repo:aperture</title>", "<title>repo:fungal&#45;image&#45;analysis</title>", "<title>contract:s3&#45;access/s3&#45;permissions</title>", "maintainers: test@example.com", "Legend"]) expect(svg).toContain(t);
  });

  test("filters: --repo and its neighbours, --domain, --contract; a mistyped name is exit 64 with the closest one", () => {
    const byRepo = graphOf(sb.blue(fungal, "realm", "graph", "--json", "--repo", "aperture"));
    expect(byRepo.repos.map((r) => r.name)).toEqual(["aperture", "fungal-image-analysis"]);
    expect(graphOf(sb.blue(fungal, "realm", "graph", "--json", "--contract", "s3-permissions")).edges).toHaveLength(2);
    expect(graphOf(sb.blue(fungal, "realm", "graph", "--json", "--domain", "s3-access")).contracts).toHaveLength(1);
    for (const [flag, given, close] of [["--repo", "apertur", "aperture"], ["--domain", "s3-acess", "s3-access"], ["--contract", "s3-permision", "s3-permissions"]]) {
      const r = sb.blue(fungal, "realm", "graph", flag!, given!);
      expect(r.code).toBe(64);
      expect(r.stdout).toBe("");
      expect(r.stderr.split("\n")[0]).toBe(`error: no ${flag!.slice(2)} '${given}' in this realm. Did you mean '${close}'?`);
      expect(stackTrace(r)).toBe(false);
    }
    const bad = sb.blue(fungal, "realm", "graph", "--format", "png");
    expect(bad.code).toBe(64);
    expect(bad.stderr).toContain("unknown format 'png'");
    expect(sb.blue(fungal, "realm", "graph", "--open", "--format", "dot").code).toBe(64);
  });

  test("--open draws an SVG and hands it to $BROWSER", async () => {
    const seen = sb.path("opened.txt");
    const browser = sb.path("browser.sh");
    writeFileSync(browser, `#!/bin/sh\nprintf '%s' "$1" > '${seen}'\n`, { mode: 0o755 });
    const r = sb.exec(join(import.meta.dir, "../../dist/blue"), ["realm", "graph", "--open"], fungal, { BROWSER: browser });
    expect(r.code).toBe(0);
    // The opener is detached: wait for it to have run.
    for (let i = 0; i < 100 && !existsSync(seen); i++) await Bun.sleep(50);
    const file = readFileSync(seen, "utf8");
    expect(file).toEndWith("letemcook.svg");
    expect(r.stdout).toBe(`Wrote ${file}\n`);
    expect(XMLValidator.validate(readFileSync(file, "utf8"))).toBe(true);
  });

  test("maintainers and urls are free text in another team's YAML: drawn as text, never as markup", () => {
    const evil = ['</title><script>alert(1)</script>', 'x"]; "pwned" [label="owned', "a|b\nsubgraph pwned"];
    editRealmFile(clone, "repos/aperture.yaml", (d) => {
      d.set("maintainers", evil);
      d.set("url", '"/><script>alert(2)</script>');
    });
    sb.git(clone, "commit", "-qam", "aperture's maintainers, as another team wrote them");
    const out = sb.path("hostile.svg");
    expect(sb.blue(fungal, "realm", "graph", "-o", out).code).toBe(0);
    const svg = readFileSync(out, "utf8");
    expect(XMLValidator.validate(svg)).toBe(true);
    expect(svg).not.toContain("<script");
    expect(svg).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect((svg.match(/class="node"/g) ?? []).length).toBe(4); // two repos, one contract, the legend
    const g = graphOf(sb.blue(fungal, "realm", "graph", "--json"));
    expect(g.repos.find((r) => r.name === "aperture")!.maintainers).toEqual(evil);
  });
});
