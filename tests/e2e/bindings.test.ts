// A repo changes its own binding from the CLI (blue realm export / import), never by editing the realm clone:
// checked against the repo first, then one transaction on the realm; an export's command is pinned.
import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { dailyDevelopment, VALUE } from "./daily.ts";
import { BIN, stackTrace } from "./sandbox.ts";

describe("blue realm export and import", () => {
  const world = dailyDevelopment();
  const { sb, aperture, fungal } = world;
  const remote = sb.defaultRemote("letemcook");
  const onRemote = (rel: string) => parse(sb.git(sb.root, "-C", remote, "show", `main:${rel}`));
  afterAll(() => sb.shutDaemon());

  test("export --command checks the value, sets the binding on the realm, and pins the command", () => {
    mkdirSync(join(aperture, "scripts"), { recursive: true });
    writeFileSync(join(aperture, "scripts/export-s3.sh"), `#!/bin/sh\ncat config/s3.json | sed -n '1,$p' >/dev/null\necho '${JSON.stringify(VALUE)}'\n`, { mode: 0o755 });
    const r = sb.blue(aperture, "realm", "export", "s3-permissions", "--command", "--", "scripts/export-s3.sh", "--json");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("✓ Read s3-permissions with it: valid under the contract's schema");
    expect(r.stdout).toContain("✓ Set extract: config/s3.json:/permissions → scripts/export-s3.sh --json (domains/s3-access/bindings/aperture.yaml)");
    const binding = onRemote("domains/s3-access/bindings/aperture.yaml");
    expect(binding.exports[0].extract).toEqual({ command: ["scripts/export-s3.sh", "--json"] });
    const config = parse(readFileSync(join(aperture, ".blue/config.yaml"), "utf8"));
    expect(config.trusted_commands).toEqual([{ file: "domains/s3-access/bindings/aperture.yaml", field: "exports.s3-permissions.extract.command", argv: ["scripts/export-s3.sh", "--json"] }]);
    // CI, from nothing but the repo as committed: the pinned command runs and the code matches the contract.
    const ci = sb.exec(BIN, ["realm", "check", "--mode=exporter"], aperture, { CI: "true", BLUE_HOME: sb.path("ci-home") });
    expect(ci.stdout).toContain("✓ s3-permissions: code matches contract");
    expect(ci.code).toBe(0);
  });

  test("a value the schema rejects changes nothing: exit 1, the first errors by pointer", () => {
    writeFileSync(join(aperture, "scripts/bad.sh"), `#!/bin/sh\necho '["read"]'\n`, { mode: 0o755 });
    const before = sb.git(sb.root, "-C", remote, "rev-parse", "main");
    const config = readFileSync(join(aperture, ".blue/config.yaml"), "utf8");
    const r = sb.blue(aperture, "realm", "export", "s3-permissions", "--command", "--", "scripts/bad.sh");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("error: the value this export reads is invalid under s3-permissions's schema: / must be object");
    expect(stackTrace(r)).toBe(false);
    expect(sb.git(sb.root, "-C", remote, "rev-parse", "main")).toBe(before);
    expect(readFileSync(join(aperture, ".blue/config.yaml"), "utf8")).toBe(config);
  });

  test("only the owner exports; bad arguments are usage errors", () => {
    const notOwner = sb.blue(fungal, "realm", "export", "s3-permissions", "--extract", "x.json");
    expect(notOwner.code).toBe(1);
    expect(notOwner.stderr).toContain("error: s3-permissions is owned by aperture; only its owner exports it");
    expect(sb.blue(aperture, "realm", "export", "s3-permissions", "--command").code).toBe(64);
    expect(sb.blue(aperture, "realm", "export", "nope", "--extract", "x.json").code).toBe(64);
    const outside = sb.blue(aperture, "realm", "export", "s3-permissions", "--extract", "../etc/passwd");
    expect(outside.code).toBe(78);
    expect(outside.stderr).toContain("must be a relative path inside the repo");
  });

  test("import --range widens the consumer's range on the realm", () => {
    const r = sb.blue(fungal, "realm", "import", "s3-permissions", "--range", ">=1.0.0 <3.0.0");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("✓ Set s3-permissions import range >=1.0.0 <2.0.0 → >=1.0.0 <3.0.0 (domains/s3-access/bindings/fungal-image-analysis.yaml)");
    expect(onRemote("domains/s3-access/bindings/fungal-image-analysis.yaml").imports[0].version).toBe(">=1.0.0 <3.0.0");
    expect(sb.blue(fungal, "realm", "import", "s3-permissions", "--range", "not a range").code).toBe(64);
    const narrow = sb.blue(fungal, "realm", "import", "s3-permissions", "--range", "^9.0.0", "--dry-run");
    expect(narrow.stdout).toContain("⚠ s3-permissions 1.4.0, the published version, is not in ^9.0.0");
    expect(onRemote("domains/s3-access/bindings/fungal-image-analysis.yaml").imports[0].version).toBe(">=1.0.0 <3.0.0");
  });
});
