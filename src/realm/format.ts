// Which blue reads a realm: realm.yaml's optional `min_blue_version`. A blue older than that refuses the realm
// with one line, before it validates anything: an older blue would misread or ignore what the realm now uses
// (and its strict schema would call the new keys "unknown fields", which says nothing useful).
import semver from "semver";
import pkg from "../../package.json" with { type: "json" };
import { isSafeName } from "./names.ts";

/** This blue's version (package.json). */
export const BLUE_VERSION: string = pkg.version;

/** The one line refusing a realm whose realm.yaml (as data, not yet validated) asks for a newer blue than
 *  `have`; undefined when this blue may read it. A malformed `min_blue_version` is left to the schema. */
export function needsNewerBlue(realmYaml: unknown, fallbackName: string, have: string = BLUE_VERSION): string | undefined {
  if (!realmYaml || typeof realmYaml !== "object") return undefined;
  const { name, min_blue_version: min } = realmYaml as Record<string, unknown>;
  if (typeof min !== "string" || semver.valid(min) !== min || !semver.gt(min, have)) return undefined;
  const realm = typeof name === "string" && isSafeName(name) ? name : fallbackName;
  return `realm '${realm}' needs blue >= ${min} (this is blue ${have}): upgrade blue`;
}
