import { describe, expect, test } from "bun:test";
import { cpSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import semver from "semver";
import pkg from "../../package.json" with { type: "json" };
import { BLUE_VERSION } from "../../src/realm/format.ts";
import { loadRealm } from "../../src/realm/load.ts";
import { raiseMinBlueVersion, REALM_FEATURES } from "../../src/realm/write.ts";

function goodRealm(): string {
  const root = mkdtempSync(join(tmpdir(), "blue-write-"));
  cpSync(join(import.meta.dir, "..", "fixtures", "realms", "good"), root, { recursive: true });
  return root;
}
const realmYaml = (root: string) => readFileSync(join(root, "realm.yaml"), "utf8");

describe("realm features and min_blue_version", () => {
  test("every feature names a released version no newer than this blue; min_blue_version itself is read from this one", () => {
    expect(REALM_FEATURES.min_blue_version as string).toBe(pkg.version);
    for (const v of Object.values(REALM_FEATURES)) {
      expect(semver.valid(v)).toBe(v);
      expect(semver.lte(v, BLUE_VERSION)).toBe(true);
    }
  });

  test("a write that starts using a feature raises min_blue_version beside version, keeping comments and order", () => {
    const root = goodRealm();
    const before = realmYaml(root);
    expect(raiseMinBlueVersion(root, ["min_blue_version"])).toBe(REALM_FEATURES.min_blue_version);
    const after = realmYaml(root);
    expect(after).toContain(`version: "1.0.0"\nmin_blue_version: ${REALM_FEATURES.min_blue_version}\ncreated_at:`);
    for (const comment of before.match(/#.*$/gm)!) expect(after).toContain(comment);
    const { problems, model } = loadRealm(root);
    expect(problems).toEqual([]);
    expect(model.realm?.min_blue_version).toBe(REALM_FEATURES.min_blue_version);
  });

  test("a realm that already asks for as much (or more) is left as it is, not even rewritten", () => {
    const root = goodRealm();
    raiseMinBlueVersion(root, ["min_blue_version"]);
    const text = realmYaml(root).replace(/min_blue_version: .*/, "min_blue_version: 5.0.0 # set by a newer blue");
    writeFileSync(join(root, "realm.yaml"), text);
    const mtime = statSync(join(root, "realm.yaml")).mtimeMs;
    expect(raiseMinBlueVersion(root, ["min_blue_version"])).toBeUndefined();
    expect(raiseMinBlueVersion(root, [])).toBeUndefined();
    expect(realmYaml(root)).toBe(text);
    expect(statSync(join(root, "realm.yaml")).mtimeMs).toBe(mtime);
  });

  test("a lower min_blue_version is raised in place", () => {
    const root = goodRealm();
    writeFileSync(join(root, "realm.yaml"), realmYaml(root).replace("name: letemcook\n", "name: letemcook\nmin_blue_version: 0.0.1 # old\n"));
    expect(raiseMinBlueVersion(root, ["min_blue_version"])).toBe(REALM_FEATURES.min_blue_version);
    expect(realmYaml(root)).toContain(`name: letemcook\nmin_blue_version: ${REALM_FEATURES.min_blue_version} # old\n`);
  });
});
