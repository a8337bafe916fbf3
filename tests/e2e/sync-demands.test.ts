// sync shows why it publishes a major version before anything is published (issue 19): the stricter engine can
// demand major bumps that earlier blue versions did not (a keyword it does not model is `unknown-change`,
// breaking both ways), so `sync --dry-run` names the findings that demand it, with a witness where one exists,
// in text, in --json and in the PR body it would open.
import { describe, expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { SyncReport } from "../../src/sync/run.ts";
import { realmWithHistory, SCHEMA } from "./realm-world.ts";

const UNKNOWN = "unknown-change at /x-rule, breaking both ways — keyword 'x-rule' changed, and the checker does not model it";

describe("sync --dry-run: the findings that demand a major bump", () => {
  const w = realmWithHistory();
  const { sb, clone, aperture } = w;
  w.edit("domains/s3-access/bindings/aperture.yaml", (d) => d.setIn(["exports", 0, "schema_file"], "schemas/s3.json"), "schema_file");
  sb.git(clone, "push", "-q", "origin", "main");
  mkdirSync(join(aperture, "schemas"));
  const schema = (s: unknown) => writeFileSync(join(aperture, "schemas/s3.json"), JSON.stringify(s));
  const plan = () => SyncReport.parse(JSON.parse(sb.blue(aperture, "realm", "sync", "--dry-run", "--json").stdout)).branches[0]!.updates[0]!;

  test("a keyword the engine does not model: 2.0.0, with the rule, pointer and message, before anything is published", () => {
    schema({ ...SCHEMA, "x-rule": { max: 3 } });
    const head = sb.git(clone, "ls-remote", "origin", "main");
    const r = sb.blue(aperture, "realm", "sync", "--dry-run");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Contract update: s3-permissions 1.4.0 → 2.0.0 (breaking)\n  2.0.0 (major: ${UNKNOWN})\n    witness: none (no witness found within the search bound`);
    const u = plan();
    expect(u.to).toBe("2.0.0");
    expect(u.demands).toEqual([
      { rule: "unknown-change", pointer: "/x-rule", message: "keyword 'x-rule' changed, and the checker does not model it", breaks: ["backwards", "forwards"], witness: expect.objectContaining({ found: false }) },
    ]);
    expect(sb.git(clone, "ls-remote", "origin", "main")).toBe(head);
    expect(sb.git(clone, "ls-remote", "origin", "refs/heads/sync/*")).toBe("");
  });

  test("two findings demand it: each is listed, with the witness check computes for a breaking one", () => {
    const { required: _, ...optionalRead } = SCHEMA;
    schema({ ...optionalRead, "x-rule": { max: 3 } });
    const r = sb.blue(aperture, "realm", "sync", "--dry-run");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("  2.0.0 (major, demanded by 2 findings):\n");
    expect(r.stdout).toMatch(/ {4}- required-removed at \/required\/0, breaking backwards — [^\n]+\n {6}witness: \{[^\n]*\} is valid under 2\.0\.0 and rejected by 1\.4\.0\n/);
    // The search verifies a value against the two whole schemas, as check does: here the value that shows
    // `read` is no longer required is also the first one it tries under the x-rule finding.
    expect(r.stdout).toContain(`    - ${UNKNOWN}\n      witness: `);
    const u = plan();
    expect(u.demands.map((d) => [d.rule, d.pointer, d.breaks.join(" ")])).toEqual([
      ["required-removed", "/required/0", "backwards"],
      ["unknown-change", "/x-rule", "backwards forwards"],
    ]);
    expect(u.demands[0]!.witness).toMatchObject({ found: true, valid_under: "2.0.0", rejected_by: "1.4.0" });
    const body = SyncReport.parse(JSON.parse(sb.blue(aperture, "realm", "sync", "--dry-run", "--json").stdout)).branches[0]!.pr.body;
    expect(body).toContain(`Why a major version:\n\`\`\`\n2.0.0 (major, demanded by 2 findings):\n`);
  });

  test("a compatible change demands nothing", () => {
    schema({ ...SCHEMA, properties: { ...SCHEMA.properties, list: { type: "array", items: { type: "string" } } } });
    const r = sb.blue(aperture, "realm", "sync", "--dry-run");
    expect(r.stdout).toContain("Contract update: s3-permissions 1.4.0 → 1.5.0 (compatible)\n");
    expect(r.stdout).not.toContain("major");
    expect(plan().demands).toEqual([]);
  });
});
