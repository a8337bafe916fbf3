import { describe, expect, test } from "bun:test";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { formatProblem } from "../../src/errors.ts";
import { BLUE_VERSION } from "../../src/realm/format.ts";
import { loadRealm, loadValidRealm } from "../../src/realm/load.ts";
import { removeDomainMember } from "../../src/realm/write.ts";

const fixture = (name: string) => join(import.meta.dir, "..", "fixtures", "realms", name);
const lines = (name: string) => loadRealm(fixture(name)).problems.map(formatProblem);

describe("loadRealm", () => {
  test("reads the RFC's example realm into a typed model with no problems", () => {
    const { model, problems } = loadRealm(fixture("good"));
    expect(problems).toEqual([]);
    expect(model.realm?.governance.breaking_changes.grace_period_days).toBe(14);
    expect([...model.repos.keys()]).toEqual(["aperture", "fungal-image-analysis"]);
    const s3 = model.domains.get("s3-access")!;
    expect(s3.contracts.get("s3-permissions")?.version).toBe("1.4.0");
    expect(s3.bindings.get("fungal-image-analysis")?.imports[0]?.version).toBe(">=1.0.0, <2.0.0");
    expect(s3.bindings.get("aperture")?.exports[0]?.source_files).toHaveLength(2);
  });

  test("a repo named by a domain before it joined is pending, not an error", () => {
    expect(loadRealm(fixture("good")).model.pending).toEqual(["ml-infra"]);
  });

  test("reports every schema and YAML problem at once, each with file:line:col and field", () => {
    expect(lines("bad")).toEqual([
      "realm.yaml:5:24: governance.breaking_changes.grace_period_days: Invalid input: expected number, received string",
      "repos/aperture.yaml:1:7: name: is 'apperture' but the file is named for 'aperture'; they must match",
      "repos/broken.yaml:3:5: invalid YAML: Implicit keys need to be on a single line",
      "domains/s3-access/contracts/s3-permissions.yaml:2:10: version: must be a semantic version like 1.4.0",
      "domains/s3-access/contracts/s3-permissions.yaml:4:1: ownr: unknown field",
      "domains/s3-access/bindings/fungal-image-analysis.yaml:5:14: imports[0].version: must be a semver range like '>=1.0.0 <2.0.0' or '^1.4.0'",
      "domains/s3-access/bindings/stranger.yaml:1:7: repo: 'stranger' is not a member of domain 's3-access'",
    ]);
  });

  test("an unknown field is a warning; the rest are errors", () => {
    const { problems } = loadRealm(fixture("bad"));
    expect(problems.filter((p) => p.severity === "warning").map((p) => p.field)).toEqual(["ownr"]);
    expect(problems.filter((p) => p.severity === "error")).toHaveLength(6);
  });

  test("checks the cross-file rules: names, membership, ownership, exports, imports and cycles", () => {
    expect(lines("bad-cross")).toEqual([
      "domains/Mismatch/domain.yaml:1:7: name: is 'mismatch' but the file is named for 'Mismatch'; they must match",
      "domains/feedback/domain.yaml:6:5: members[2]: 'aperture' is listed twice",
      "domains/s3-access/contracts/bucket-names.yaml:3:8: owner: owner 'aperture' does not export 'bucket-names': add it to the exports of domains/s3-access/bindings/aperture.yaml",
      "domains/s3-access/contracts/s3-permissions.yaml:3:8: owner: 'ml-infra' is not a member of domain 's3-access' (members: aperture, fungal-image-analysis)",
      "domains/s3-access/bindings/aperture.yaml:4:15: exports[0].contract: 's3-permissions' is owned by 'ml-infra'; only its owner may export it",
      "domains/s3-access/bindings/fungal-image-analysis.yaml:6:15: imports[1].contract: no contract 'no-such-contract' in domain 's3-access'",
      "domains/feedback/domain.yaml:4:3: members: domains form a cycle: aperture → (s3-access) → fungal-image-analysis → (feedback) → aperture",
    ]);
  });

  test("a directory without realm.yaml is not a realm", () => {
    const empty = mkdtempSync(join(tmpdir(), "blue-empty-"));
    expect(loadRealm(empty).problems.map(formatProblem)).toEqual(["realm.yaml: missing: this directory is not a realm (no realm.yaml)"]);
  });

  test("editing a domain keeps the file's comments and key order", () => {
    const root = mkdtempSync(join(tmpdir(), "blue-edit-"));
    cpSync(fixture("good"), root, { recursive: true });
    removeDomainMember(root, "training-pipeline", "ml-infra");
    expect(readFileSync(join(root, "domains/training-pipeline/domain.yaml"), "utf8")).toBe(
      "# Named before ml-infra joined: ml-infra is a pending member.\nname: training-pipeline\ncreated_at: 2026-01-25T09:00:00Z\nmembers:\n  - fungal-image-analysis\n",
    );
  });
});

/** A copy of the good fixture with `edit` applied to one of its files. */
function goodWith(rel: string, edit: (text: string) => string): string {
  const root = mkdtempSync(join(tmpdir(), "blue-load-"));
  cpSync(fixture("good"), root, { recursive: true });
  writeFileSync(join(root, rel), edit(readFileSync(join(root, rel), "utf8")));
  return root;
}
const withMinVersion = (v: string, extra = "") => goodWith("realm.yaml", (t) => t.replace('version: "1.0.0"\n', `version: "1.0.0"\nmin_blue_version: ${v}\n${extra}`));

describe("waivers (issue 19)", () => {
  const withWaivers = (name: string, text: string) => {
    const root = goodWith("realm.yaml", (t) => t);
    mkdirSync(join(root, "domains/s3-access/waivers"));
    writeFileSync(join(root, `domains/s3-access/waivers/${name}.yaml`), text);
    return root;
  };
  const ONE = "waivers:\n  - rule: required-removed\n    pointer: /required/0\n    from: 1.4.0\n    until: 2026-12-31\n    reason: fungal reads it as optional\n    recorded_by: eric@example.com\n    recorded_at: 2026-11-30T10:00:00Z\n";

  test("domains/<d>/waivers/<contract>.yaml is read beside the contract, not as a contract", () => {
    const { model, problems } = loadRealm(withWaivers("s3-permissions", `contract: s3-permissions\n${ONE}`));
    expect(problems).toEqual([]);
    const d = model.domains.get("s3-access")!;
    expect([...d.contracts.keys()]).toEqual(["s3-permissions"]);
    expect(d.waivers.get("s3-permissions")?.waivers.map((w) => [w.rule, w.pointer, w.from, w.until])).toEqual([["required-removed", "/required/0", "1.4.0", "2026-12-31"]]);
  });

  test("a waiver of no contract, a bad date or a pointer without '/' is a problem at its file:line:col", () => {
    expect(loadRealm(withWaivers("nothing", `contract: nothing\n${ONE}`)).problems.map(formatProblem)).toEqual([
      "domains/s3-access/waivers/nothing.yaml:1:11: contract: no contract 'nothing' in domain 's3-access': a waiver sits beside the contract it waives",
    ]);
    const bad = ONE.replace("2026-12-31", "2026-02-30").replace("/required/0", "required/0");
    expect(loadRealm(withWaivers("s3-permissions", `contract: s3-permissions\n${bad}`)).problems.map(formatProblem)).toEqual([
      "domains/s3-access/waivers/s3-permissions.yaml:4:14: waivers[0].pointer: must be a JSON pointer: '' (the schema's root) or starting with '/'",
      "domains/s3-access/waivers/s3-permissions.yaml:6:12: waivers[0].until: must be a real date like 2026-12-31",
    ]);
  });
});

describe("min_blue_version", () => {
  test("a realm that needs a newer blue is refused with one line, before anything else is read", () => {
    const load = loadRealm(withMinVersion("99.0.0"));
    expect(load.refusal?.message).toBe(`realm 'letemcook' needs blue >= 99.0.0 (this is blue ${BLUE_VERSION}): upgrade blue`);
    expect(load.refusal?.exitCode).toBe(78);
    expect(load.problems.map(formatProblem)).toEqual([`realm.yaml:4:19: min_blue_version: ${load.refusal!.message}`]);
    expect(load.model.repos.size + load.model.domains.size).toBe(0);
    expect(() => loadValidRealm(withMinVersion("99.0.0"), "letemcook")).toThrow(load.refusal!.message);
  });

  test("fields this blue does not know, beside a higher min_blue_version, give the upgrade line, not 'unknown field'", () => {
    const { problems, refusal } = loadRealm(withMinVersion("99.0.0", "trust_pins: [{ key: abc }]\ngovernance_v2: { x: 1 }\n"));
    expect(refusal).toBeDefined();
    expect(problems).toHaveLength(1);
    expect(problems[0]!.field).toBe("min_blue_version");
  });

  test("a realm.yaml read the exact way (not plain enough for the fast path) is refused the same", () => {
    const root = goodWith("realm.yaml", (t) => `${t.replace('version: "1.0.0"\n', 'version: "1.0.0"\nmin_blue_version: &v 99.0.0\n')}other: *v\n`);
    expect(loadRealm(root).refusal?.message).toStartWith("realm 'letemcook' needs blue >= 99.0.0");
  });

  test("a min_blue_version at or below this blue's version loads as before", () => {
    for (const v of [BLUE_VERSION, "0.0.1"]) {
      const { problems, refusal, model } = loadRealm(withMinVersion(v));
      expect(refusal).toBeUndefined();
      expect(problems).toEqual([]);
      expect(model.realm?.min_blue_version).toBe(v);
    }
  });

  test("a min_blue_version that is not a version is a schema error, not a refusal", () => {
    const { problems, refusal } = loadRealm(withMinVersion("soon"));
    expect(refusal).toBeUndefined();
    expect(problems.map(formatProblem)).toEqual(["realm.yaml:4:19: min_blue_version: must be a semantic version like 1.4.0"]);
  });
});

describe("hostile files in a realm", () => {
  test("an alias bomb in a contract is one problem at its file:line:col; the rest of the realm is read", () => {
    const bomb = ["a: &a [x, x, x, x, x, x, x, x, x]", ..."bcdefghi".split("").map((n, i) => `${n}: &${n} [${Array(9).fill(`*${"abcdefghi"[i]}`).join(", ")}]`)];
    const root = goodWith("domains/s3-access/contracts/s3-permissions.yaml", (t) => `${t}bomb:\n${bomb.map((l) => `  ${l}`).join("\n")}\n`);
    const { problems, model } = loadRealm(root);
    expect(problems.map(formatProblem)).toEqual([
      expect.stringMatching(/^domains\/s3-access\/contracts\/s3-permissions\.yaml:\d+:\d+: bomb\.e\[0\]: aliases expand the file by more than 10000 nodes here/),
    ]);
    expect([...model.repos.keys()]).toEqual(["aperture", "fungal-image-analysis"]);
  });
});

