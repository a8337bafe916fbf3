import { describe, expect, test } from "bun:test";
import { cpSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { formatProblem } from "../../src/errors.ts";
import { loadRealm } from "../../src/realm/load.ts";
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
