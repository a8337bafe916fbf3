// `blue realm check` through the compiled binary, in member repos and in the realm repo itself.
import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseDocument, stringify } from "yaml";
import { CheckReport } from "../../src/check/findings.ts";
import { exportFromCode, realmFileEditor } from "./realm-world.ts";
import { initialSetup, stackTrace } from "./sandbox.ts";

const SCHEMA = {
  type: "object",
  required: ["read"],
  properties: {
    read: { type: "array", items: { type: "string" } },
    write: { type: "array", items: { type: "string" }, default: [] },
  },
};
const VALUE = { read: ["jobs/*/masks/*", "training-runs/*"], write: ["training-metrics/*"] };

/** aperture exports s3-permissions 1.4.0 (read from config/s3.json); fungal imports it. */
function world() {
  const setup = initialSetup();
  const { sb, aperture } = setup;
  const clone = sb.realmClone("letemcook");
  const edit = realmFileEditor(sb, clone);
  const contract = "domains/s3-access/contracts/s3-permissions.yaml";
  edit(contract, (d) => {
    d.set("version", "1.4.0");
    d.set("schema", SCHEMA);
    d.set("value", VALUE);
    d.set("evolution", [
      { version: "1.0.0", changes: ["Initial"], compatible: true },
      { version: "1.4.0", changes: ["Added write"], compatible: true },
    ]);
  }, "s3-permissions 1.4.0");
  const code = exportFromCode(sb, clone, aperture, VALUE);
  return { ...setup, clone, contract, edit, code };
}

describe("check in member repos", () => {
  const { sb, aperture, fungal, clone, contract, edit, code } = world();

  test("exporter: code that matches the contract passes", () => {
    const r = sb.blue(aperture, "realm", "check", "--mode=exporter");
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe("exporter:\n✓ s3-permissions: code matches contract\nAll checks passed.\n");
    expect(r.code).toBe(0);
  });

  test("exporter: code that differs fails with the change by JSON pointer", () => {
    code({ ...VALUE, read: [...VALUE.read, "training-metrics/experiments/*"] });
    const r = sb.blue(aperture, "realm", "check", "--mode=exporter");
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("✗ s3-permissions: 1 error\n    ✗ config/s3.json: export-mismatch: code differs from contract 1.4.0: /read: + training-metrics/experiments/*\n");
    code(VALUE);
  });

  test("importer: an unresolved import is a warning (exit 2), a stale one too, an unsatisfied range an error", () => {
    const unresolved = sb.blue(fungal, "realm", "check", "--mode", "importer");
    expect(unresolved.code).toBe(2);
    expect(unresolved.stdout).toContain("⚠ s3-permissions: not resolved to a version yet (latest 1.4.0)");
    const binding = "domains/s3-access/bindings/fungal-image-analysis.yaml";
    edit(binding, (d) => d.setIn(["imports", 0, "resolved_version"], "1.0.0"), "fungal at 1.0.0");
    expect(sb.blue(fungal, "realm", "check", "--mode", "importer").stdout).toContain("stale binding: resolved at 1.0.0, latest is 1.4.0");
    edit(binding, (d) => d.setIn(["imports", 0, "resolved_version"], "1.4.0"), "fungal at 1.4.0");
    const current = sb.blue(fungal, "realm", "check", "--mode", "importer");
    expect(current.code).toBe(0);
    // The RFC's words: "✓ s3-permissions: binding at 1.4.0 (current)".
    expect(current.stdout).toBe("importer:\n✓ s3-permissions: binding at 1.4.0 (current)\nAll checks passed.\n");
    edit(binding, (d) => d.setIn(["imports", 0, "version"], "^2.0.0"), "fungal wants 2.x");
    const bad = sb.blue(fungal, "realm", "check", "--mode", "importer");
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain(`✗ ${binding}:7:14: import-unsatisfied: latest version 1.4.0 does not satisfy the import range ^2.0.0`);
    edit(binding, (d) => d.setIn(["imports", 0, "version"], ">=1.0.0, <2.0.0"), "back to 1.x");
  });

  test("contract: a valid contract passes in the RFC's words", () => {
    const r = sb.blue(aperture, "realm", "check", "--mode=contract");
    expect(r.stdout).toBe("contract:\n✓ s3-permissions: valid schema and value, version bump correct\nAll checks passed.\n");
    expect(r.code).toBe(0);
  });

  test("contract: a value that breaks its schema names the file, line and pointer", () => {
    edit(contract, (d) => d.setIn(["value", "read", 1], 42), "broken value");
    const r = sb.blue(aperture, "realm", "check", "--mode=contract", "--json");
    expect(r.code).toBe(1);
    const report = CheckReport.parse(JSON.parse(r.stdout));
    expect(report.findings.filter((f) => f.severity === "error").map((f) => [f.rule, f.file, f.line, f.pointer ?? null])).toEqual([
      ["value-invalid", contract, readFileSync(join(clone, contract), "utf8").split("\n").findIndex((l) => l.includes("- 42")) + 1, "/read/1"],
      // The value changed since the last published state (origin/main) without a version bump.
      ["bump-too-small", contract, 4, null],
    ]);
    expect(report.findings.find((f) => f.rule === "bump-too-small")?.message).toBe("changed without a version bump (still 1.4.0); this change needs a minor bump");
    edit(contract, (d) => d.setIn(["value", "read", 1], "training-runs/*"), "fixed value");
  });

  test("SARIF output carries the findings for code scanning", () => {
    code({ read: ["x"] });
    const r = sb.blue(aperture, "realm", "check", "--mode=exporter", "--format", "sarif");
    const sarif = JSON.parse(r.stdout);
    expect(sarif.version).toBe("2.1.0");
    expect(sarif.runs[0].results.map((x: { ruleId: string }) => x.ruleId)).toContain("export-mismatch");
    code(VALUE);
  });

  test("no --mode: every mode that applies to this repo", () => {
    const report = CheckReport.parse(JSON.parse(sb.blue(aperture, "realm", "check", "--json").stdout));
    expect(report.modes).toEqual(["contract", "exporter"]);
    expect(CheckReport.parse(JSON.parse(sb.blue(fungal, "realm", "check", "--json").stdout)).modes).toEqual(["contract", "importer"]);
  });
});

describe("hooks through check", () => {
  test("the importer hook runs in the importing repo; ci_only hooks only when CI is set", () => {
    const { sb, aperture, fungal, contract, edit } = world();
    edit(contract, (d) => d.set("validation", { importer: "scripts/iam.sh", ci_only: ["scripts/integration.sh"] }), "hooks");
    mkdirSync(join(fungal, "scripts"));
    writeFileSync(join(fungal, "scripts/iam.sh"), '#!/bin/sh\ntouch ran\necho "policy misses $BLUE_CONTRACT $BLUE_CONTRACT_VERSION" >&2\nexit 1\n', { mode: 0o755 });
    // aperture's contract names a program in fungal's repo: it runs there only once fungal's machine approves it.
    const before = sb.blue(fungal, "realm", "check", "--mode=importer");
    expect(before.code).toBe(2);
    expect(before.stdout).toContain("command-untrusted: the importer hook of s3-permissions in domains/s3-access/contracts/s3-permissions.yaml (scripts/iam.sh) is not trusted on this machine: not run");
    expect(existsSync(join(fungal, "ran"))).toBe(false);
    expect(sb.blue(fungal, "realm", "trust", "--all").code).toBe(0);
    const r = sb.blue(fungal, "realm", "check", "--mode=importer");
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("✗ scripts/iam.sh: hook-invalid: hook scripts/iam.sh failed: policy misses s3-permissions 1.4.0");
    expect(existsSync(join(fungal, "ran"))).toBe(true);

    mkdirSync(join(aperture, "scripts"));
    writeFileSync(join(aperture, "scripts/integration.sh"), "#!/bin/sh\nexit 2\n", { mode: 0o755 });
    // aperture pins its own CI hook in its committed config, which is what CI runs by.
    expect(sb.blue(aperture, "realm", "trust", "--all", "--pin").code).toBe(0);
    expect(sb.exec(join(import.meta.dir, "../../dist/blue"), ["realm", "check", "--mode=exporter"], aperture, { CI: "" }).code).toBe(0);
    const ci = sb.exec(join(import.meta.dir, "../../dist/blue"), ["realm", "check", "--mode=exporter"], aperture, { CI: "true" });
    expect(ci.code).toBe(2);
    expect(ci.stdout).toContain("hook scripts/integration.sh warned");
  });
});

describe("check in the realm repo", () => {
  test("--transitive checks the current version against every earlier one in evolution", () => {
    const { sb, clone, contract, edit } = world();
    edit(contract, (d) => {
      d.set("version", "1.5.0");
      d.setIn(["schema", "properties", "read", "maxItems"], 100);
      (d.get("evolution") as { add: (x: unknown) => void }).add({ version: "1.5.0", changes: ["Bounded read"], compatible: true });
    }, "s3-permissions 1.5.0");
    const r = sb.blue(clone, "realm", "check", "--mode=compatibility", "--contract", "s3-permissions", "--transitive", "--json");
    const report = CheckReport.parse(JSON.parse(r.stdout));
    expect(report.compatibility.map((c) => `${c.from}→${c.to}: ${c.result}`)).toEqual(["1.0.0→1.5.0: COMPATIBLE (minor version bump OK)", "1.4.0→1.5.0: COMPATIBLE (minor version bump OK)"]);
    expect(r.code).toBe(0);
  });

  test("50 contracts and one broken: the output names exactly that file and line", () => {
    const { sb, clone } = world();
    const dir = join(clone, "domains/s3-access/contracts");
    const bindings = parseDocument(readFileSync(join(clone, "domains/s3-access/bindings/aperture.yaml"), "utf8"));
    for (let i = 0; i < 50; i++) {
      const value = i === 37 ? { paths: ["ok", 7] } : { paths: ["ok"] };
      const body = { name: `c${i}`, version: "1.0.0", owner: "aperture", schema: { type: "object", properties: { paths: { type: "array", items: { type: "string" } } } }, value };
      writeFileSync(join(dir, `c${i}.yaml`), stringify(body));
      (bindings.get("exports") as { add: (x: unknown) => void }).add({ contract: `c${i}` });
    }
    writeFileSync(join(clone, "domains/s3-access/bindings/aperture.yaml"), bindings.toString());
    const r = sb.blue(clone, "realm", "check", "--mode=contract");
    expect(r.code).toBe(1);
    const broken = r.stdout.split("\n").filter((l) => l.includes("✗"));
    const line = readFileSync(join(dir, "c37.yaml"), "utf8").split("\n").findIndex((l) => l.includes("- 7")) + 1;
    expect(broken).toEqual(["✗ c37: 1 error", `    ✗ domains/s3-access/contracts/c37.yaml:${line}:7: value-invalid: value/paths/1 must be string`]);
    expect(r.stdout.match(/✓ c\d+/g)).toHaveLength(49);
  });

  test("compatibility between two published versions ends with the RFC's result line", () => {
    const { sb, clone, contract, edit } = world();
    edit(contract, (d) => {
      d.set("version", "1.5.0");
      d.setIn(["schema", "properties", "experiments"], { type: "array", items: { type: "string" }, default: [] });
      (d.get("evolution") as { add: (x: unknown) => void }).add({ version: "1.5.0", changes: ["Added experiments"], compatible: true });
    }, "s3-permissions 1.5.0");
    const r = sb.blue(clone, "realm", "check", "--mode=compatibility", "--contract", "s3-permissions", "--from=1.4.0", "--to=1.5.0");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("property-added-open-model");
    expect(r.stdout).toContain("1.4.0 → 1.5.0: Result: COMPATIBLE (minor version bump OK)");

    // Dropping `required` widens what is accepted: old importers may get values without `read`.
    edit(contract, (d) => {
      d.set("version", "1.6.0");
      d.deleteIn(["schema", "required"]);
    }, "s3-permissions 1.6.0");
    const breaking = sb.blue(clone, "realm", "check", "--mode=compatibility", "--contract", "s3-permissions", "--from=1.5.0", "--to=1.6.0");
    expect(breaking.code).toBe(1);
    expect(breaking.stdout).toContain("Result: BREAKING (major bump required)");
    expect(breaking.stdout).toContain("bump-too-small: 1.5.0 → 1.6.0 is a minor bump; this change needs a major bump");
    const unknown = sb.blue(clone, "realm", "check", "--mode=compatibility", "--contract", "s3-permissions", "--from=0.9.0");
    expect(unknown.code).toBe(64);
    expect(unknown.stderr).toStartWith("error: no version 0.9.0 of s3-permissions in the realm's history");
  });
});

describe("untrusted patterns", () => {
  const { sb, clone } = world();
  const dir = "domains/s3-access/contracts";
  /** A new contract of aperture's, written as YAML text (so its lines are known), exported by its binding. */
  const addContract = (name: string, text: string) => {
    writeFileSync(join(clone, dir, `${name}.yaml`), text);
    const file = join(clone, "domains/s3-access/bindings/aperture.yaml");
    const binding = parseDocument(readFileSync(file, "utf8"));
    (binding.get("exports") as { add: (x: unknown) => void }).add({ contract: name });
    writeFileSync(file, binding.toString());
  };

  test("a pattern that backtracks catastrophically is judged in well under five seconds, and the value is invalid", () => {
    const value = Array.from({ length: 100 }, () => `${"a".repeat(30)}!`);
    addContract("names", stringify({ name: "names", version: "1.0.0", owner: "aperture", schema: { type: "array", items: { type: "string", pattern: "^(a+)+$" } }, value }));
    const started = performance.now();
    const r = sb.blue(clone, "realm", "check", "--mode=contract", "--contract", "names", "--no-cache", "--json");
    const seconds = (performance.now() - started) / 1000;
    expect(r.stderr).toBe("");
    expect(r.code).toBe(1);
    const invalid = CheckReport.parse(JSON.parse(r.stdout)).findings.filter((f) => f.rule === "value-invalid");
    expect(invalid).toHaveLength(100);
    expect(invalid[0]!.message).toBe('value/0 must match pattern "^(a+)+$"');
    // A backtracking engine took ~48 s here; the bound is generous for a loaded machine.
    expect(seconds).toBeLessThan(5);
  });

  test("a backreference in a new contract is refused by contract mode, naming file:line:col", () => {
    addContract("codes", "name: codes\nversion: 1.0.0\nowner: aperture\nschema:\n  type: string\n  pattern: '^(a)\\1$'\nvalue: aa\n");
    const r = sb.blue(clone, "realm", "check", "--mode=contract", "--contract", "codes", "--no-cache");
    expect(r.code).toBe(1);
    expect(stackTrace(r)).toBe(false);
    expect(r.stdout).toContain(`✗ codes: 1 error\n    ✗ ${dir}/codes.yaml:6:12: pattern-unsupported: cannot evaluate pattern '^(a)\\1$': a backreference (\\1) is not supported`);
  });

  test("once published, the same pattern is a warning (exit 2) and the value is not judged", () => {
    sb.git(clone, "add", "-A");
    sb.git(clone, "commit", "-qm", "names and codes");
    sb.git(clone, "push", "-q", "origin", "main");
    const r = sb.blue(clone, "realm", "check", "--mode=contract", "--contract", "codes", "--no-cache");
    expect(r.code).toBe(2);
    expect(r.stdout).toContain("⚠ codes: cannot evaluate pattern '^(a)\\1$': a backreference (\\1) is not supported");
    expect(r.stdout).toContain("the value is not checked against its schema");
  });
});

describe("compatibility: versions in order, and BREAKING never passes in silence", () => {
  const { sb, clone, contract, edit } = world();

  test("--from newer than --to is a usage error: one line and a hint, nothing on stdout", () => {
    const r = sb.blue(clone, "realm", "check", "--mode=compatibility", "--contract", "s3-permissions", "--from=1.4.0", "--to=1.0.0");
    expect(r.code).toBe(64);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe("error: --from 1.4.0 is newer than --to 1.0.0\nSwap them: --from=1.0.0 --to=1.4.0.\n");
    // --to defaults to the current version (1.4.0).
    const past = sb.blue(clone, "realm", "check", "--mode=compatibility", "--contract", "s3-permissions", "--from=2.0.0", "--json");
    expect(past.code).toBe(64);
    expect(past.stdout).toBe("");
    expect(past.stderr.split("\n")[0]).toBe("error: --from 2.0.0 is newer than --to 1.4.0 (the current version)");
  });

  test("a BREAKING change with a major bump is a warning (⚠, exit 2), not ✓", () => {
    // Dropping `required` widens what is accepted: old importers may get values without `read`.
    edit(contract, (d) => {
      d.set("version", "2.0.0");
      d.deleteIn(["schema", "required"]);
      (d.get("evolution") as { add: (x: unknown) => void }).add({ version: "2.0.0", changes: ["read is optional"], compatible: false });
    }, "s3-permissions 2.0.0");
    const r = sb.blue(clone, "realm", "check", "--mode=compatibility", "--contract", "s3-permissions", "--from=1.4.0", "--to=2.0.0");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(2);
    expect(r.stdout).not.toContain("✓");
    expect(r.stdout).toContain("⚠ s3-permissions 1.4.0 → 2.0.0: BREAKING\n");
    expect(r.stdout).toContain("⚠ domains/s3-access/contracts/s3-permissions.yaml");
    expect(r.stdout).toContain("required-removed: 'read' is no longer required - backwards breaking, forwards compatible (BREAKING for this contract)");
    expect(r.stdout).toContain("    1.4.0 → 2.0.0: Result: BREAKING (major version bump OK)\n");
    // The witness: a value 2.0.0 accepts and 1.4.0 rejects, verified by ajv (issue 19).
    expect(r.stdout).toContain("(BREAKING for this contract)\n        witness: {} is valid under 2.0.0 and rejected by 1.4.0\n");
    const report = CheckReport.parse(JSON.parse(sb.blue(clone, "realm", "check", "--mode=compatibility", "--contract", "s3-permissions", "--from=1.4.0", "--to=2.0.0", "--json").stdout));
    expect(report.findings.filter((f) => f.rule === "required-removed").map((f) => f.severity)).toEqual(["warning"]);
    expect(report.findings.find((f) => f.rule === "required-removed")!.witness).toEqual({ found: true, value: {}, valid_under: "2.0.0", rejected_by: "1.4.0" });
  });
});

describe("compatibility in a member repo with no flags (the RFC's CI step)", () => {
  const { sb, aperture, fungal, contract, edit, code } = world();
  const fungalBinding = "domains/s3-access/bindings/fungal-image-analysis.yaml";
  edit(fungalBinding, (d) => d.setIn(["imports", 0, "resolved_version"], "1.4.0"), "fungal at 1.4.0");
  const compat = (repo: string, ...more: string[]) => sb.blue(repo, "realm", "check", "--mode=compatibility", ...more);

  test("the provider's code as published: checked, and said so", () => {
    const r = compat(aperture);
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe("compatibility:\n✓ s3-permissions: code matches 1.4.0\nAll checks passed.\n");
    expect(r.code).toBe(0);
  });

  test("a path added in code is compared with the published version: the change, and the version sync publishes", () => {
    code({ ...VALUE, read: [...VALUE.read, "training-metrics/experiments/*"] });
    const r = compat(aperture);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("✓ s3-permissions 1.4.0 → local\n");
    expect(r.stdout).toContain("config/s3.json: value-added: /read: + training-metrics/experiments/*\n");
    expect(r.stdout).toContain("    1.4.0 → local: Result: COMPATIBLE (sync publishes 1.5.0, a minor bump)\n    impact: 1.5.0: fungal-image-analysis unaffected (imports >=1.0.0 <2.0.0)\n");
    const report = CheckReport.parse(JSON.parse(compat(aperture, "--json").stdout));
    expect(report.compatibility).toMatchObject([{ contract: "s3-permissions", from: "1.4.0", to: "local", result: "COMPATIBLE (sync publishes 1.5.0, a minor bump)" }]);
    expect(report.compatibility[0]!.impact?.summary).toBe("1.5.0: fungal-image-analysis unaffected (imports >=1.0.0 <2.0.0)");
    code(VALUE);
  });

  test("a breaking schema in the provider's schema_file: a warning naming the major version sync publishes (exit 2)", () => {
    const { required: _, ...open } = SCHEMA;
    writeFileSync(join(aperture, "schema.json"), JSON.stringify(open));
    edit("domains/s3-access/bindings/aperture.yaml", (d) => d.setIn(["exports", 0, "schema_file"], "schema.json"), "schema_file");
    const r = compat(aperture);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(2);
    expect(r.stdout).not.toContain("✓");
    expect(r.stdout).toContain("⚠ s3-permissions 1.4.0 → local: BREAKING\n");
    expect(r.stdout).toContain("⚠ schema.json: required-removed: 'read' is no longer required");
    expect(r.stdout).toContain("    1.4.0 → local: Result: BREAKING (sync publishes 2.0.0, a major bump)\n");
    edit("domains/s3-access/bindings/aperture.yaml", (d) => d.deleteIn(["exports", 0, "schema_file"]), "no schema_file");
  });

  test("the importer: its resolved version against the newest published one", () => {
    const same = compat(fungal);
    expect(same.stderr).toBe("");
    expect(same.stdout).toBe("compatibility:\n✓ s3-permissions: binding at 1.4.0, the newest version\nAll checks passed.\n");
    expect(same.code).toBe(0);
    edit(contract, (d) => {
      d.set("version", "1.5.0");
      d.setIn(["schema", "properties", "experiments"], { type: "array", items: { type: "string" }, default: [] });
      (d.get("evolution") as { add: (x: unknown) => void }).add({ version: "1.5.0", changes: ["Added experiments"], compatible: true });
    }, "s3-permissions 1.5.0");
    const r = compat(fungal);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("✓ s3-permissions 1.4.0 → 1.5.0\n");
    expect(r.stdout).toContain("property-added-open-model: property 'experiments' added");
    expect(r.stdout).toContain("    1.4.0 → 1.5.0: Result: COMPATIBLE (minor version bump OK)\n");
  });
});

describe("a breaking version outside the import's range", () => {
  const { sb, aperture, fungal, clone, contract, edit } = world();
  afterAll(() => sb.shutDaemon());
  const widen = `'blue realm import s3-permissions --range ">=1.0.0 <3.0.0"'`;

  test("proposed on the provider's sync branch: the importer check warns, naming it and the import command (exit 2)", () => {
    // fungal acknowledges 1.4.0, and has its daemon running to be told of what comes.
    expect(sb.blue(fungal, "realm", "sync").code).toBe(0);
    expect(sb.blue(fungal, "realm", "status").code).toBe(0);
    const { required: _, ...open } = SCHEMA;
    writeFileSync(join(aperture, "schema.json"), JSON.stringify(open));
    expect(sb.blue(aperture, "realm", "export", "s3-permissions", "--extract", "config/s3.json:/permissions", "--schema-file", "schema.json").code).toBe(0);
    const sync = sb.blue(aperture, "realm", "sync");
    expect(sync.code).toBe(0);
    expect(sync.stdout).toContain("s3-permissions 1.4.0 → 2.0.0 (breaking)");
    const branch = /Pushed (sync\/aperture\/\S+):/.exec(sync.stdout)![1];

    const r = sb.blue(fungal, "realm", "check", "--mode=importer");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(2);
    expect(r.stdout).not.toContain("binding current");
    expect(r.stdout).toContain(`⚠ s3-permissions: 2.0.0 (proposed in ${branch}) is outside your import range >=1.0.0 <2.0.0: update your code for it, then run ${widen}\n`);
  });

  test("status tells the importer what to do: update the code, then the import command", () => {
    const r = sb.blue(fungal, "realm", "status");
    expect(r.stdout).toContain(`    Your import (>=1.0.0 <2.0.0) is NOT satisfied by 2.0.0: update your code, then ${widen}\n`);
    expect(r.stdout).not.toContain("Update binding when ready");
  });

  test("published on main: still a warning with the command, not 'binding current'", () => {
    edit(contract, (d) => {
      d.set("version", "2.0.0");
      d.deleteIn(["schema", "required"]);
    }, "s3-permissions 2.0.0");
    const r = sb.blue(fungal, "realm", "check", "--mode=importer");
    expect(r.code).toBe(2);
    expect(r.stdout).toContain(`⚠ s3-permissions: 2.0.0 is published and outside your import range >=1.0.0 <2.0.0: update your code for it, then run ${widen}\n`);
    const report = CheckReport.parse(JSON.parse(sb.blue(fungal, "realm", "check", "--mode=importer", "--json").stdout));
    expect(report.findings.map((f) => [f.rule, f.severity])).toEqual([["version-outside-range", "warning"]]);
    sb.git(clone, "reset", "-q", "--hard", "HEAD^");
  });
});

describe("a realm that does not load, with --json or --format sarif", () => {
  const { sb, aperture, clone, contract } = world();
  const text = readFileSync(join(clone, contract), "utf8");
  writeFileSync(join(clone, contract), text.replace("version: 1.4.0", "version: one"));
  const line = text.split("\n").findIndex((l) => l.startsWith("version:")) + 1;

  test("--json prints one CheckReport whose findings are the problems, at file:line:col (exit 78)", () => {
    for (const dir of [aperture, clone]) {
      const r = sb.blue(dir, "realm", "check", "--json");
      expect(r.code).toBe(78);
      expect(stackTrace(r)).toBe(false);
      expect(r.stderr).toContain("error: realm 'letemcook' has 1 error");
      const report = CheckReport.parse(JSON.parse(r.stdout));
      expect(report.realm).toBe("letemcook");
      expect(report.repo).toBe(dir === aperture ? "aperture" : null);
      expect(report.summary).toEqual({ errors: 1, warnings: 0 });
      expect(report.findings.map((f) => [f.rule, f.severity, f.domain, f.contract, f.file, f.line, f.col])).toEqual([["realm-invalid", "error", "s3-access", "s3-permissions", contract, line, 10]]);
      expect(report.findings[0]!.message).toContain("version");
    }
  });

  test("an invalid .blue/config.yaml is a document too, its message not prefixed by an empty contract", () => {
    const config = join(aperture, ".blue/config.yaml");
    const before = readFileSync(config, "utf8");
    writeFileSync(config, "realm: 3\n");
    try {
      const r = sb.blue(aperture, "realm", "check", "--format", "sarif");
      expect(r.code).toBe(78);
      const results = JSON.parse(r.stdout).runs[0].results as { message: { text: string }; locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[];
      expect(results.map((x) => [x.locations[0]!.physicalLocation.artifactLocation.uri, x.message.text.split(":")[0]])).toEqual([
        [".blue/config.yaml", "realm"],
        [".blue/config.yaml", "repo"],
      ]);
    } finally {
      writeFileSync(config, before);
    }
  });

  test("--format sarif prints SARIF whose results carry the region", () => {
    const r = sb.blue(aperture, "realm", "check", "--mode=importer", "--format", "sarif");
    expect(r.code).toBe(78);
    const sarif = JSON.parse(r.stdout);
    expect(sarif.version).toBe("2.1.0");
    expect(sarif.runs[0].results).toHaveLength(1);
    expect(sarif.runs[0].results[0].ruleId).toBe("realm-invalid");
    expect(sarif.runs[0].results[0].locations[0].physicalLocation).toEqual({ artifactLocation: { uri: contract }, region: { startLine: line, startColumn: 10 } });
    expect(sarif.runs[0].results[0].message.text).toStartWith("s3-permissions: version: ");
  });
});
