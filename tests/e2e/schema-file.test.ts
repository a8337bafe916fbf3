// An export's schema_file is part of what the provider publishes (issue 17, items 4 and 5): a change to it alone
// is a contract change for status, check --mode=exporter (and a kept report) and sync; and sync never publishes
// a value that the schema it publishes rejects, nor a schema that does not compile.
import { afterAll, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { CheckReport } from "../../src/check/findings.ts";
import { compareVersions } from "../../src/compat/index.ts";
import { StatusDoc } from "../../src/realm/view.ts";
import { SyncReport } from "../../src/sync/run.ts";
import { dailyDevelopment, VALUE } from "./daily.ts";
import { stackTrace } from "./sandbox.ts";

const CONTRACT = "domains/s3-access/contracts/s3-permissions.yaml";
const SCHEMA = { type: "object" };
// Both keys are in the value: valid, and narrower than the contract's schema (compatible for backwards readers).
const REQUIRED = { type: "object", required: ["read", "write"] };

describe("an export's schema_file", () => {
  const { sb, aperture, clone } = dailyDevelopment();
  afterAll(() => sb.shutDaemon(), 60_000);
  const remote = sb.defaultRemote("letemcook");
  const refs = () => sb.git(sb.root, "-C", remote, "for-each-ref", "--format=%(refname) %(objectname)");
  const writeSchema = (schema: unknown) => writeFileSync(join(aperture, "config/schema.json"), JSON.stringify(schema, null, 2));
  const check = (...args: string[]) => sb.blue(aperture, "realm", "check", "--mode=exporter", ...args);
  const stats = () => {
    const doc = JSON.parse(sb.blue(aperture, "realm", "admin", "cache", "stats", "--json").stdout) as { tables: { table: string; hits: number; misses: number }[] };
    return doc.tables.find((t) => t.table === "report_cache")!;
  };

  test("as the contract's schema: no change anywhere, and the exporter check's report is kept", () => {
    writeSchema(SCHEMA);
    const set = sb.blue(aperture, "realm", "export", "s3-permissions", "--schema-file", "config/schema.json");
    expect(set.stderr).toBe("");
    expect(set.code).toBe(0);
    const status = StatusDoc.parse(JSON.parse(sb.blue(aperture, "realm", "status", "--json").stdout));
    expect(status.local_changes).toEqual([]);
    const first = check();
    expect(first.stdout).toContain("✓ s3-permissions: code matches contract");
    expect(first.code).toBe(0);
    expect(check().code).toBe(0);
    expect(stats()).toMatchObject({ hits: 1, misses: 1 });
  });

  test("changed alone, it is a contract change: status shows it, the exporter check fails on a fresh report", () => {
    writeSchema(REQUIRED);
    const status = sb.blue(aperture, "realm", "status");
    expect(status.stdout).toContain(
      [
        "⚠ Contract change detected:",
        "  s3-permissions has local changes:",
        "    schema /required/0: 'read' is now required",
        "    schema /required/1: 'write' is now required",
        "  Affected repos:",
      ].join("\n"),
    );
    const doc = StatusDoc.parse(JSON.parse(sb.blue(aperture, "realm", "status", "--json").stdout));
    expect(doc.local_changes.map((c) => [c.contract, c.changes, c.schema_changes.map((s) => [s.rule, s.pointer, s.breaking])])).toEqual([
      ["s3-permissions", [], [["required-added", "/required/0", false], ["required-added", "/required/1", false]]],
    ]);

    // The report kept above depended on the schema_file: it is not reused.
    const r = check();
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("✗ s3-permissions: 2 errors");
    expect(r.stdout).toContain("✗ config/schema.json: schema-mismatch: code differs from contract 1.4.0: schema /required/0: 'read' is now required");
    expect(r.stdout).not.toContain("code matches contract");
    expect(stats()).toMatchObject({ hits: 1, misses: 2 });
    const report = CheckReport.parse(JSON.parse(check("--json").stdout));
    expect(report.findings.map((f) => [f.rule, f.severity, f.file, f.pointer])).toEqual([
      ["schema-mismatch", "error", "config/schema.json", "/required/0"],
      ["schema-mismatch", "error", "config/schema.json", "/required/1"],
    ]);
    // Back as it was: the failing report is not reused either.
    writeSchema(SCHEMA);
    expect(check().code).toBe(0);
    writeSchema(REQUIRED);
    expect(check().code).toBe(1);
  });

  test("sync publishes it as a new version, with the bump the compatibility engine gives", () => {
    const contract = parse(sb.git(sb.root, "-C", remote, "show", `main:${CONTRACT}`));
    const verdict = compareVersions({ schema: contract.schema, value: contract.value }, { schema: REQUIRED, value: VALUE }, contract.compatibility);
    expect(verdict.bump).toBe("minor");
    const r = sb.blue(aperture, "realm", "sync", "--json");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const u = SyncReport.parse(JSON.parse(r.stdout)).branches[0]!.updates[0]!;
    expect([u.from, u.to, u.bump, u.compatible, u.schema_changed]).toEqual(["1.4.0", "1.5.0", verdict.bump, !verdict.breaking, true]);
    expect(u.changes).toEqual(["schema /required/0: 'read' is now required", "schema /required/1: 'write' is now required"]);
    const branch = sb.git(sb.root, "-C", remote, "for-each-ref", "--format=%(refname:lstrip=2)", "refs/heads/sync/");
    expect(parse(sb.git(sb.root, "-C", remote, "show", `${branch}:${CONTRACT}`)).schema).toEqual(REQUIRED);
  });

  test("sync refuses a value the schema it publishes rejects: a line per problem, exit 1, nothing pushed", () => {
    writeSchema({
      type: "object",
      required: ["read", "write", "owner"],
      properties: { read: { type: "array", items: { type: "integer" }, maxItems: 1 }, write: { items: { type: "integer" } }, delete: { minItems: 1 } },
    });
    const before = refs();
    for (const args of [["sync"], ["sync", "--dry-run"]]) {
      const r = sb.blue(aperture, "realm", ...args);
      expect(r.code).toBe(1);
      expect(r.stdout).not.toContain("Pushed");
      expect(r.stderr).toContain("error: sync refuses to publish s3-permissions 1.5.0: its value is invalid under config/schema.json\n");
      expect(r.stderr).toContain(
        [
          "  config/s3.json: /permissions: must have required property 'owner'",
          "  config/s3.json: /permissions/read: must NOT have more than 1 items",
          "  config/s3.json: /permissions/read/0: must be integer",
          "  config/s3.json: /permissions/read/1: must be integer",
          "  config/s3.json: /permissions/write/0: must be integer",
          "  and 1 more",
          "Fix the value or the schema in this repo, then sync again; nothing was pushed.",
        ].join("\n"),
      );
      expect(stackTrace(r)).toBe(false);
      expect(refs()).toBe(before);
    }
    expect(sb.git(clone, "status", "--porcelain")).toBe("");
  });

  test("sync refuses a schema_file that does not compile", () => {
    writeSchema({ type: "object", properties: { read: { type: "nope" } } });
    const before = refs();
    const r = sb.blue(aperture, "realm", "sync", "--dry-run");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("error: sync refuses to publish s3-permissions 1.5.0: config/schema.json does not compile\n  config/schema.json: /: not a valid JSON Schema: schema is invalid: data/properties/read/type");
    expect(stackTrace(r)).toBe(false);
    expect(refs()).toBe(before);
  });
});
