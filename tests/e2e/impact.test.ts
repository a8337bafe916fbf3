// Impact per consumer through the compiled binary (issue 19): a realm with two importers of s3-permissions on
// different ranges; `blue realm impact`, `check --mode=compatibility` and `sync --dry-run` say which one a new
// version breaks.
import { describe, expect, test } from "bun:test";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ImpactReport } from "../../src/impact/plan.ts";
import { CONTRACT_FILE, realmWithHistory, SCHEMA, VALUE } from "./realm-world.ts";
import { stackTrace } from "./sandbox.ts";

const { required: _, ...OPTIONAL_READ } = SCHEMA;

/** s3-permissions 1.4.0; fungal imports >=1.0.0 <2.0.0 and resolved 1.4.0; ml-infra imports ^2 (nothing resolved). */
function world() {
  const w = realmWithHistory();
  const { sb, clone, edit } = w;
  const text = (rel: string) => readFileSync(join(clone, rel), "utf8");
  writeFileSync(join(clone, "repos/ml-infra.yaml"), text("repos/fungal-image-analysis.yaml").replaceAll("fungal-image-analysis", "ml-infra"));
  edit("domains/s3-access/domain.yaml", (d) => (d.get("members") as { add: (x: unknown) => void }).add("ml-infra"));
  writeFileSync(join(clone, "domains/s3-access/bindings/ml-infra.yaml"), "repo: ml-infra\nrole: consumer\nimports:\n  - contract: s3-permissions\n    version: ^2\n");
  sb.git(clone, "add", "-A");
  sb.git(clone, "commit", "-qm", "ml-infra imports s3-permissions ^2");
  edit("domains/s3-access/bindings/fungal-image-analysis.yaml", (d) => d.setIn(["imports", 0, "resolved_version"], "1.4.0"), "fungal at 1.4.0");
  sb.git(clone, "push", "-q", "origin", "main");
  return w;
}

/** s3-permissions 2.0.0: `read` no longer required (backwards breaking: values without it reach 1.x importers). */
function publishBreaking(w: ReturnType<typeof world>) {
  w.edit(CONTRACT_FILE, (d) => {
    d.set("version", "2.0.0");
    d.set("schema", OPTIONAL_READ);
    (d.get("evolution") as { add: (x: unknown) => void }).add({ version: "2.0.0", changes: ["read is optional"], compatible: false });
  }, "s3-permissions 2.0.0");
  w.sb.git(w.clone, "push", "-q", "origin", "main");
}

const LINE = "2.0.0 breaks fungal-image-analysis (imports >=1.0.0 <2.0.0, resolved 1.4.0); ml-infra unaffected (imports ^2)";

describe("blue realm impact", () => {
  const w = world();
  const { sb, aperture, fungal } = w;

  test("--local: a compatible change in the owner's code breaks nobody (exit 0)", () => {
    w.code({ ...VALUE, read: [...VALUE.read, "experiments/*"] });
    const r = sb.blue(aperture, "realm", "impact", "s3-permissions", "--local");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("impact of s3-permissions 1.5.0 (s3-access) on its importers:\n");
    expect(r.stdout).toContain("1.5.0: fungal-image-analysis unaffected (imports >=1.0.0 <2.0.0); ml-infra unaffected (imports ^2, which no published version satisfies yet)\n");
    w.code(VALUE);
  });

  test("a breaking 2.0.0 breaks the importer on 1.x and not the one on ^2 (exit 1), with what breaks it", () => {
    publishBreaking(w);
    const r = sb.blue(fungal, "realm", "impact", "s3-permissions");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("✗ fungal-image-analysis breaks: imports >=1.0.0 <2.0.0, resolved 1.4.0\n    schema /required/0: 'read' is no longer required (breaking)\n");
    expect(r.stdout).toContain("✓ ml-infra unaffected: imports ^2\n");
    expect(r.stdout).toEndWith(`${LINE}\n`);
  });

  test("--to an earlier version; --json is one document", () => {
    const r = sb.blue(aperture, "realm", "impact", "s3-permissions", "--to", "1.4.0", "--json");
    expect(r.code).toBe(0);
    const doc = ImpactReport.parse(JSON.parse(r.stdout));
    expect(doc.breaks).toBe(false);
    expect(doc.impacts[0]!.importers.map((i) => [i.repo, i.status])).toEqual([
      ["fungal-image-analysis", "unaffected"],
      ["ml-infra", "unaffected"],
    ]);
    const now = ImpactReport.parse(JSON.parse(sb.blue(aperture, "realm", "impact", "s3-permissions", "--json").stdout));
    expect(now.breaks).toBe(true);
    expect(now.impacts[0]!.summary).toBe(LINE);
  });

  test("usage errors: --to with --local, a version not in history, an unknown contract", () => {
    const both = sb.blue(aperture, "realm", "impact", "s3-permissions", "--to", "1.4.0", "--local");
    expect(both.code).toBe(64);
    expect(both.stderr).toStartWith("error: --to and --local name the new version two ways\n");
    const missing = sb.blue(aperture, "realm", "impact", "s3-permissions", "--to", "9.9.9");
    expect(missing.code).toBe(64);
    expect(missing.stderr).toStartWith("error: no version 9.9.9 of s3-permissions in the realm's history\n");
    const unknown = sb.blue(aperture, "realm", "impact", "s3-permission");
    expect(unknown.code).toBe(64);
    expect(stackTrace(unknown)).toBe(false);
  });

  test("check --mode=compatibility shows the same impact under its result", () => {
    const r = sb.blue(aperture, "realm", "check", "--mode=compatibility", "--contract", "s3-permissions", "--from=1.4.0", "--to=2.0.0");
    expect(r.stdout).toContain(`    1.4.0 → 2.0.0: Result: BREAKING (major version bump OK)\n    impact: ${LINE}\n`);
  });
});

describe("sync --dry-run shows the impact before anything is published", () => {
  const w = world();
  const { sb, clone, aperture } = w;

  test("a breaking schema from the owner's code: who it breaks, in the plan and the PR body", () => {
    w.edit("domains/s3-access/bindings/aperture.yaml", (d) => d.setIn(["exports", 0, "schema_file"], "schemas/s3.json"), "schema_file");
    sb.git(clone, "push", "-q", "origin", "main");
    mkdirSync(join(aperture, "schemas"));
    writeFileSync(join(aperture, "schemas/s3.json"), JSON.stringify(OPTIONAL_READ));
    const r = sb.blue(aperture, "realm", "sync", "--dry-run");
    expect(r.stderr).toBe("");
    expect(r.stdout).toContain("Contract update: s3-permissions 1.4.0 → 2.0.0 (breaking)\n");
    expect(r.stdout).toContain(`  impact: ${LINE}\n`);
    const json = JSON.parse(sb.blue(aperture, "realm", "sync", "--dry-run", "--json").stdout) as { branches: { pr: { body: string } }[] };
    const body = json.branches[0]!.pr.body;
    expect(body).toContain(`Impact of s3-permissions 2.0.0 on its importers: ${LINE}\n`);
    expect(body).toContain("| fungal-image-analysis | >=1.0.0 <2.0.0 | 1.4.0 | **breaks**: imports >=1.0.0 <2.0.0, resolved 1.4.0 |");
    expect(body).toContain("| ml-infra | ^2 | (none) | unaffected: imports ^2 |");
  });
});
