// Writing the realm's own files in a clone: new files from data, edits through the yaml Document API
// (so people's comments and key order survive), every write atomic. No git here; commands commit.
import { rmSync } from "node:fs";
import { join } from "node:path";
import semver from "semver";
import type { Document } from "yaml";
import { yamlLibrary } from "../yaml/library.ts";
import type { BindingFile, FileKind, SigningKey } from "./schema.ts";
import { editYamlFile, writeYamlFile } from "../yaml/source.ts";

/** What a realm may use that an older blue would misread or ignore, each with the first blue that reads it.
 *  A write that starts using one raises realm.yaml's min_blue_version to it (raiseMinBlueVersion), so older
 *  blues refuse the realm with one line instead of misreading it (format.ts). Entries are never changed. */
export const REALM_FEATURES = {
  min_blue_version: "0.1.0",
  /** The protect workflow runs `blue realm check --mode=ownership`; signing_keys in repos/*.yaml and realm.yaml. */
  ownership_check: "0.1.0",
} as const;
export type RealmFeature = keyof typeof REALM_FEATURES;

/** Raise realm.yaml's min_blue_version to what `features` need, when it is lower or absent (comments and key
 *  order kept; one atomic write). Returns the version written, or undefined when the realm already asks for it. */
export function raiseMinBlueVersion(root: string, features: readonly RealmFeature[]): string | undefined {
  const needed = features.map((f) => REALM_FEATURES[f]).reduce<string | undefined>((a, v) => (a && semver.gte(a, v) ? a : v), undefined);
  if (!needed) return undefined;
  let raised: string | undefined;
  editYamlFile(join(root, "realm.yaml"), (doc) => {
    const map = doc.contents;
    if (!yamlLibrary().isMap(map)) return false; // not a realm.yaml blue can write to: the loader says why
    const current = doc.get("min_blue_version");
    if (typeof current === "string" && semver.valid(current) === current && semver.gte(current, needed)) return false;
    if (doc.has("min_blue_version")) doc.set("min_blue_version", needed);
    else {
      // Beside `version` (else `name`), where a reader of realm.yaml looks for versions.
      const keyAt = (k: string) => map.items.findIndex((p) => yamlLibrary().isScalar(p.key) && p.key.value === k);
      const after = [keyAt("version"), keyAt("name")].find((i) => i >= 0) ?? map.items.length - 1;
      map.items.splice(after + 1, 0, doc.createPair("min_blue_version", needed));
    }
    raised = needed;
  });
  return raised;
}

export function writeRealmFile(root: string, rel: string, kind: FileKind, data: unknown): void {
  writeYamlFile(join(root, rel), data, `blue ${kind} file. Its JSON Schema: blue schema ${kind}`);
}

/** A binding as people write it: no empty exports/imports lists. */
export function bindingForDisk(b: BindingFile): Record<string, unknown> {
  const { exports, imports, ...rest } = b;
  return { ...rest, ...(exports.length ? { exports } : {}), ...(imports.length ? { imports } : {}) };
}

export function removeDomainMember(root: string, domain: string, repo: string): void {
  editYamlFile(join(root, "domains", domain, "domain.yaml"), (doc) => {
    const members = doc.get("members", true);
    if (!yamlLibrary().isSeq(members)) return;
    members.items = members.items.filter((item) => !(yamlLibrary().isScalar(item) && item.value === repo));
  });
}

export function removeRealmPath(root: string, rel: string): void {
  rmSync(join(root, rel), { recursive: true, force: true });
}

/** A repo's maintainers and signing keys as `lists` says, editing the lists in place: entries that stay keep
 *  their comments and order, new ones go at the end, and an emptied signing_keys goes away. */
export function setRepoMaintainers(root: string, rel: string, lists: { maintainers: string[]; signing_keys: SigningKey[] }): void {
  editYamlFile(join(root, rel), (doc) => {
    syncSeq(doc, "maintainers", lists.maintainers, (item) => (yamlLibrary().isScalar(item) ? String(item.value) : undefined), (m) => m);
    const id = (k: { email: string; key: string }) => `${k.email.toLowerCase()} ${k.key.trim().split(/\s+/).slice(0, 2).join(" ")}`;
    const itemId = (item: unknown) => (yamlLibrary().isMap(item) ? id({ email: String(item.get("email") ?? ""), key: String(item.get("key") ?? "") }) : undefined);
    if (lists.signing_keys.length === 0) doc.delete("signing_keys");
    else syncSeq(doc, "signing_keys", lists.signing_keys, itemId, id);
  });
}

function syncSeq<T>(doc: Document, key: string, wanted: readonly T[], idOfItem: (item: unknown) => string | undefined, idOf: (v: T) => string): void {
  const seq = doc.get(key, true);
  if (!yamlLibrary().isSeq(seq)) {
    doc.set(key, doc.createNode(wanted));
    return;
  }
  const want = new Set(wanted.map((v) => idOf(v).toLowerCase()));
  seq.items = seq.items.filter((item) => want.has(idOfItem(item)?.toLowerCase() ?? "\0"));
  const have = new Set(seq.items.map((item) => idOfItem(item)?.toLowerCase()));
  for (const v of wanted) if (!have.has(idOf(v).toLowerCase())) seq.items.push(doc.createNode(v));
}
