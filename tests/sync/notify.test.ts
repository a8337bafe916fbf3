import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { loadRealm } from "../../src/realm/load.ts";
import { contractNotices, withdrawnVersions } from "../../src/sync/notify.ts";
import type { PendingSync } from "../../src/sync/pending.ts";

const good = () => loadRealm(join(import.meta.dir, "..", "fixtures", "realms", "good")).model;

function bump(version: string, entry?: { changes: string[]; compatible: boolean }) {
  const next = good();
  const c = next.domains.get("s3-access")!.contracts.get("s3-permissions")!;
  c.version = version;
  if (entry) c.evolution.push({ version, ...entry });
  return next;
}

describe("contractNotices", () => {
  test("no change, no notice", () => {
    expect(contractNotices("letemcook", good(), good())).toEqual([]);
  });

  test("a new version notifies every importer, with the evolution entry's changes", () => {
    const after = bump("1.5.0", { changes: ["Added experiments path"], compatible: true });
    expect(contractNotices("letemcook", good(), after)).toEqual([
      {
        realm: "letemcook",
        domain: "s3-access",
        contract: "s3-permissions",
        from_repo: "aperture",
        change_type: "updated",
        version: "1.5.0",
        changes: ["Added experiments path"],
        recipients: ["fungal-image-analysis"],
      },
    ]);
  });

  test("a major bump, or an entry marked incompatible, is breaking", () => {
    expect(contractNotices("r", good(), bump("2.0.0"))[0]?.change_type).toBe("breaking");
    expect(contractNotices("r", good(), bump("1.5.0", { changes: [], compatible: false }))[0]?.change_type).toBe("breaking");
  });

  test("a contract that did not exist before is new", () => {
    const before = good();
    before.domains.get("s3-access")!.contracts.delete("s3-permissions");
    expect(contractNotices("r", before, good())[0]?.change_type).toBe("new");
  });
});

describe("withdrawnVersions", () => {
  const open = (version: string) => [{ updates: [{ domain: "s3-access", contract: "s3-permissions", version, compatible: false, changes: [] }] }] as unknown as PendingSync[];
  const v = (version: string) => ({ domain: "s3-access", contract: "s3-permissions", version });

  test("a version only a closed branch proposed is withdrawn", () => {
    expect(withdrawnVersions([v("9.0.0")], good(), [])).toEqual([v("9.0.0")]);
  });

  test("one proposed again on an open branch, or one main has (now or in its evolution), is not", () => {
    expect(withdrawnVersions([v("9.0.0")], good(), open("9.0.0"))).toEqual([]);
    expect(withdrawnVersions([v("9.0.0")], bump("9.0.0", { changes: [], compatible: false }), [])).toEqual([]);
    const later = bump("9.1.0", { changes: [], compatible: true });
    later.domains.get("s3-access")!.contracts.get("s3-permissions")!.evolution.push({ version: "9.0.0", changes: [], compatible: false });
    expect(withdrawnVersions([v("9.0.0")], later, [])).toEqual([]);
    // Another version proposed again does not bring this one back.
    expect(withdrawnVersions([v("9.0.0")], good(), open("9.0.1"))).toEqual([v("9.0.0")]);
  });
});
