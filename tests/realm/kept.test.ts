// The kept model: the same realm a load reads, taken from .git/blue-realm-model.json only while nothing under the
// realm's paths changed, never kept from files written within two seconds.
import { describe, expect, test } from "bun:test";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadValidRealmKept, realmStamps } from "../../src/realm/kept.ts";
import { loadValidRealm } from "../../src/realm/load.ts";

const fixture = join(import.meta.dir, "..", "fixtures", "realms", "good");
const later = () => Date.now() + 10_000; // as if the files had been written long before

function realm(): string {
  const root = mkdtempSync(join(tmpdir(), "blue-kept-"));
  cpSync(fixture, root, { recursive: true });
  mkdirSync(join(root, ".git"), { recursive: true });
  return root;
}

describe("loadValidRealmKept", () => {
  test("the kept model is the model a load reads (Maps and Sets included), and is used while nothing changed", () => {
    const root = realm();
    const first = loadValidRealmKept(root, "letemcook", undefined, later());
    const kept = join(root, ".git", "blue-realm-model.json");
    expect(existsSync(kept)).toBe(true);
    const fresh = loadValidRealm(root, "letemcook");
    expect(first).toEqual(fresh);
    // Marked so a second load shows it came from the kept file, not from the realm's files.
    writeFileSync(kept, readFileSync(kept, "utf8").replace('"pending":["ml-infra"]', '"pending":["from-kept"]'));
    const again = loadValidRealmKept(root, "letemcook", undefined, later());
    expect(again.model.pending).toEqual(["from-kept"]);
    expect({ ...again.model, pending: fresh.model.pending }).toEqual(fresh.model);
    expect(again.model.domains.get("s3-access")?.contracts).toBeInstanceOf(Map);
  });

  test("a file changed, added or removed under the realm's paths is read again", () => {
    const root = realm();
    loadValidRealmKept(root, "letemcook", undefined, later());
    const contract = join(root, "domains/s3-access/contracts/s3-permissions.yaml");
    writeFileSync(contract, readFileSync(contract, "utf8").replace('version: "1.4.0"', 'version: "1.4.1"'));
    expect(loadValidRealmKept(root, "letemcook", undefined, later()).model.domains.get("s3-access")?.contracts.get("s3-permissions")?.version).toBe("1.4.1");
    const stamps = realmStamps(root).stamps;
    rmSync(join(root, "repos/aperture.yaml"));
    expect(realmStamps(root).stamps).not.toBe(stamps);
    expect([...loadValidRealmKept(root, "letemcook", undefined, later()).model.repos.keys()]).toEqual(["fungal-image-analysis"]);
    writeFileSync(join(root, "repos/zeta.yaml"), "name: zeta\nmaintainers: [z@example.com]\njoined_at: 2026-01-24T10:00:00Z\n");
    expect([...loadValidRealmKept(root, "letemcook", undefined, later()).model.repos.keys()]).toEqual(["fungal-image-analysis", "zeta"]);
  });

  test("a realm with a link under its paths is always read afresh (a link's target changes under it)", () => {
    const root = realm();
    mkdirSync(join(root, ".git", "elsewhere"));
    symlinkSync(join(root, ".git", "elsewhere"), join(root, "domains/s3-access/waivers"));
    expect(realmStamps(root).symlinks).toBe(true);
    loadValidRealmKept(root, "letemcook", undefined, later());
    expect(existsSync(join(root, ".git", "blue-realm-model.json"))).toBe(false);
  });

  test("files written within the last two seconds are not kept", () => {
    const root = realm();
    writeFileSync(join(root, "repos/aperture.yaml"), readFileSync(join(root, "repos/aperture.yaml"), "utf8"));
    loadValidRealmKept(root, "letemcook");
    expect(existsSync(join(root, ".git", "blue-realm-model.json"))).toBe(false);
  });
});
